"""The Maturity page's session and widget keys, in one place: browser and AppTest tests find widgets by them. A key
with a generation (``gen``) starts afresh after a save."""

from __future__ import annotations

SCOPE = "mt_scope"
DATE = "mt_date"
PICK = "mt_pick"  # a save just made: (scope, date) to show next (set before the widgets exist)
COMPARE = "mt_compare"
EARLIER = "mt_earlier"
RADAR = "mt_radar"
TABLE = "mt_table"
CHANGE = "mt_change"
WHO = "mt_who"
GEN = "mt_gen"
SAVE = "mt_save"


def form(gen: int) -> str:
    """The scoring form."""
    return f"mt_form_{gen}"


def form_scope(gen: int) -> str:
    """The form's scope."""
    return f"mt_form_scope_{gen}"


def form_date(gen: int) -> str:
    """The form's date."""
    return f"mt_form_date_{gen}"


def score(code: str, gen: int) -> str:
    """A dimension's score in the form."""
    return f"mt_score_{code}_{gen}"


def note(gen: int) -> str:
    """The form's note."""
    return f"mt_note_{gen}"
