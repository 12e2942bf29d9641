"""Every session key of the Matrix page, named once (the browser and AppTest tests find widgets by these strings).
The draft band's own keys are in pages/common/draft.py."""

from __future__ import annotations

RELOAD = "mx_reload"  # set by a save, switch or reset: the draft is dropped on the next run
BASE = "mx_base"  # the active matrix's fingerprint the sliders started from
SEEN_ACTIVE = "mx_seen_active"  # the active version shown a run ago (a save or switch carries it)
UNDO = "mx_undo"
DISCARD = "mx_discard"
NAME = "mx_name"
SAVE = "mx_save"
SIDE = "mx_side"  # the portfolio before or after the edit
CHART = "mx_chart"
CHANGED = "mx_changed"
REC_CHANGES = "mx_rec_changes"
ACTIVATE = "mx_activate"
RESET = "mx_reset"


def band(nature: str, gen: int) -> str:
    """A nature's band slider; a new generation makes the browser drop the old positions."""
    return f"mx_band_{nature}" + (f"_{gen}" if gen else "")


def version(gen: int) -> str:
    """The version switcher; a new key with each active version shows the version now active."""
    return f"mx_version_{gen}" if gen else "mx_version"
