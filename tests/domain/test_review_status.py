"""A decision's review status, computed row by row, equals the same rules written as pandas operations (the
reference below, the implementation until the decisions were re-read after every decision in a room of 25)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples  # tests/hypothesis_budget.py: fewer in CI, all when thorough

from gtm.domain.reviews import APPROVED, AWAITING, CHALLENGED, COLUMNS, MARKS, PENDING, latest_verdicts, review_status


def reference(decisions: pd.DataFrame, reviews: pd.DataFrame, account_bus: pd.DataFrame) -> pd.DataFrame:
    ids = decisions[["decision_id", "account_id"]].drop_duplicates("decision_id")
    out = pd.DataFrame(index=pd.Index(ids["decision_id"], name="decision_id"))
    ordered = reviews.sort_values("review_id")
    last = ordered.groupby("decision_id").tail(1).set_index("decision_id")
    out["review_comment"] = last["comment"].reindex(out.index).fillna("").astype(str)
    out["reviewer"] = last["reviewer"].reindex(out.index).fillna("").astype(str)
    out["latest_review_id"] = last["review_id"].reindex(out.index).fillna(0).astype(int)
    required = ids.merge(account_bus[["account_id", "bu"]], on="account_id")[["decision_id", "bu"]]
    required = required.merge(latest_verdicts(ordered), on=["decision_id", "bu"], how="left")
    counts = required.assign(
        approved=(required["verdict"] == APPROVED).astype(int),
        challenged=(required["verdict"] == CHALLENGED).astype(int),
    ).groupby("decision_id").agg(needed=("bu", "size"), approved=("approved", "sum"), challenged=("challenged", "sum"))
    counts = counts.reindex(out.index, fill_value=0)
    no_bu = ordered[ordered["bu"].isna()].groupby("decision_id").tail(1).set_index("decision_id")["verdict"]
    no_bu_challenged = no_bu.reindex(out.index).eq(CHALLENGED).to_numpy()
    latest_any = last["verdict"].reindex(out.index)
    all_approved = np.where(counts["needed"] > 0, counts["approved"] == counts["needed"], latest_any.eq(APPROVED))
    out["review_status"] = np.select(
        [(counts["challenged"] > 0).to_numpy() | no_bu_challenged, all_approved], [CHALLENGED, APPROVED], PENDING)
    parts = required.assign(part=required["bu"].astype(str) + " " + required["verdict"].map(MARKS).fillna(AWAITING))
    text = parts.sort_values(["decision_id", "bu"]).groupby("decision_id")["part"].agg(" · ".join)
    out["approvals"] = text.reindex(out.index).fillna("")
    return out[COLUMNS].reset_index()


BUS = ["EMEA", "APAC", "NA"]
ACCOUNTS = ["A1", "A2", "A3", "A4"]


@st.composite
def reviewed(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    n = draw(st.integers(0, 8))
    decisions = pd.DataFrame({"decision_id": list(range(1, n + 1)),
                              "account_id": [draw(st.sampled_from(ACCOUNTS)) for _ in range(n)]}).astype(
        {"decision_id": "int64", "account_id": object})
    pairs = draw(st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(BUS)), unique=True, max_size=8))
    account_bus = pd.DataFrame(pairs, columns=["account_id", "bu"]).astype(object)
    rows = draw(st.lists(st.tuples(st.integers(1, max(n, 1)), st.sampled_from([APPROVED, CHALLENGED, PENDING]),
                                   st.sampled_from([None, *BUS]), st.sampled_from([None, "ok", "no"])),
                         max_size=12)) if n else []
    ids = draw(st.permutations(list(range(1, len(rows) + 1))))
    reviews = pd.DataFrame(
        [(ids[i], d, v, c, f"r{i}@x", b) for i, (d, v, b, c) in enumerate(rows)],
        columns=["review_id", "decision_id", "verdict", "comment", "reviewer", "bu"]).astype(
        {"review_id": "int64", "decision_id": "int64"})
    return decisions, reviews, account_bus


@settings(max_examples=examples(300), deadline=None)
@given(reviewed())
def test_row_by_row_equals_the_pandas_reference(case: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    decisions, reviews, account_bus = case
    ours = review_status(decisions, reviews, account_bus)
    expected = reference(decisions, reviews, account_bus)
    pdt.assert_frame_equal(ours.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)
    assert list(ours.columns) == ["decision_id", *COLUMNS]


def test_a_challenge_without_a_bu_outweighs_every_approval() -> None:
    decisions = pd.DataFrame({"decision_id": [1], "account_id": ["A1"]})
    account_bus = pd.DataFrame({"account_id": ["A1", "A1"], "bu": ["EMEA", "APAC"]})
    reviews = pd.DataFrame({"review_id": [1, 2, 3], "decision_id": [1, 1, 1], "verdict": [APPROVED, APPROVED, CHALLENGED],
                            "comment": ["", "", "too heavy"], "reviewer": ["a", "b", "admin"],
                            "bu": ["EMEA", "APAC", None]})
    row = review_status(decisions, reviews, account_bus).iloc[0]
    assert row["review_status"] == CHALLENGED
    assert row["approvals"] == "APAC ✓ · EMEA ✓"
    assert (row["review_comment"], row["reviewer"], row["latest_review_id"]) == ("too heavy", "admin", 3)
