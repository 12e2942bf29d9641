"""Use cases that read the whole portfolio: the frames behind exports."""

from __future__ import annotations

import pandas as pd

from gtm.domain import portfolio
from gtm.domain.errors import InputError
from gtm.services.currency import reporting_currency
from gtm.services.diagnosis import diagnosed_opportunities
from gtm.storage.repository import Store

EXPORTS = ("accounts", "opportunities", "decisions")


def export_frame(store: Store, what: str) -> pd.DataFrame:
    """accounts (fit, recommendation, latest decision), opportunities (fit), or decisions (with reviews)."""
    if what not in EXPORTS:
        raise InputError(f"Unknown export {what!r}; accepted: {', '.join(EXPORTS)}.")
    active = store.active_matrix().matrix
    if what == "decisions":
        # One row per decision with its latest review; the full review trail follows in review_history.
        dec = store.decisions()
        rev = store.reviews()
        trail = rev.groupby("decision_id").apply(
            lambda g: " | ".join(f"{v} by {r}: {c}" for v, r, c in zip(g["verdict"], g["reviewer"], g["comment"]))
        ) if len(rev) else pd.Series(dtype=object)
        return dec.assign(review_history=[str(trail.get(i, "")) for i in dec["decision_id"]])
    assessed = portfolio.assess_portfolio(diagnosed_opportunities(store), active)
    if what == "opportunities":
        return _flat(assessed)
    recs = portfolio.recommendations(assessed, active, reporting_currency(store))
    return portfolio.account_table(store.accounts(), assessed, recs, store.decisions())


def _flat(opportunities: pd.DataFrame) -> pd.DataFrame:
    """Signals and kept CRM columns (stored as dicts) as plain columns, so a spreadsheet shows them."""
    out = opportunities.drop(columns=[c for c in ("signals", "attributes") if c in opportunities])
    for column, prefix in (("signals", "signal: "), ("attributes", "crm: ")):
        if column in opportunities and opportunities[column].notna().any():
            present = opportunities[column].dropna()
            extra = pd.DataFrame.from_records(present.tolist(), index=present.index).reindex(opportunities.index)
            out = out.join(extra.add_prefix(prefix))
    return out
