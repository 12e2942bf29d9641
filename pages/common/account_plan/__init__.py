"""Account plans on the pages (issue 25, item 4): the Account page's "Account plan" section (section.py, with its
tables.py and editors.py), and the Plan page's "pilot account planning" activity linking to the focus accounts'
plans (pilot.py); keys.py names the session keys. Kept apart from the pages' own code: each page calls one
function, named here."""

from pages.common.account_plan.pilot import planning_activity, show_pilot_planning
from pages.common.account_plan.section import show_account_plan

__all__ = ["planning_activity", "show_account_plan", "show_pilot_planning"]
