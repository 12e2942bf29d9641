"""The Import page's session and widget keys, in one place: browser and AppTest tests find widgets by them. A key
with a file's digest belongs to that file; a round starts a fresh widget after each import or reload."""

from __future__ import annotations

KIND = "dt_kind"
ROUND = "dt_round"  # a new uploader after each import: the committed file cannot be imported twice by accident
READ_FILE = "dt_read_file"
PLAN = "dt_plan"  # (what the plan depends on, the plan): one plan per session
RESULT = "dt_result"
REJECTS = "dt_rejects"
OVERRIDES = "dt_overrides"
STAGE_CHOICES = "dt_stage_choices"
PREVIEW_RAW = "dt_preview_raw"
PREVIEW_PARSED = "dt_preview_parsed"
PROBLEMS = "dt_problems"
MODE = "dt_mode"
AS_OF = "dt_as_of"
COMMIT = "dt_commit"
TO_TOP = "dt_to_top"
REJECTS_DOWNLOAD = "dt_rejects_dl"
REPORTING = "dt_reporting"
REPORTING_SET = "dt_reporting_set"
RATES_SAVE = "dt_rates_save"
DEMO_ROUND = "dt_demo_round"
DEMO = "dt_demo"


def upload(round_: int) -> str:
    """The file uploader of an import round."""
    return f"dt_file_{round_}"


def dates(kind: str, digest: str) -> str:
    """How a file's dates are written."""
    return f"dt_dates_{kind}_{digest}"


def currency(kind: str, digest: str) -> str:
    """The currency of a file's amounts that name none."""
    return f"dt_currency_{kind}_{digest}"


def mapping(kind: str, digest: str, field: str) -> str:
    """The column a file maps to a field."""
    return f"dt_map_{kind}_{digest}_{field}"


def rates(version: int) -> str:
    """The rates editor: a fresh one once the saved rates come back (a new data version)."""
    return f"dt_rates_{version}"


def demo_confirm(round_: int) -> str:
    """The demo reload's confirmation box: fresh and empty after each reload."""
    return f"dt_demo_confirm_{round_}"
