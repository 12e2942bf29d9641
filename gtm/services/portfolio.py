"""Use cases that read the whole portfolio: the frames every page reads, and the frames behind exports."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pandas as pd

from gtm.domain import portfolio
from gtm.domain.errors import InputError
from gtm.services import capture
from gtm.services.currency import reporting_currency
from gtm.services.diagnosis import diagnosed_opportunities, diagnosed_with_problems
from gtm.services.outcomes import won_weight
from gtm.services.views.judging import judge_accounts
from gtm.storage import snapshot
from gtm.storage.repository import Store

EXPORTS = ("accounts", "opportunities", "decisions")  # the Exports page's files, and its workbook's sheets
WHITESPACE = "whitespace"  # a file of its own: an account and BU per row (600,000 rows at 100,000 accounts)
SNAPSHOT_MIN_ROWS = 50_000  # smaller portfolios build in well under a second: no file for them
SAVE_DELAY_S = 10.0  # a page's background save waits this long (see frames)


def stored_rows(store: Store) -> dict[str, pd.DataFrame]:
    """The stored rows as read, before any diagnosis: ``opportunities``, ``accounts``, ``business_units``."""
    return {"opportunities": store.opportunities(), "accounts": store.accounts(),
            "business_units": store.business_units()}


def frames(store: Store, *, snapshots: bool = True, save_in_background: bool = False,
           min_rows: int | None = None,
           rows: Callable[[], dict[str, pd.DataFrame]] | None = None) -> dict[str, pd.DataFrame]:
    """What every page reads: ``accounts``, ``business_units``, ``opportunities`` (diagnosed, in the reporting
    currency, without the values the engine can't use) and ``quarantined`` (those values, as problem rows).

    With ``snapshots``, they come from this portfolio version's snapshot when there is one (gtm.storage.snapshot);
    otherwise they are built, and a portfolio of ``min_rows`` opportunities or more is saved for the next cold
    start (default SNAPSHOT_MIN_ROWS); with ``save_in_background``, in a background thread SAVE_DELAY_S seconds
    later (a page doesn't wait for the file, nor share the CPU with its writing). ``rows`` gives ``stored_rows``
    when they are at hand (a server keeps them while only overrides, rules or rates change, which need a new
    diagnosis but not a new read); by default they are read.
    """
    name = snapshot.key(store.url, store.workspace, store.portfolio_version(), store.portfolio_stamp()) \
        if snapshots and snapshot.folder() is not None else None
    secret = store.snapshot_secret() if name is not None else b""
    if (saved := snapshot.load(name, secret)) is not None:
        return saved
    stored = (rows or (lambda: stored_rows(store)))()
    opportunities, quarantined = diagnosed_with_problems(store, stored=stored["opportunities"],
                                                         business_units=stored["business_units"])
    built = {"accounts": stored["accounts"], "business_units": stored["business_units"],
             "opportunities": opportunities, "quarantined": quarantined}
    if name is not None and len(opportunities) >= (SNAPSHOT_MIN_ROWS if min_rows is None else min_rows):
        if save_in_background:
            # Writing holds the GIL for a second or two at 100,000 accounts: start once the pages waiting for these
            # frames have drawn, not while they run.
            later = threading.Timer(SAVE_DELAY_S, _save_if_current, args=(store, name, built))
            later.name, later.daemon = "gtm-snapshot", True
            later.start()
        else:
            snapshot.save(name, built, secret)
    return built


def _save_if_current(store: Store, name: str, built: dict[str, pd.DataFrame]) -> None:
    """A delayed save: skipped when the portfolio has changed since (a newer version needs its own frames)."""
    if snapshot.key(store.url, store.workspace, store.portfolio_version(), store.portfolio_stamp()) == name:
        snapshot.save(name, built, store.snapshot_secret())


def prepare_snapshot(store: Store) -> int | None:
    """After an import: build the pages' frames and save their snapshot when the portfolio is large enough to have
    one (and snapshots are on), so the first page after it reads one file. Returns the opportunities prepared, or
    None when there was nothing to prepare."""
    if not snapshot_due(store):
        return None
    return len(frames(store)["opportunities"])


def snapshot_due(store: Store) -> bool:
    """Whether the portfolio is large enough to have a snapshot of the pages' frames, and snapshots are on."""
    return snapshot.folder() is not None and store.counts()["opportunities"] >= SNAPSHOT_MIN_ROWS


def export_frame(store: Store, what: str) -> pd.DataFrame:
    """accounts (fit, recommendation, latest decision, lead BU and point person), opportunities (fit), decisions
    (with reviews), or whitespace (per account and BU)."""
    if what not in (*EXPORTS, WHITESPACE):
        raise InputError(f"Unknown export {what!r}; accepted: {', '.join((*EXPORTS, WHITESPACE))}.")
    if what == WHITESPACE:
        return capture.whitespace_export(store)
    active = store.active_matrix().matrix
    if what == "decisions":
        # One row per decision with its latest review; the full review trail follows in review_history.
        dec = store.decisions()
        rev = store.reviews()
        trail = rev.groupby("decision_id").apply(
            lambda g: " | ".join(f"{v} by {r}: {c}" for v, r, c in zip(g["verdict"], g["reviewer"], g["comment"]))
        ) if len(rev) else pd.Series(dtype=object)
        return dec.assign(review_history=[str(trail.get(i, "")) for i in dec["decision_id"]])
    currency = reporting_currency(store)
    opportunities = diagnosed_opportunities(store)
    if what == "opportunities":
        return _flat(portfolio.assess_portfolio(opportunities, active, won_weight(store)))
    judged = judge_accounts(opportunities, store.accounts(), active, won_weight(store), currency)
    decisions = store.decisions()
    table = portfolio.with_latest_decision(judged.summary, decisions)
    return capture.with_leads(table, capture.leads(judged.assessed, decisions, store.business_units(), currency)[1])


def _flat(opportunities: pd.DataFrame) -> pd.DataFrame:
    """Signals and kept CRM columns (stored as dicts) as plain columns, so a spreadsheet shows them."""
    out = opportunities.drop(columns=[c for c in ("signals", "attributes") if c in opportunities])
    for column, prefix in (("signals", "signal: "), ("attributes", "crm: ")):
        if column in opportunities and opportunities[column].notna().any():
            present = opportunities[column].dropna()
            extra = pd.DataFrame.from_records(present.tolist(), index=present.index).reindex(opportunities.index)
            out = out.join(extra.add_prefix(prefix))
    return out
