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
