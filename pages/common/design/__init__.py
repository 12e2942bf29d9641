"""The Design page's sections: what and for whom, the answers, each account's structure, the people, the money, with
the page's session keys in keys.py."""
