"""The Key accounts page's session and widget keys, in one place: browser and AppTest tests find widgets by them."""

from __future__ import annotations

SIZE = "ka_size"
EASE = "ka_ease"
GROWTH = "ka_growth"
SCATTER = "ka_scatter"
UNSCORED = "ka_unscored"
HOW = "ka_how"
TOP_N = "ka_top_n"
MIN_SIZE = "ka_min_size"
MIN_EASE = "ka_min_ease"
PREVIEW = "ka_preview"
SHORT_NAME = "ka_short_name"
SAVE_SHORT = "ka_save_short"
BU = "ka_bu"
SAVE_MARKS = "ka_save_marks"
PICKS = "ka_picks"
FOCUS_N = "ka_focus_n"
FOCUS = "ka_focus"
TARGET = "ka_target"
YEARS = "ka_years"
FOCUS_NAME = "ka_focus_name"
SAVE_FOCUS = "ka_save_focus"
FUNNEL = "ka_funnel"
VERSIONS = "ka_versions"


def marks(list_id: object, bu: str) -> str:
    """The scores-and-picks editor of one shortlist version and BU: a new editor (no stale edits) for each."""
    return f"ka_marks_{list_id}_{bu}"
