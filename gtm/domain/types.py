"""The domain's types that pages may name: errors, roles and actions, the matrix, rule tables and mappings,
assumptions, plans, enums and typed constants. Classes, enums, dataclasses and constants only, never a function:
pages reach the domain's rules through gtm.services (and words through gtm.display), and the import-linter
contract "pages import the domain's types only" allows this module alone.
"""

from __future__ import annotations

from typing import Any

from gtm.domain.account_plans import ACCEPTED as ACCOUNT_PLAN_ACCEPTED
from gtm.domain.account_plans import MAX_NAME as ACCOUNT_PLAN_MAX_NAME
from gtm.domain.account_plans import MAX_TEXT as ACCOUNT_PLAN_MAX_TEXT
from gtm.domain.account_plans import NOT_KNOWN, STRENGTHS, AccountPlan
from gtm.domain.account_plans import PART_LABELS as ACCOUNT_PLAN_PARTS
from gtm.domain.currency import COMMON_CODES as CURRENCY_CODES
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
from gtm.domain.funnel import MEASURES as FUNNEL_MEASURES
from gtm.domain.funnel import Axis, FunnelRules
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.maturity import ORGANISATION
from gtm.domain.outcomes import OUTCOME_LABELS, WON_WEIGHT_RANGE
from gtm.domain.permissions import ROLE_LABELS, RULES, Action, Actor, Role
from gtm.domain.plan import MAX_NAME as PLAN_MAX_NAME
from gtm.domain.plan import MAX_OWNER as PLAN_MAX_OWNER
from gtm.domain.plan import MAX_WEEKS as PLAN_MAX_WEEKS
from gtm.domain.plan import NOT_STARTED, STATUSES, Plan, Schedule
from gtm.domain.playbook import Assumptions
from gtm.domain.recommend import Tally
from gtm.domain.results import BASELINE_LABELS, BASELINE_RULES, GROUP_WORDS, Rule
from gtm.domain.reviews import MIXED
from gtm.domain.structures import SOURCE_WORDS
from gtm.domain.vocabulary import Fit, Vocabulary

__all__ = ["ACCOUNT_PLAN_ACCEPTED", "ACCOUNT_PLAN_MAX_NAME", "ACCOUNT_PLAN_MAX_TEXT", "ACCOUNT_PLAN_PARTS", "APPROACHES",
           "BASELINE_LABELS", "BASELINE_RULES", "CURRENCY_CODES", "FITS", "FUNNEL_MEASURES", "GROUP_WORDS", "MIXED",
           "NATURES", "NOT_KNOWN", "NOT_STARTED", "ORGANISATION", "OUTCOME_LABELS", "PLAN_MAX_NAME", "PLAN_MAX_OWNER",
           "PLAN_MAX_WEEKS", "ROLE_LABELS", "RULES", "SOURCE_WORDS", "STATUSES", "STRENGTHS", "WON_WEIGHT_RANGE", "AccountPlan", "Action", "Actor", "ApproachMatrix", "Assumptions", "Axis",
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
