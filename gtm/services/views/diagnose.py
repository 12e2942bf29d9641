"""What the Diagnose page reads: a draft of the rules and mappings previewed (as the person may: who may not save
sees a sample of whole accounts), the columns a rule may test, the evidence per product family, the coverage before
and after, the opportunities to choose from, and the to-do list."""

from __future__ import annotations

from typing import Any

import pandas as pd

from gtm.domain import coverage, portfolio, rule_table, rule_words
from gtm.domain.diagnose import DiagnosisTable, Mappings
from gtm.domain.permissions import Actor, Role
from gtm.services import diagnosis
from gtm.storage.repository import Store

Comparison = coverage.Comparison
Answer = rule_table.Answer
EVIDENCE_COLUMNS = coverage.EVIDENCE_COLUMNS  # what the data says beside each product family, in this order


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


def mapping_table(mapping: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """A product family mapping beside its evidence, the families without a mapping added blank, largest first."""
    return coverage.mapping_table(mapping, found)


def filled(edited: pd.DataFrame, target: str) -> list[dict[str, object]]:
    """The rows of an edited mapping that say something (a family and its ``target``)."""
    return coverage.filled(edited, target)


def left_out(cov: coverage.Coverage, currency: str) -> str:
    """The sentence saying what the coverage leaves out (lost deals), or ""."""
    return coverage.left_out(cov, currency)


def labels(opportunities: pd.DataFrame, ids: list[str]) -> dict[str, str]:
    """How each of the opportunities ``ids`` reads in a chooser."""
    return coverage.labels(opportunities, ids)


def override_history(overrides: pd.DataFrame, opportunity_id: str) -> pd.DataFrame:
    """A person's decisions on one opportunity's nature, newest first."""
    return coverage.override_history(overrides, opportunity_id)


def assumed_approach() -> str:
    """The approach assumed where none is recorded."""
    return portfolio.assumed_approach()


def rule_sentence(table: DiagnosisTable, rule_id: str, currency: str, columns: dict[str, str]) -> str | None:
    """The rule ``rule_id`` of ``table`` as a sentence (None when the table has no such rule)."""
    ruling = next((r for r in table.rules if r.id == rule_id), None)
    return rule_words.rule_sentence(ruling, table, currency, columns) if ruling else None


def given_answers(signals: Any, table: DiagnosisTable) -> dict[str, Any]:
    """The questionnaire's answers the CRM file already gives for an opportunity's stored signals."""
    return rule_table.given_answers(signals, table)


def known_facts(account: pd.DataFrame, opportunity_id: str, currency: str) -> list[tuple[str, str]]:
    """What the data already says about one opportunity and its account, as (what, said) pairs."""
    return rule_table.known_facts(account, opportunity_id, currency)


def questions(table: DiagnosisTable) -> dict[str, str]:
    """Each signal of ``table`` as the question the questionnaire asks."""
    return {signal: rule_table.question(spec) for signal, spec in table.signals.items()}


def classify(table: DiagnosisTable, name: str, answers: dict[str, Any], mappings: Mappings,
             account: pd.DataFrame | None, opportunity_id: str | None) -> Answer:
    """The nature the rules give one opportunity from its name and the questionnaire's answers."""
    return rule_table.classify(table, name, answers, mappings, account=account, opportunity_id=opportunity_id)
