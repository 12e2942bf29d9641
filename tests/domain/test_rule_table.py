"""rule_table: the diagnosis table as an editable grid and back, questions from signals, the questionnaire."""

from __future__ import annotations

import pandas as pd
import pytest

from gtm.domain.diagnose import DiagnosisTable, Mappings, Signal, default_diagnosis
from gtm.domain.errors import InputError
from gtm.domain.rule_table import COLUMNS, UNDIAGNOSED, classify, question, rows_to_content, rules_to_rows


def table() -> DiagnosisTable:
    return default_diagnosis()


def test_the_grid_has_one_row_per_condition_and_one_for_a_rule_without_conditions() -> None:
    rows = rules_to_rows(table())
    assert list(rows.columns) == list(COLUMNS)
    assert len(rows) == sum(max(1, len(r.when)) for r in table().rules)
    last = rows.iloc[-1]
    assert last["nature"] == UNDIAGNOSED and last["subject"] == "" and last["rule"] == table().rules[-1].id
    words = rows[(rows["rule"] == "turnkey-words")].iloc[0]
    assert words["kind"] == "column" and words["op"] == "contains_word" and "turnkey, turn key" in words["value"]


def test_the_grid_round_trips_to_the_same_table() -> None:
    content = rows_to_content(rules_to_rows(table()), table())
    assert DiagnosisTable.model_validate(content) == table()


def test_an_edit_changes_the_table_and_lists_split_on_commas() -> None:
    rows = rules_to_rows(table())
    i = rows.index[rows["rule"] == "one-time-words"][0]
    rows.loc[i, "value"] = "sample, free trial"
    rows.loc[i, "nature"] = "Cross-sell / referral"
    edited = DiagnosisTable.model_validate(rows_to_content(rows, table()))
    rule = next(r for r in edited.rules if r.id == "one-time-words")
    assert rule.nature == "cross_sell"
    assert rule.when[0].value == ("sample", "free trial")


def test_yes_no_and_numbers_are_read_by_the_subject_type() -> None:
    rows = rules_to_rows(table())
    rows.loc[0, "value"] = "yes"
    i = rows.index[(rows["subject"] == "bu_count")][0]
    rows.loc[i, "value"] = "3"
    edited = DiagnosisTable.model_validate(rows_to_content(rows, table()))
    assert edited.rules[0].when[0].value is True
    assert any(c.value == 3 for r in edited.rules for c in r.when if c.signal == "bu_count")


def test_blank_rows_are_ignored_and_an_added_rule_is_kept_in_place() -> None:
    rows = rules_to_rows(table())
    new = pd.DataFrame([{c: None for c in COLUMNS},
                        {"rule": "pump-words", "nature": "Qualification / one-time action", "kind": "column",
                         "subject": "name", "op": "contains_word", "value": "pump", "wording": "A pump."}])
    rows = pd.concat([new, rows], ignore_index=True)
    edited = DiagnosisTable.model_validate(rows_to_content(rows, table()))
    assert edited.rules[0].id == "pump-words" and edited.rules[0].when[0].value == "pump"


@pytest.mark.parametrize(("column", "value", "words"), [
    ("kind", "feeling", ["row 1", "kind", "'feeling'", "signal, column, fact"]),
    ("op", "about", ["row 1", "op", "'about'", "contains_word"]),
    ("subject", "budget", ["row 1", "subject", "'budget'", "turnkey"]),
    ("value", "maybe", ["row 1", "value", "'maybe'", "true or false"]),
    ("nature", "big deal", ["row 1", "nature", "'big deal'", "turnkey"]),
    ("rule", "", ["row 1", "rule", "is empty"]),
])
def test_a_bad_cell_names_the_row_the_column_the_value_and_what_is_accepted(column: str, value: str,
                                                                            words: list[str]) -> None:
    rows = rules_to_rows(table())
    rows.loc[0, column] = value
    with pytest.raises(InputError) as err:
        rows_to_content(rows, table())
    for word in words:
        assert word in str(err.value)


def test_a_rule_split_by_another_is_refused() -> None:
    rows = rules_to_rows(table())
    rows = pd.concat([rows, rows.iloc[[0]]], ignore_index=True)
    with pytest.raises(InputError, match="keep the rows of one rule together"):
        rows_to_content(rows, table())


def test_every_signal_reads_as_a_question() -> None:
    for signal in table().signals.values():
        asked = question(signal)
        assert asked.endswith("?") and asked[0].isupper()
    turnkey = table().signals["turnkey"]
    assert question(turnkey) == "Does the customer want an end-to-end, turnkey delivery?"
    assert question(Signal(type="int", description="Number of plants", example="1")) == "How many plants?"
    assert question(Signal(type="bool", description="Budget approved", example="no")) == "Budget approved?"


def test_the_questionnaire_classifies_with_the_rule_that_fired() -> None:
    answer = classify(table(), "", {"turnkey": "yes", "bu_count": 1})
    assert (answer.nature, answer.rule) == ("turnkey", "turnkey-delivery")
    assert "turnkey" in answer.wording
    assert classify(table(), "Spare parts Q3", {"turnkey": "no"}).nature == "qualification"
    nothing = classify(table(), "Drives", {s: "no" for s in ("turnkey", "one_time")})
    assert nothing.nature is None and nothing.rule == table().rules[-1].id
    # the answers are the rules' to judge; what the product family -> nature mapping says (it decides before the
    # rules) is said beside them
    mapped = classify(table(), "Drives", {"product_family": "Pumps"},
                      Mappings.from_rows(family_nature=[("Pumps", "Cross-sell")]))
    assert (mapped.nature, mapped.mapped) == (None, "cross_sell")


def test_the_questionnaire_starts_from_the_opportunity_and_its_account() -> None:
    from gtm.domain.rule_table import given_answers, known_facts

    account = pd.DataFrame({
        "opportunity_id": ["o1", "o2", "o3"], "account_id": ["A"] * 3, "name": ["Line 4", "Sensors", "Fuse"],
        "bu": ["Automation", None, "Energy"], "bu_name": ["Automation", None, "Energy"],
        "product_family": ["Drives", "Sensors", "Spares"], "stage": ["Proposal", None, "Closed Lost"],
        "value": [300_000.0, 100_000.0, 50.0],
        "signals": [{"turnkey": "no", "bu_count": ""}, None, {"one_time": "✓", "bu_count": "x"}],
        "attributes": [{"Lead Source": "Partner"}, None, None]})
    mappings = Mappings.from_rows([("Sensors", "Sensing")])
    # o1 at an account that buys from three BUs (Sensing through the mapping), a deal of $300k: cross-sell
    answer = classify(table(), "Line 4", {"turnkey": "no"}, mappings, account=account, opportunity_id="o1")
    assert (answer.nature, answer.rule) == ("cross_sell", "multi-bu-account")
    alone = classify(table(), "Line 4", {"turnkey": "no"}, mappings)
    assert alone.nature is None  # alone on its account, as before
    assert classify(table(), "Line 4", {"turnkey": "yes"}, mappings, account=account,
                    opportunity_id="o1").nature == "turnkey"
    assert given_answers(account["signals"].iloc[0], table()) == {"turnkey": "no"}
    assert given_answers(account["signals"].iloc[2], table()) == {"one_time": "yes"}  # "x" is no count: asked
    facts = dict(known_facts(account.assign(bu_name=["Automation", "Sensing", "Energy"]), "o1", "USD"))
    assert facts["Deal size"] == "$300.0k" and facts["Product family"] == "Drives" and facts["Stage"] == "Proposal"
    assert facts["BUs at its account"] == "3: Automation, Energy, Sensing"
    assert facts["Share of its account's value"] == "75%"


def _ids(rows: list[dict[str, str]]) -> list[str]:
    from gtm.domain.rule_table import rule_blocks

    return [rule for rule, _ in rule_blocks(rows)]


def test_a_draft_is_edited_rule_by_rule_and_stays_the_grid_s_rows() -> None:
    from gtm.domain.rule_table import (
        add_condition,
        add_rule,
        draft_rows,
        move_rule,
        remove_condition,
        remove_rule,
        set_condition,
        set_rule,
    )

    rows = draft_rows(table())
    ids = _ids(rows)
    rows, at = add_rule(rows)
    assert at == len(ids) - 1 and _ids(rows)[at] == "new-rule-1" and _ids(rows)[-1] == ids[-1]  # above the last
    rows = set_rule(rows, at, nature="Qualification / one-time action", wording="Pumps are one-off orders.")
    rows = set_condition(rows, at, 0, value="pump, pumps")
    rows = add_condition(rows, at)
    rows = set_condition(rows, at, 1, kind="fact", subject="deal_size", op="<", value="20000")
    rows, top = move_rule(rows, at, -1)
    assert top == at - 1 and _ids(rows)[top] == "new-rule-1"
    assert move_rule(rows, top, +1)[1] == at  # down again, but never below the last rule:
    assert move_rule(rows, len(ids), -1)[1] == len(ids)  # the last rule itself stays last
    edited = DiagnosisTable.model_validate(rows_to_content(pd.DataFrame(rows, columns=list(COLUMNS)), table()))
    rule = edited.rules[top]
    assert (rule.nature, [c.subject for c in rule.when]) == ("qualification", ["name", "deal_size"])
    assert rule.when[0].value == ("pump", "pumps") and rule.when[1].value == 20000
    rows = remove_condition(rows, top, 0)
    assert [r["subject"] for r in rows if r["rule"] == "new-rule-1"] == ["deal_size"]
    rows = remove_condition(rows, top, 0)  # its last condition: the rule keeps one row without a condition
    assert [r["subject"] for r in rows if r["rule"] == "new-rule-1"] == [""]
    rows = remove_rule(rows, top)
    assert _ids(rows) == ids
    assert _ids(remove_rule(rows, len(ids) - 1)) == ids  # the catch-all stays


def test_a_rule_without_a_reason_is_named() -> None:
    from gtm.domain.rule_table import add_rule, draft_rows, set_condition, set_rule

    rows, at = add_rule(draft_rows(table()))
    rows = set_condition(set_rule(rows, at, nature="Turnkey solutions"), at, 0, value="plant")
    with pytest.raises(InputError) as err:
        rows_to_content(pd.DataFrame(rows, columns=list(COLUMNS)), table())
    assert "column 'wording'" in str(err.value) and "is empty; say in a sentence why this rule decides" in str(err.value)
