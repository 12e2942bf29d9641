"""The review queue: the accounts a BU (or every BU) is asked to look at, with the verdicts they wait for.

Pure functions over DataFrames.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from gtm.domain.assess import assess
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.outcomes import in_play
from gtm.domain.reviews import MIXED, latest_verdicts
from gtm.domain.vocabulary import Fit

QUEUE_EMPTY_COLUMNS = ["account_id", "account_name", "value_at_stake", "decision_id", "my_verdict", "waiting",
                       "my_bus", "waiting_on"]


def review_queue(accounts: pd.DataFrame, assessed: pd.DataFrame, decisions: pd.DataFrame,
                 bus: str | Sequence[str] | None, matrix: ApproachMatrix,
                 reviews: pd.DataFrame | None = None) -> pd.DataFrame:
    """Accounts touching ``bus`` (one BU, a BU head's several, None: every BU) whose current approach or latest
    decision is flagged, or that carry a decision; each account once, those waiting for a verdict of ``bus`` first,
    then by value at stake.

    ``my_bus``: the BUs of ``bus`` the account touches ("BU-A, BU-B"); ``waiting_on``: those of them with value at
    the account (so their verdict is needed, see gtm.domain.reviews) that have not given it on its latest decision;
    ``waiting``: a decision exists and ``waiting_on`` is not empty; ``my_verdict``: the latest verdict of ``bus`` on
    it ("approved", "challenged", "mixed" when their BUs differ, "" when none; ``reviews`` as Store.reviews, None:
    none known).
    """
    play = in_play(assessed)  # a lost deal is no longer at stake: it flags nothing and asks no BU's verdict
    scope = _bu_scope(bus)
    touching = assessed[play] if scope is None else assessed[assessed["bu"].isin(scope).to_numpy(dtype=bool) & play]
    ids = touching["account_id"].unique()
    opps = assessed[assessed["account_id"].isin(ids).to_numpy() & play]
    if opps.empty:
        return pd.DataFrame(columns=QUEUE_EMPTY_COLUMNS)
    latest = decisions.drop_duplicates("account_id", keep="first") if len(decisions) else decisions
    decided = latest.set_index("account_id")["approach"] if len(latest) else pd.Series(dtype=object)
    # Judge each account's latest decision (else its current approach) against every opportunity.
    judged_approach = opps["account_id"].map(decided).astype(object).where(
        opps["account_id"].isin(decided.index), opps["approach"].astype(object))
    judged = assess(opps.assign(approach=judged_approach).dropna(subset=["approach", "nature"]), matrix)
    if judged.empty:
        return pd.DataFrame(columns=QUEUE_EMPTY_COLUMNS)
    judged["at_stake"] = np.where(judged["fit"] != Fit.REALISTIC, judged["value"], 0.0)
    judged = judged.assign(overkill=(judged["fit"] == Fit.OVERKILL).astype(int),
                           insufficient=(judged["fit"] == Fit.INSUFFICIENT).astype(int))
    agg = judged.groupby("account_id").agg(
        account_name=("account_name", "first"), judged_approach=("approach", "first"),
        value=("value", "sum"), value_at_stake=("at_stake", "sum"), worst_steps=("steps", "max"),
        overkill=("overkill", "sum"), insufficient=("insufficient", "sum"),
    ).reset_index()
    agg["worst_fit"] = np.select([agg["insufficient"] > 0, agg["overkill"] > 0],
                                [Fit.INSUFFICIENT.value, Fit.OVERKILL.value], Fit.REALISTIC.value)
    # A decision that fits still waits for the BUs' verdicts: it stays in the queue, with nothing at stake.
    agg = agg[(agg["value_at_stake"] > 0) | agg["account_id"].isin(decided.index)]
    if len(latest):
        cols = ["account_id", "decision_id", "approach", "author", "created_at", "rationale", "review_status",
                "review_comment", "approvals", "latest_review_id"]
        agg = agg.merge(latest[[c for c in cols if c in latest]].rename(columns={"approach": "decided_approach"}),
                        on="account_id", how="left")
    for c in ("decision_id", "decided_approach", "author", "created_at", "rationale", "review_status",
              "review_comment", "approvals", "latest_review_id"):
        if c not in agg:
            agg[c] = None
    agg["judged_on"] = np.where(agg["decided_approach"].notna(), "latest decision", "current approach")
    agg["my_verdict"], agg["waiting"], agg["my_bus"], agg["waiting_on"] = _verdicts_of(agg, touching, reviews, scope)
    return agg.sort_values(["waiting", "value_at_stake", "account_id"],
                           ascending=[False, False, True]).reset_index(drop=True)


def _bu_scope(bus: str | Sequence[str] | None) -> list[str] | None:
    """The BUs a queue is for: one named, several (a BU head's), or None for every BU."""
    if bus is None:
        return None
    return [bus] if isinstance(bus, str) else [str(b) for b in bus]


def _verdicts_of(queue: pd.DataFrame, touching: pd.DataFrame, reviews: pd.DataFrame | None,
                 scope: list[str] | None) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Per queue row: the verdict of ``scope``'s BUs on its decision, whether it waits for one of them, the BUs of
    ``scope`` the account touches and those it waits on (texts "BU-A, BU-B"), one merge over (account, BU) pairs."""
    none = pd.Series("", index=queue.index, dtype=object)
    if scope is None:
        return none, pd.Series(False, index=queue.index), none.copy(), none.copy()
    pairs = (touching[["account_id", "bu", "value"]].groupby(["account_id", "bu"], observed=True)["value"].sum()
             .rename("bu_value").reset_index().astype({"bu": str}))  # the merge below keeps the queue's accounts
    keys = pd.to_numeric(queue["decision_id"], errors="coerce").fillna(-1).astype("int64")
    pairs = pairs.merge(pd.DataFrame({"account_id": queue["account_id"].to_numpy(), "decision_id": keys.to_numpy()}),
                        on="account_id")
    if reviews is not None and len(reviews):
        given = latest_verdicts(reviews).astype({"bu": str})
        given = given[given["bu"].isin(scope)].assign(decision_id=lambda f: f["decision_id"].astype("int64"))
        pairs = pairs.merge(given, on=["decision_id", "bu"], how="left")
    else:
        pairs["verdict"] = None
    pairs["waits"] = (pairs["decision_id"] >= 0) & (pairs["bu_value"] > 0) & pairs["verdict"].isna()
    said = pairs.dropna(subset=["verdict"]).groupby("account_id")["verdict"]
    verdict = said.first().where(said.nunique() == 1, MIXED)
    account = queue["account_id"]
    mine, waits_on = _bu_lists(pairs, account, sorted(scope))
    return (account.map(verdict).astype(object).fillna(""), queue["decision_id"].notna() & (waits_on != ""),
            mine, waits_on)


def _bu_lists(pairs: pd.DataFrame, account: pd.Series, bus: list[str]) -> tuple[pd.Series, pd.Series]:
    """Per ``account`` row: the BUs of ``pairs`` (account_id, bu, waits) it touches and those it waits on, as text
    "BU-A, BU-B", built a BU at a time over whole columns (a join per account took seconds at 100,000 accounts)."""
    row = pd.Index(account).get_indexer(pd.Index(pairs["account_id"]))
    col = pd.Index(bus).get_indexer(pd.Index(pairs["bu"]))
    keep = (row >= 0) & (col >= 0)
    touched = np.zeros((len(account), len(bus)), dtype=bool)
    waiting = np.zeros_like(touched)
    touched[row[keep], col[keep]] = True
    waits = pairs["waits"].to_numpy(dtype=bool) & keep
    waiting[row[waits], col[waits]] = True
    out = []
    for flags in (touched, waiting):
        text = np.full(len(account), "", dtype=object)
        for j, bu in enumerate(bus):
            text = text + np.where(flags[:, j], ", " + bu, "")
        out.append(pd.Series(text, index=account.index, dtype=object).str.removeprefix(", "))
    return out[0], out[1]


def waiting_rows(queue: pd.DataFrame, waiting_only: bool) -> pd.DataFrame:
    """The rows a reviewer's inbox shows: only those waiting for their verdict, or all (waiting ones first)."""
    if not waiting_only or queue.empty:
        return queue
    return queue[queue["waiting"].astype(bool)]


def filter_queue(queue: pd.DataFrame, *, fits: list[str] | None = None, min_steps: int = 1,
                 min_value: float = 0.0) -> pd.DataFrame:
    """Review queue rows with the chosen worst fit, at least ``min_steps`` out, at least ``min_value`` at stake.

    A decision that fits (nothing at stake) and waits for the reviewer's verdict stays: the filters narrow the
    flagged accounts, never the verdicts asked of the reviewer."""
    if queue.empty:
        return queue
    mask = (queue["worst_steps"] >= min_steps) & (queue["value_at_stake"] >= min_value)
    if fits:
        mask &= (queue["overkill"].gt(0) & (Fit.OVERKILL in fits)) | (queue["insufficient"].gt(0) & (Fit.INSUFFICIENT in fits))
    if "waiting" in queue:
        mask |= queue["waiting"].astype(bool) & queue["value_at_stake"].le(0)
    return queue[mask]
