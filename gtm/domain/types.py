"""The domain's types that pages may name: errors, roles and actions, the matrix, rule tables and mappings,
assumptions, plans, enums and typed constants. Classes, enums, dataclasses and constants only, never a function:
pages reach the domain's rules through gtm.services (and words through gtm.display), and the import-linter
contract "pages import the domain's types only" allows this module alone.
"""

from __future__ import annotations

from typing import Any

from gtm.domain.account_plans import AccountPlan
from gtm.domain.diagnose import DiagnosisTable, Mappings
from gtm.domain.errors import (
    ConfigError,
    DatabaseUnavailable,
    GtmError,
    InputError,
    PermissionDenied,
    Problem,
    WriteConflict,
)
from gtm.domain.funnel import Axis, FunnelRules
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.maturity import ORGANISATION
from gtm.domain.outcomes import OUTCOME_LABELS, WON_WEIGHT_RANGE
from gtm.domain.permissions import ROLE_LABELS, RULES, Action, Actor, Role
from gtm.domain.plan import STATUSES, Plan, Schedule
from gtm.domain.playbook import Assumptions
from gtm.domain.recommend import Tally
from gtm.domain.results import Rule
from gtm.domain.reviews import MIXED
from gtm.domain.vocabulary import Fit, Vocabulary

__all__ = ["APPROACHES", "FITS", "MIXED", "NATURES", "ORGANISATION", "OUTCOME_LABELS", "ROLE_LABELS", "RULES",
           "STATUSES", "WON_WEIGHT_RANGE", "AccountPlan", "Action", "Actor", "ApproachMatrix", "Assumptions", "Axis",
           "ConfigError", "DatabaseUnavailable", "DiagnosisTable", "Fit", "FunnelRules", "GtmError", "InputError",
           "Mappings", "PermissionDenied", "Plan", "Problem", "Role", "Rule", "Schedule", "Tally", "Vocabulary",
           "WriteConflict"]

# The vocabularies are read on first use, as in gtm.domain.vocabulary: never at import.
APPROACHES: Vocabulary
NATURES: Vocabulary
FITS: Vocabulary


def __getattr__(name: str) -> Any:
    if name in ("APPROACHES", "NATURES", "FITS"):
        from gtm.domain import vocabulary

        return getattr(vocabulary, name)
    raise AttributeError(name)
