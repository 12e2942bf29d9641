"""Where each decision's review stands when an account spans several BUs.

Every BU with value at the account (its opportunities there sum above zero) reviews the decision. A decision is
*approved* only when each of those BUs' latest verdict is an approval; it is *challenged* as soon as one of them
(or an administrator reviewing without a BU) challenges it; otherwise it is *pending*. ``approvals`` says which
BU stands where, e.g. ``EMEA ✓ · APAC awaiting``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PENDING, APPROVED, CHALLENGED = "pending", "approved", "challenged"
MARKS = {APPROVED: "✓", CHALLENGED: "✗ challenged"}
AWAITING = "awaiting"
MIXED = "mixed"  # a BU head's BUs gave different verdicts on one decision
COLUMNS = ["review_status", "review_comment", "reviewer", "approvals", "latest_review_id"]


def review_status(decisions: pd.DataFrame, reviews: pd.DataFrame, account_bus: pd.DataFrame) -> pd.DataFrame:
    """Per decision_id: review_status, review_comment and reviewer (of the latest review), approvals and
    latest_review_id (0: none yet; the version a reviewer saw).

    ``decisions``: decision_id, account_id. ``reviews``: review_id, decision_id, verdict, comment, reviewer, bu
    (None: an administrator's review without a BU). ``account_bus``: account_id, bu, one row per BU with value.
    """
    ids = decisions[["decision_id", "account_id"]].drop_duplicates("decision_id")
    out = pd.DataFrame(index=pd.Index(ids["decision_id"], name="decision_id"))
    ordered = reviews.sort_values("review_id")
    last = ordered.groupby("decision_id").tail(1).set_index("decision_id")
    out["review_comment"] = last["comment"].reindex(out.index).fillna("").astype(str)
    out["reviewer"] = last["reviewer"].reindex(out.index).fillna("").astype(str)
    out["latest_review_id"] = last["review_id"].reindex(out.index).fillna(0).astype(int)

    required = ids.merge(account_bus[["account_id", "bu"]], on="account_id")[["decision_id", "bu"]]
    by_bu = latest_verdicts(ordered)
    required = required.merge(by_bu, on=["decision_id", "bu"], how="left")
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
        [(counts["challenged"] > 0).to_numpy() | no_bu_challenged, all_approved],
        [CHALLENGED, APPROVED], PENDING)

    parts = required.assign(part=required["bu"].astype(str) + " " + required["verdict"].map(MARKS).fillna(AWAITING))
    text = parts.sort_values(["decision_id", "bu"]).groupby("decision_id")["part"].agg(" · ".join)
    out["approvals"] = text.reindex(out.index).fillna("")
    return out[COLUMNS].reset_index()


def latest_verdicts(reviews: pd.DataFrame) -> pd.DataFrame:
    """decision_id, bu, verdict: each BU's latest verdict on each decision (reviews without a BU left out).

    A BU has given its verdict on a decision when it has a row here; a later verdict replaces its earlier one.
    """
    ordered = reviews.dropna(subset=["bu"]).sort_values("review_id")
    return ordered.groupby(["decision_id", "bu"]).tail(1)[["decision_id", "bu", "verdict"]].reset_index(drop=True)
