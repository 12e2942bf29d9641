"""rule_words: each diagnosis rule as a sentence people read, and the pickers' subjects and comparisons in words."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gtm.domain.diagnose import DiagnosisTable, Rule, default_diagnosis
from gtm.domain.rule_table import COMPARISONS, draft_rows, rule_blocks
from gtm.domain.rule_words import comparison_options, draft_sentence, rule_sentence, subject_options

COLUMNS = {"name": "the opportunity's name", "stage": "the sales stage"}


def _rule(when: list[dict[str, Any]], nature: str | None = "cross_sell") -> Rule:
    return Rule.model_validate({"id": "r", "nature": nature, "when": when, "wording": "W."})


def test_the_multi_bu_rule_reads_as_a_sentence_in_the_reporting_currency() -> None:
    rule = _rule([{"fact": "account_bu_count", "op": ">=", "value": 2},
                  {"fact": "deal_size", "op": ">=", "value": 100_000}])
    assert rule_sentence(rule, default_diagnosis(), "USD") == (
        "If the account buys from 2 or more BUs and the deal is at least $100k, the nature is Cross-sell / referral.")
    assert "at least €1.5M" in rule_sentence(_rule([{"fact": "deal_size", "op": ">=", "value": 1_500_000}]),
                                             default_diagnosis(), "EUR")


@pytest.mark.parametrize(("when", "said"), [
    ([{"column": "Stage", "op": "one_of", "value": ["Closed Won", "Proposal"]}],
     'If the sales stage is "Closed Won" or "Proposal", '),
    ([{"column": "Lead Source", "op": "matches", "value": "^web"}],
     """If the column 'Lead Source' matches the pattern "^web", """),
    ([{"column": "name", "op": "contains_word", "value": "pump"}], 'If the opportunity\'s name contains the word "pump", '),
    ([{"signal": "turnkey", "op": "==", "value": False}],
     "If the file does not say that the customer wants an end-to-end, turnkey delivery, "),
    ([{"signal": "one_time", "op": "==", "value": True}], "If it is a one-time purchase or a qualification step, "),
    ([{"signal": "bu_count", "op": ">=", "value": 2}],
     "If the number of business units whose products could be sold into the same buyer is at least 2, "),
    ([{"fact": "account_value_share", "op": ">", "value": 0.5}, {"fact": "deal_size", "op": "<", "value": 50}],
     "If the deal is more than 50% of its account's value and the deal is less than $50, "),
    ([{"fact": "account_family_count", "op": "==", "value": 1}, {"column": "value", "op": ">=", "value": 5000}],
     "If the account buys exactly 1 product family and the column 'value' is at least 5,000, "),
])
def test_each_kind_of_condition_in_words(when: list[dict[str, Any]], said: str) -> None:
    assert rule_sentence(_rule(when), default_diagnosis(), "USD", COLUMNS).startswith(said)


def test_no_sentence_shows_an_operator_or_a_code() -> None:
    table = default_diagnosis()
    sentences = [rule_sentence(r, table, "USD", COLUMNS) for r in table.rules]
    assert sentences[-1] == "Otherwise, the opportunity is not yet diagnosed."
    for sentence in sentences:
        assert not re.search(r"==|>=|<=|!=|contains_word|one_of|account_bu_count|deal_size|cross_sell|_", sentence), \
            sentence
    blanket = next(s for r, s in zip(table.rules, sentences) if r.id == "multi-bu-account")
    assert blanket == ("If the account buys from 2 or more BUs, the file gives no number of business units whose "
                       "products could be sold into the same buyer and the deal is at least $100k, the nature is "
                       "Cross-sell / referral.")


def test_a_half_done_rule_still_reads() -> None:
    rows = draft_rows(default_diagnosis())
    _, first = rule_blocks(rows)[1]  # turnkey-words
    rule = [dict(rows[i]) for i in first]
    rule[0]["value"] = ""
    assert draft_sentence(rule, default_diagnosis(), "USD") == (
        "If (a condition still to complete), the nature is Turnkey solutions.")
    rule[0]["nature"] = "not yet diagnosed"
    assert draft_sentence(rule, default_diagnosis(), "USD").endswith("the opportunity stays not yet diagnosed.")


def test_pickers_offer_words_and_only_the_comparisons_that_fit() -> None:
    table: DiagnosisTable = default_diagnosis()
    options = subject_options(table, "EUR", ["name", "Lead Source"], COLUMNS)
    assert options["fact:deal_size"] == "The deal's size (in EUR)"
    assert options["fact:account_bu_count"] == "How many BUs the account buys from"
    assert options["signal:turnkey"] == "The customer wants an end-to-end, turnkey delivery (yes or no)"
    assert options["column:name"] == "The opportunity's name (column name)"
    assert options["column:Lead Source"] == "The column 'Lead Source'"
    assert comparison_options("signal", "turnkey", table) == ["=="]
    assert [COMPARISONS[o] for o in comparison_options("fact", "deal_size", table)][:2] == ["is at least",
                                                                                             "is more than"]
    assert "contains_word" in comparison_options("column", "name", table)
    assert "contains_word" not in comparison_options("fact", "account_bu_count", table)
