"""Property tests: the vectorised diagnosis gives, row for row, what the per-row statement (diagnose_row) gives."""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples  # tests/hypothesis_budget.py: fewer in CI, all when thorough

from gtm.domain.diagnose import (
    ACCOUNT_FACTS,
    Condition,
    DiagnosisTable,
    Mappings,
    account_facts,
    default_diagnosis,
    diagnose,
    diagnose_row,
)
from gtm.domain.vocabulary import NATURES

WORDS = ["Turnkey", "turn-key", "pilot", "EPC", "retrofit", "Savings", "bespoke", "line 4", "", "Trial", "plant"]
STAGES = ["Proposal", "closed won", "Closed Won ", "Lost", None]
FAMILIES = ["Drives", "drives", "Sensors", "Spares", None]

names = st.lists(st.sampled_from(WORDS), min_size=0, max_size=3).map(" ".join)
rows = st.fixed_dictionaries({
    "name": st.one_of(st.none(), names),
    "Stage": st.sampled_from(STAGES),
    "account_id": st.sampled_from(["A", "B", "C"]),
    "bu": st.sampled_from(["Automation", "automation ", "Energy", None]),
    "product_family": st.sampled_from(FAMILIES),
    "value": st.one_of(st.none(), st.floats(min_value=0, max_value=1e6, allow_nan=False)),
    "turnkey": st.sampled_from(["yes", "no", "", "✓"]),
    "bu_count": st.sampled_from(["", "1", "2", "3"]),
})

conditions = st.one_of(
    st.builds(lambda v: {"column": "name", "op": "contains_word", "value": v},
              st.lists(st.sampled_from([w for w in WORDS if w]), min_size=1, max_size=3)),
    st.builds(lambda v: {"column": "Stage", "op": "equals", "value": v}, st.sampled_from(["closed won", "lost"])),
    st.builds(lambda v: {"column": "stage", "op": "one_of", "value": v},
              st.lists(st.sampled_from(["Proposal", "LOST", "closed-won"]), min_size=1, max_size=2)),
    st.builds(lambda v: {"column": "name", "op": "matches", "value": v}, st.sampled_from([r"^t", r"line \d", r"plant$"])),
    st.builds(lambda op, v: {"column": "value", "op": op, "value": v},
              st.sampled_from([">=", "<", "=="]), st.sampled_from([0, 1000, 500000])),
    st.builds(lambda op, v: {"fact": "account_bu_count", "op": op, "value": v}, st.sampled_from([">=", "=="]),
              st.sampled_from([1, 2])),
    st.builds(lambda v: {"fact": "account_value_share", "op": ">", "value": v}, st.sampled_from([0.2, 0.5])),
    st.builds(lambda v: {"signal": "turnkey", "op": "==", "value": v}, st.booleans()),
    st.builds(lambda v: {"signal": "bu_count", "op": ">=", "value": v}, st.sampled_from([1, 2])),
)
rule_lists = st.lists(st.tuples(st.lists(conditions, min_size=1, max_size=2), st.sampled_from(NATURES.codes)),
                      min_size=1, max_size=6)


def _on_the_deal(when: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A rule on account facts alone is refused (it would call every deal of such an account alike): add one on
    the deal itself."""
    signals = default_diagnosis().signals
    conds = [Condition.model_validate(c) for c in when]
    if any(c.fact in ACCOUNT_FACTS for c in conds) and not any(c.narrows_the_deal(signals) for c in conds):
        return [*when, {"fact": "deal_size", "op": ">=", "value": 1000}]
    return when


def _table(rules: list[tuple[list[dict[str, Any]], str]]) -> DiagnosisTable:
    base = default_diagnosis().model_dump(mode="json")
    base["rules"] = [{"id": f"r{i}", "nature": nature, "when": _on_the_deal(when), "wording": f"Rule {i}."}
                     for i, (when, nature) in enumerate(rules)]
    base["rules"].append({"id": "none", "nature": None, "when": [], "wording": "None."})
    return DiagnosisTable.model_validate(base)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows, min_size=1, max_size=12), rule_lists, st.booleans())
def test_vectorised_equals_per_row(records: list[dict[str, Any]], rules: list[Any], mapped: bool) -> None:
    table = _table(rules)
    mappings = Mappings.from_rows([("drives", "Motion"), ("Sensors", "Sensing")],
                                  [("Spares", "qualification")]) if mapped else Mappings()
    frame = pd.DataFrame(records)
    out = diagnose(frame, table, mappings=mappings)
    facts = account_facts(frame, mappings)
    for i, record in enumerate(records):
        row_facts = {k: float(v[i]) for k, v in facts.items()}
        nature, rule = diagnose_row(record, table, mappings=mappings, facts=row_facts)
        got = out["nature"].iloc[i]
        assert (None if pd.isna(got) else str(got)) == (None if nature is None else str(nature)), (record, rule)
        assert out["diagnosis_rule"].iloc[i] == rule
