"""diagnose: the nature of each opportunity from CRM signals, first matching rule wins."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from gtm.domain.diagnose import DiagnosisTable, default_diagnosis, diagnose, load_diagnosis
from gtm.domain.errors import ConfigError, InputError
from gtm.domain.vocabulary import DATA_DIR, NATURES

NO = {"turnkey": False, "engineered_solution": False, "joint_planning": False, "bu_count": 1, "one_time": False}


def row(**signals: Any) -> dict[str, Any]:
    return {**NO, **signals}


# (signals, expected nature, expected rule id): one case per rule, heaviest first, then the default.
CASES = [
    (row(turnkey=True), "turnkey", "turnkey-delivery"),
    (row(engineered_solution=True), "technical_solution", "engineered-solution"),
    (row(joint_planning=True, bu_count=2), "coordinated_strategy", "joint-account-planning"),
    (row(bu_count=3), "cross_sell", "multi-bu-cross-sell"),
    (row(one_time=True), "qualification", "one-time-purchase"),
    (row(), None, "not-yet-diagnosed"),
]


def natures(out: pd.DataFrame) -> list[str | None]:
    """The diagnosed natures, None where not yet diagnosed."""
    return [None if pd.isna(v) else str(v) for v in out["nature"]]


@pytest.mark.parametrize(("signals", "nature", "rule"), CASES, ids=[c[2] for c in CASES])
def test_each_rule_fires(signals: dict[str, Any], nature: str | None, rule: str) -> None:
    out = diagnose(pd.DataFrame([signals]))
    assert natures(out) == [nature]
    assert out["diagnosis_rule"].iloc[0] == rule
    wording = {r.id: r.wording for r in default_diagnosis().rules}[rule]
    assert out["diagnosis_reason"].iloc[0] == wording


def test_the_wording_is_the_decks() -> None:
    out = diagnose(pd.DataFrame([row(turnkey=True), row()]))
    assert out["diagnosis_reason"].tolist() == [
        "The customer wants an end-to-end, turnkey delivery.",
        "Nothing in the data says which nature: not yet diagnosed. A person, a product family mapping or a new rule "
        "must decide.",
    ]


def test_the_first_match_wins() -> None:
    frame = pd.DataFrame(
        [
            row(turnkey=True, engineered_solution=True, joint_planning=True, bu_count=5, one_time=True),
            row(engineered_solution=True, bu_count=5, one_time=True),
            row(joint_planning=True, bu_count=2, one_time=True),
            row(bu_count=2, one_time=True),
        ]
    )
    assert diagnose(frame)["nature"].astype(str).tolist() == [
        "turnkey", "technical_solution", "coordinated_strategy", "cross_sell",
    ]


def test_joint_planning_needs_several_bus() -> None:
    out = diagnose(pd.DataFrame([row(joint_planning=True, bu_count=1)]))
    assert out["diagnosis_rule"].iloc[0] == "not-yet-diagnosed"


def test_headers_and_values_as_a_crm_export_writes_them() -> None:
    frame = pd.DataFrame(
        {
            "Opportunity": ["o1", "o2", "o3", "o4"],
            "Wants Turnkey": ["Yes", "", None, "no"],
            "Number of BUs": ["1", "3", None, " 2 "],
            "One-time purchase": ["x", "N", "TRUE", "0"],
        }
    )
    out = diagnose(frame)
    assert out["nature"].astype(str).tolist() == ["turnkey", "cross_sell", "qualification", "cross_sell"]
    assert out["Opportunity"].tolist() == ["o1", "o2", "o3", "o4"]  # other columns pass through


def test_numeric_and_boolean_columns() -> None:
    frame = pd.DataFrame(
        {
            "engineered_solution": pd.array([True, False, None], dtype="boolean"),
            "one_time": [0.0, 1.0, np.nan],
            "bu_count": [0, 4, 1],
        }
    )
    assert natures(diagnose(frame)) == ["technical_solution", "cross_sell", None]


def test_absent_signal_columns_read_as_not_signalled() -> None:
    out = diagnose(pd.DataFrame({"bu_count": [1, 2]}))
    assert natures(out) == [None, "cross_sell"]


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("turnkey", "maybe", "is not yes or no"),
        ("turnkey", 2, "is not yes or no"),
        ("bu_count", "many", "is not a whole number >= 0"),
        ("bu_count", -1, "is not a whole number >= 0"),
        ("bu_count", 2.5, "is not a whole number >= 0"),
    ],
)
def test_bad_signal_values_name_row_column_value(column: str, value: object, reason: str) -> None:
    frame = pd.DataFrame([row(), row(**{column: value})], index=["o1", "o2"])
    with pytest.raises(InputError) as info:
        diagnose(frame)
    message = str(info.value)
    assert f"row o2, column '{column}': value {value!r}: {reason}" in message
    assert "1 signal value could not be read" in message


def test_nothing_to_go_on_leaves_every_row_not_yet_diagnosed() -> None:
    out = diagnose(pd.DataFrame({"account": ["A"], "stage": ["won"]}))
    assert natures(out) == [None]
    assert out["diagnosis_rule"].tolist() == ["not-yet-diagnosed"]


def test_the_default_table_is_the_data_file() -> None:
    assert default_diagnosis() == load_diagnosis(DATA_DIR / "diagnosis.json")
    # docs/domain.md section 3: signals are tried heaviest first, and every nature can be diagnosed.
    ranks = [NATURES.codes.index(r.nature) for r in default_diagnosis().rules if r.nature]
    assert ranks == sorted(ranks, reverse=True)
    assert set(ranks) == set(range(len(NATURES)))
    # The last rule never assigns a nature: what no evidence decides stays not yet diagnosed.
    assert default_diagnosis().default_rule.nature is None


def _table() -> dict[str, Any]:
    return json.loads((DATA_DIR / "diagnosis.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda t: t["rules"].pop(), "the last rule must be the default"),
        (lambda t: t["rules"][0].update(nature="mega"), "$.rules[0].nature: Input should be"),
        (lambda t: t["rules"][0].update(nature="Turnkey"), "$.rules[0].nature: Input should be"),
        (lambda t: t["rules"][2]["when"][0].update(signal="budget"), "unknown signal 'budget'"),
        (lambda t: t["rules"][-1].update(nature="info_exchange"), "the last rule must leave the opportunity not yet"),
        (lambda t: t["rules"][1]["when"][0].update(op=">="), "'>=' compares numbers"),
        (lambda t: t["rules"][1]["when"][0].update(op="matches", value="(unclosed"), "not a valid regular expression"),
        (lambda t: t["rules"][0]["when"][0].update(column="name"), "exactly one of: signal, column, fact"),
        (lambda t: t["rules"][1].update(id="turnkey-delivery"), "rule ids must be unique"),
    ],
)
def test_a_bad_table_file_raises_config_error(tmp_path: Path, breakage: Any, message: str) -> None:
    raw = _table()
    breakage(raw)
    path = tmp_path / "diagnosis.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid diagnosis table") as info:
        load_diagnosis(path)
    assert message in str(info.value)


def test_bad_json_raises_config_error(tmp_path: Path) -> None:
    path = tmp_path / "diagnosis.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError, match=str(path).replace("\\", "\\\\")):
        load_diagnosis(path)


def test_a_custom_table_is_used() -> None:
    raw = _table()
    raw["rules"] = [
        {"id": "big", "nature": "turnkey", "when": [{"signal": "bu_count", "op": ">", "value": 4}], "wording": "Big."},
        {"id": "rest", "nature": None, "when": [], "wording": "Rest."},
    ]
    table = DiagnosisTable.model_validate(raw)
    out = diagnose(pd.DataFrame({"bu_count": [5, 4]}), table)
    assert natures(out) == ["turnkey", None]
    assert out["diagnosis_reason"].tolist() == ["Big.", "Rest."]


def test_two_rules_may_share_a_wording() -> None:
    raw = _table()
    raw["rules"] = [
        {"id": "many", "nature": "cross_sell", "when": [{"signal": "bu_count", "op": ">=", "value": 2}],
         "wording": "Several BUs."},
        {"id": "joint", "nature": "cross_sell", "when": [{"signal": "joint_planning", "op": "==", "value": True}],
         "wording": "Several BUs."},
        {"id": "rest", "nature": None, "when": [], "wording": "Rest."},
    ]
    out = diagnose(pd.DataFrame({"bu_count": [3, 1, 1], "joint_planning": [False, True, False]}),
                   DiagnosisTable.model_validate(raw))
    assert out["diagnosis_rule"].tolist() == ["many", "joint", "rest"]
    assert out["diagnosis_reason"].tolist() == ["Several BUs.", "Several BUs.", "Rest."]


def test_signal_names_and_default_rule_come_from_the_table() -> None:
    table = default_diagnosis()
    assert table.signal_names == tuple(_table()["signals"])
    assert {"turnkey", "engineered_solution", "joint_planning", "bu_count", "one_time"} <= set(table.signal_names)
    assert table.default_rule is table.rules[-1] and not table.default_rule.when
    assert table.default_rule.nature is None


def test_an_unknown_signal_type_is_refused_with_its_place(tmp_path: Path) -> None:
    raw = _table()
    raw["signals"]["turnkey"]["type"] = "date"
    path = tmp_path / "diagnosis.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\$\.signals\.turnkey\.type: .*signal type 'date' is not one of: bool, int"):
        load_diagnosis(path)


def test_diagnose_with_problems_keeps_the_good_rows_and_reports_the_bad() -> None:
    from gtm.domain.diagnose import diagnose_with_problems

    frame = pd.DataFrame({"Turnkey": ["✓", "-", "no"], "BUs involved": ["1", "1", "3"]}, index=["a", "b", "c"])
    out, problems = diagnose_with_problems(frame)
    assert natures(out) == ["turnkey", None, "cross_sell"]
    assert [(p.row, p.column, p.value) for p in problems] == [("b", "Turnkey", "-")]
    with pytest.raises(InputError, match="row b, column 'Turnkey': value '-': is not yes or no"):
        diagnose(frame)


# --- conditions on the columns a CRM really has, and on facts derived per account ------------------------------


def test_words_in_a_name_any_case_and_punctuation() -> None:
    frame = pd.DataFrame({"name": ["TURNKEY line 4", "Line 4 (turn-key)", "Turnkeys", "Bespoke housing", None]})
    out = diagnose(frame)
    # Whole words only: "Turnkeys" is not the word "turnkey"; a blank name matches nothing.
    assert natures(out) == ["turnkey", "turnkey", None, "technical_solution", None]
    assert out["diagnosis_rule"].tolist()[:2] == ["turnkey-words", "turnkey-words"]


def test_several_bus_at_one_account_is_cross_sell_for_a_large_deal_and_one_bu_alone_is_not() -> None:
    frame = pd.DataFrame({"account_id": ["A", "A", "B", "B"], "bu": ["Drives", "Sensors", "Drives", "drives "],
                          "name": ["x", "y", "z", "w"], "value": [150_000.0, 300_000.0, 150_000.0, 150_000.0]})
    out = diagnose(frame)
    assert natures(out) == ["cross_sell", "cross_sell", None, None]  # "drives " is the same BU as "Drives"
    assert out["diagnosis_rule"].tolist()[:2] == ["multi-bu-account", "multi-bu-account"]


def test_no_blanket_rule_a_small_or_lost_deal_at_a_multi_bu_account_is_not_cross_sell() -> None:
    # The first hour with a real CRM export: every opportunity of a multi-BU account became "Cross-sell / referral",
    # a $50 item and a $0 lost deal included.
    frame = pd.DataFrame({"account_id": ["A"] * 4, "bu": ["Drives", "Sensors", "Drives", "Sensors"],
                          "name": ["Spare fuse", "Closed Lost retrofit", "Line 4 drives", "Plant sensors"],
                          "value": [50.0, 0.0, 99_999.0, 100_000.0]})
    out = diagnose(frame)
    assert natures(out) == [None, None, None, "cross_sell"]
    shipped = default_diagnosis()
    for rule in shipped.rules:  # no shipped rule decides on account facts alone
        if any(c.fact in ("account_bu_count", "account_family_count", "account_value_share") for c in rule.when):
            assert any(c.narrows_the_deal(shipped.signals) for c in rule.when), rule.id


@pytest.mark.parametrize(("when", "named"), [
    ([{"fact": "account_bu_count", "op": ">=", "value": 2}], "account_bu_count"),
    ([{"fact": "account_family_count", "op": ">=", "value": 3},
      {"fact": "account_value_share", "op": ">", "value": 0.5}], "account_family_count, account_value_share"),
    # bu_count == 0 holds where the file has no such column: it narrows nothing down
    ([{"fact": "account_bu_count", "op": ">=", "value": 2}, {"signal": "bu_count", "op": "==", "value": 0}],
     "account_bu_count"),
    ([{"fact": "account_bu_count", "op": ">=", "value": 2}, {"fact": "deal_size", "op": "!=", "value": 0}],
     "account_bu_count"),
])
def test_a_rule_on_account_facts_alone_is_refused_in_a_sentence(when: list[dict[str, Any]], named: str) -> None:
    raw = {**_table(), "rules": [{"id": "blanket", "nature": "cross_sell", "when": when, "wording": "All."},
                                 {"id": "rest", "nature": None, "when": [], "wording": "Rest."}]}
    with pytest.raises(ValueError, match="a condition on the opportunity itself") as info:
        DiagnosisTable.model_validate(raw)
    assert f"rule 'blanket' tests only the account ({named})" in str(info.value)


@pytest.mark.parametrize("deal", [{"fact": "deal_size", "op": ">=", "value": 100_000},
                                  {"column": "Stage", "op": "equals", "value": "Proposal"},
                                  {"signal": "bu_count", "op": ">=", "value": 2}])
def test_a_rule_on_an_account_fact_and_the_deal_itself_is_accepted(deal: dict[str, Any]) -> None:
    raw = {**_table(), "rules": [{"id": "big", "nature": "cross_sell", "wording": "Big.",
                                  "when": [{"fact": "account_bu_count", "op": ">=", "value": 2}, deal]},
                                 {"id": "rest", "nature": None, "when": [], "wording": "Rest."}]}
    assert DiagnosisTable.model_validate(raw).rules[0].id == "big"


def test_a_rule_without_conditions_before_the_last_is_refused() -> None:
    raw = {**_table(), "rules": [{"id": "all", "nature": "cross_sell", "when": [], "wording": "All."},
                                 {"id": "rest", "nature": None, "when": [], "wording": "Rest."}]}
    with pytest.raises(ValueError, match="rule 'all' has no condition: it would give every opportunity"):
        DiagnosisTable.model_validate(raw)


def test_a_product_family_mapped_to_a_bu_counts_as_that_bu() -> None:
    from gtm.domain.diagnose import Mappings

    frame = pd.DataFrame({"account_id": ["A", "A"], "product_family": ["Servo drives", "Vision sensors"],
                          "name": ["x", "y"], "value": [200_000.0, 200_000.0]})
    assert natures(diagnose(frame)) == [None, None]
    mapped = Mappings.from_rows([("servo drives", "Motion"), ("Vision Sensors", "Sensing")])
    assert natures(diagnose(frame, mappings=mapped)) == ["cross_sell", "cross_sell"]


def test_a_product_family_mapped_to_a_nature_wins_over_the_rules_and_says_which_row() -> None:
    from gtm.domain.diagnose import Mappings

    frame = pd.DataFrame({"product_family": ["Spares", "SPARES ", "Turbines"],
                          "name": ["Turnkey plant", "Order 7", "Turnkey plant"]})
    mapped = Mappings.from_rows(family_nature=[("spares", "Qualification / one-time action")])
    out = diagnose(frame, mappings=mapped)
    # an explicit mapping someone made is not overruled by a general rule (the turnkey words)
    assert natures(out) == ["qualification", "qualification", "turnkey"]
    assert out["diagnosis_rule"].tolist() == ["product-family-map", "product-family-map", "turnkey-words"]
    assert out["diagnosis_reason"].tolist()[:2] == [
        "The product family -> nature mapping maps 'Spares' to Qualification / one-time action.",
        "The product family -> nature mapping maps 'SPARES ' to Qualification / one-time action."]


@pytest.mark.parametrize(("condition", "expected"), [
    ({"column": "Stage", "op": "equals", "value": "closed won"}, [True, False, False, False]),
    ({"column": "stage", "op": "one_of", "value": ["Closed Won", "Proposal"]}, [True, True, False, False]),
    ({"column": "Lead Source", "op": "contains_word", "value": "partner referral"}, [False, True, False, False]),
    ({"column": "Lead Source", "op": "matches", "value": r"^web"}, [True, False, True, False]),
    ({"column": "Amount", "op": ">=", "value": 1000}, [True, False, True, False]),
    ({"column": "No Such Column", "op": "equals", "value": "x"}, [False, False, False, False]),
    ([{"fact": "account_value_share", "op": ">", "value": 0.5}, {"fact": "deal_size", "op": ">=", "value": 0}],
     [True, False, True, True]),
    ({"fact": "deal_size", "op": "<", "value": 10}, [False, False, False, True]),
])
def test_each_kind_of_condition(condition: dict[str, Any] | list[dict[str, Any]], expected: list[bool]) -> None:
    when = condition if isinstance(condition, list) else [condition]  # an account fact goes with one on the deal
    table = DiagnosisTable.model_validate({**_table(), "rules": [
        {"id": "hit", "nature": "cross_sell", "when": when, "wording": "Hit."},
        {"id": "rest", "nature": None, "when": [], "wording": "Rest."}]})
    frame = pd.DataFrame({"account_id": ["A", "A", "B", "C"], "Stage": ["Closed Won", "proposal", "Lost", None],
                          "Lead Source": ["Web", "Partner  Referral!", "web form", ""],
                          "Amount": ["5000", "900", "1200", "x"], "value": [5000.0, 900.0, 1200.0, 5.0]})
    out = diagnose(frame, table)
    assert (out["diagnosis_rule"] == "hit").tolist() == expected


def test_a_bu_comes_from_the_file_else_from_the_family_mapping_and_says_which() -> None:
    from gtm.domain.diagnose import Mappings, assign_bus, resolve_natures

    opps = pd.DataFrame({"opportunity_id": ["o1", "o2", "o3", "o4"], "account_id": ["A"] * 4,
                         "bu": ["BU-EN", None, None, None], "bu_name": ["Energy", None, None, None],
                         "product_family": ["Drives", "drives ", "Sensors", None], "nature": [None] * 4,
                         "name": ["w", "x", "y", "z"], "value": [200_000.0] * 4})
    mappings = Mappings.from_rows([("Drives", "automation"), ("Sensors", "Sensing")])
    bus = pd.DataFrame({"bu_id": ["BU-AUT", "BU-EN"], "name": ["Automation", "Energy"]})
    out = assign_bus(opps, mappings, bus)
    assert out["bu"].tolist()[:3] == ["BU-EN", "BU-AUT", "Sensing"]  # Sensing is not stored yet: its name as id
    assert out["bu_name"].tolist()[:3] == ["Energy", "Automation", "Sensing"]
    assert out["bu_source"].astype(object).tolist()[:3] == ["file", "mapping", "mapping"]
    assert pd.isna(out["bu"].iloc[3]) and pd.isna(out["bu_source"].iloc[3])
    assert opps["bu"].isna().tolist() == [False, True, True, True]  # the stored frame is left as it is
    resolved = resolve_natures(opps, table=default_diagnosis(), mappings=mappings, business_units=bus)
    assert resolved["bu_source"].astype(object).tolist()[:3] == ["file", "mapping", "mapping"]
    # three BUs at the account, each a large deal: the BUs the mapping gave count
    assert natures(resolved)[:3] == ["cross_sell"] * 3
    from gtm.domain.diagnose import account_bus

    assert account_bus(resolved).values.tolist() == [["A", "BU-AUT"], ["A", "BU-EN"], ["A", "Sensing"]]


def test_a_nature_from_the_mapping_is_said_to_come_from_the_mapping() -> None:
    from gtm.domain.diagnose import Mappings, resolve_natures
    from gtm.domain.portfolio import nature_found

    opps = pd.DataFrame({"opportunity_id": ["o1", "o2", "o3"], "nature": [None, "turnkey", None],
                         "product_family": ["Spares", "Spares", "Drives"], "name": ["a", "b", "Turnkey plant"],
                         "value": [1.0, 1.0, 1.0]})
    out = resolve_natures(opps, table=default_diagnosis(),
                          mappings=Mappings.from_rows(family_nature=[("spares", "qualification")]))
    assert out["nature_source"].astype(object).tolist() == ["mapping", "given", "rule"]
    found = nature_found(out).tolist()
    assert found[0].startswith("mapping") and "rule" not in found[0]
    assert found[1:] == ["given in the CRM file", "rule: turnkey-words"]
