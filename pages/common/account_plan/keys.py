"""The account plans' session and widget keys, in one place: browser and AppTest tests find widgets by them. The
Account page's section starts with ``ap_``, the Plan page's pilot planning with ``pl_``; an editor's key carries a
generation, fresh after each save."""

from __future__ import annotations

ANCHOR = "account-plan"  # the Account page's section, in a link's address
GEN = "ap_gen"
OPEN = "ap_open"
OBJECTIVES_SHOWN = "ap_objectives_shown"
TARGETS_SHOWN = "ap_targets_shown"
PEOPLE_SHOWN = "ap_people_shown"
SAVE = "ap_save"
VERSIONS = "ap_versions"
EXPORT = "ap_export"
PILOT_PLANS = "pl_account_plans"
PILOT_LINKS = "pl_plan_links"
PILOT_XLSX = "pl_account_plans_xlsx"


def part(name: str, gen: str) -> str:
    """A part's editor: objectives, targets, people (the stakeholders) or actions."""
    return f"ap_{name}_{gen}"


def note(gen: str) -> str:
    """The note on the version to save."""
    return f"ap_note_{gen}"
