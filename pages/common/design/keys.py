"""Every session key of the Design page, named once (the browser and AppTest tests find widgets by these strings).
The assumptions' editor builds its keys from ASSUME (pages/common/design_inputs.py)."""

from __future__ import annotations

SCOPE = "dz_scope"
PLAN = "dz_plan"
ASSUME = "dz_assume"
NEED = "dz_need"
ROLES = "dz_roles"
ROLES_CHART = "dz_roles_chart"
MONEY_CHART = "dz_money_chart"
ECONOMICS = "dz_economics"
EXPORT = "dz_export"

# The assumptions' editor (pages/common/design/assumptions.py), on the Design page under ASSUME and on the Scenarios
# page under its own prefix (``key``).
EDITS = "dz_edits"  # this session's assumptions, not saved (a dict as Assumptions validates it); absent: saved ones


def editor_gen(key: str) -> str:
    """The editor's generation: applying, dropping or saving starts its widgets again."""
    return f"{key}_gen"


def editor(key: str, part: str, gen: int | None = None) -> str:
    """One of the editor's widgets (``part``: form, horizon, uplift, margin, ramp, currency, costs, roles, apply,
    drop, save); the form's inputs carry the generation."""
    return f"{key}_{part}" + (f"_{gen}" if gen is not None else "")
