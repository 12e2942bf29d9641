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
    (row(), "info_exchange", "default-info-exchange"),
]


@pytest.mark.parametrize(("signals", "nature", "rule"), CASES, ids=[c[2] for c in CASES])
def test_each_rule_fires(signals: dict[str, Any], nature: str, rule: str) -> None:
    out = diagnose(pd.DataFrame([signals]))
    assert out["nature"].iloc[0] == nature
    assert out["diagnosis_rule"].iloc[0] == rule
    wording = {r.id: r.wording for r in default_diagnosis().rules}[rule]
    assert out["diagnosis_reason"].iloc[0] == wording


def test_the_wording_is_the_decks() -> None:
    out = diagnose(pd.DataFrame([row(turnkey=True), row()]))
    assert out["diagnosis_reason"].tolist() == [
        "The customer wants an end-to-end, turnkey delivery.",
        "No heavier signal: information exchange or cost reduction.",
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
    assert out["diagnosis_rule"].iloc[0] == "default-info-exchange"


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
    assert diagnose(frame)["nature"].astype(str).tolist() == ["technical_solution", "cross_sell", "info_exchange"]


def test_absent_signal_columns_read_as_not_signalled() -> None:
    out = diagnose(pd.DataFrame({"bu_count": [1, 2]}))
    assert out["nature"].astype(str).tolist() == ["info_exchange", "cross_sell"]


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
    assert "1 signal value(s) could not be read" in message


def test_no_signal_columns_says_what_is_accepted() -> None:
    with pytest.raises(InputError) as info:
        diagnose(pd.DataFrame({"account": ["A"], "stage": ["won"]}))
    message = str(info.value)
    assert "diagnose needs at least one signal column; the input has: account, stage" in message
    assert "bu_count (Number of business units" in message
    assert "turnkey (The customer wants an end-to-end, turnkey delivery)" in message


def test_the_default_table_is_the_data_file() -> None:
    assert default_diagnosis() == load_diagnosis(DATA_DIR / "diagnosis.json")
    # DOMAIN.md section 3: signals are tried heaviest first, and every nature can be diagnosed.
    ranks = [NATURES.codes.index(r.nature) for r in default_diagnosis().rules]
    assert ranks == sorted(ranks, reverse=True)
    assert set(ranks) == set(range(len(NATURES)))


def _table() -> dict[str, Any]:
    return json.loads((DATA_DIR / "diagnosis.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda t: t["rules"].pop(), "the last rule must be the default"),
        (lambda t: t["rules"][0].update(nature="mega"), "rule 'turnkey-delivery': nature 'mega' is not a nature code"),
        (lambda t: t["rules"][0].update(nature="Turnkey"), "nature 'Turnkey' is not a nature code"),
        (lambda t: t["rules"][1]["when"][0].update(signal="budget"), "unknown signal 'budget'"),
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
        {"id": "rest", "nature": "qualification", "when": [], "wording": "Rest."},
    ]
    table = DiagnosisTable.model_validate(raw)
    out = diagnose(pd.DataFrame({"bu_count": [5, 4]}), table)
    assert out["nature"].astype(str).tolist() == ["turnkey", "qualification"]
    assert out["diagnosis_reason"].tolist() == ["Big.", "Rest."]


def test_two_rules_may_share_a_wording() -> None:
    raw = _table()
    raw["rules"] = [
        {"id": "many", "nature": "cross_sell", "when": [{"signal": "bu_count", "op": ">=", "value": 2}],
         "wording": "Several BUs."},
        {"id": "joint", "nature": "cross_sell", "when": [{"signal": "joint_planning", "op": "==", "value": True}],
         "wording": "Several BUs."},
        {"id": "rest", "nature": "info_exchange", "when": [], "wording": "Rest."},
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
    assert table.default_rule.nature == "info_exchange"


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
    assert out["nature"].astype(str).tolist() == ["turnkey", "info_exchange", "cross_sell"]
    assert [(p.row, p.column, p.value) for p in problems] == [("b", "Turnkey", "-")]
    with pytest.raises(InputError, match="row b, column 'Turnkey': value '-': is not yes or no"):
        diagnose(frame)
