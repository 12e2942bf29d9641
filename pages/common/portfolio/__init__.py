"""The Portfolio page's components: the filters (filters.py), the figures and the matrix with a clicked cell's
members (matrix.py), the matrix as a table, the glossary, the misfits and the to-do list (tables.py), and the current
structures (structures.py); keys.py names the session keys."""
