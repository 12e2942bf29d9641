"""The Plan page's session and widget keys, in one place: browser and AppTest tests find widgets by them. A key
with a generation (``gen``) starts afresh when another plan is chosen or a save is made."""

from __future__ import annotations

SOURCE = "pl_source"  # the plan shown: DEFAULT or "v<version>:<name>"
PICK = "pl_pick"  # a save just made: the version to show next (set before the widget exists)
GEN = "pl_gen"  # the fields' generation
TIMELINE = "pl_timeline"
DATES = "pl_dates"
SAVE = "pl_save"
VERSIONS = "pl_versions"
EUROPEAN = "pl_eu"
EXPORT_CSV = "pl_export_csv"
EXPORT_XLSX = "pl_export_xlsx"


def start(gen: int) -> str:
    """The start date's field."""
    return f"pl_start_{gen}"


def for_list(gen: int) -> str:
    """The "For accounts" field."""
    return f"pl_list_{gen}"


def phase(i: int, gen: int) -> str:
    """Phase ``i``'s length field (0: the first)."""
    return f"pl_phase_{i}_{gen}"


def rows(i: int, gen: int) -> str:
    """Phase ``i``'s activities editor (0: the first)."""
    return f"pl_rows_{i}_{gen}"


def name(gen: int) -> str:
    """The "Save as" field."""
    return f"pl_name_{gen}"
