"""The Matrix page's sections: what a band edit changes, and saving, switching and resetting the matrix, with the
page's session keys in keys.py."""
