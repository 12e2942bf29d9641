"""The Diagnose page's sections: the rules (as sentences and as the grid), the product family mappings, the preview,
the questionnaire and the to-do list, with the page's session keys in keys.py."""
