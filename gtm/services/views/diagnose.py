"""What the Diagnose page reads: a draft of the rules and mappings previewed (as the person may: who may not save
sees a sample of whole accounts), the columns a rule may test, the evidence per product family, the coverage before
and after, the opportunities to choose from, and the to-do list."""

from __future__ import annotations

import pandas as pd

from gtm.domain import coverage, portfolio
from gtm.domain.diagnose import Mappings
from gtm.domain.permissions import Actor, Role
from gtm.services import diagnosis
from gtm.storage.repository import Store

Comparison = coverage.Comparison


def preview(store: Store, table_json: str, mappings_json: str, role: str,
            stored: pd.DataFrame) -> diagnosis.Preview:
    """The opportunities under a draft of the rules and mappings, as ``role`` may preview them."""
    return diagnosis.preview(store, Actor("what-if", Role(role)), diagnosis.parse_table(table_json),
                             Mappings.model_validate_json(mappings_json), stored)


def rule_columns(opportunities: pd.DataFrame) -> list[str]:
    """The columns a rule may test (the fields, the CRM columns kept by the import)."""
    return diagnosis.rule_columns(opportunities)


def evidence(opportunities: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per product family (or Type, Stage): what a person mapping it can go on."""
    return coverage.evidence(opportunities, key)


def sampled(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The opportunities before the draft on the sample's accounts."""
    return before[before["opportunity_id"].isin(after["opportunity_id"])]


def compared(before: pd.DataFrame, after: pd.DataFrame, changed: bool) -> Comparison:
    """Coverage, distribution and changes of the preview."""
    return coverage.compare(before, after, changed=changed)


def picks(before: pd.DataFrame, query: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """The opportunities to choose from for ``query`` and their labels."""
    options = coverage.pick_list(before, query)
    return tuple(options), coverage.labels(before, options)


def todo(assessed: pd.DataFrame) -> pd.DataFrame:
    """The opportunities not yet diagnosed, largest first."""
    return portfolio.undiagnosed_todo(assessed)
