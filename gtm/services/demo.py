"""Use case: fill a database with the bundled demo portfolio, through the same import code users run."""

from __future__ import annotations

from gtm.domain.permissions import ADMIN, Action, Actor, require
from gtm.ingest import demo
from gtm.ingest import plan as ingest
from gtm.ingest.plan import ImportResult
from gtm.services.currency import reporting_currency
from gtm.services.imports import commit_import
from gtm.storage.repository import Store


def seed_demo(store: Store, *, reset: bool = False, actor: Actor = ADMIN) -> list[ImportResult] | None:
    """Load data/demo into an empty store (or, with ``reset``, replace the portfolio) in one transaction.

    Returns None when the store already holds a portfolio and ``reset`` is not set.
    """
    if reset:
        require(actor, Action.RESET_DEMO)
    elif not store.is_empty():
        return None
    bus = demo.load()["business_units"]
    stored = {kind: set() if reset else store.stored_ids(kind) for kind in ingest.KINDS}
    acc_plan = ingest.plan_import("accounts", demo.DEMO_DIR / "accounts.csv", known_accounts=store.accounts().head(0),
                                  business_units=bus, stored_ids=stored["accounts"])
    # The opportunities refer to accounts written in the same, still open, transaction.
    known = acc_plan.valid.rename(columns={"external_id": "account_id"})[["account_id", "name"]]
    opp_plan = ingest.plan_import("opportunities", demo.DEMO_DIR / "opportunities.csv", known_accounts=known,
                                  business_units=bus, stored_ids=stored["opportunities"],
                                  reporting_currency=reporting_currency(store))
    with store.transaction() as tx:
        if reset:
            store.clear_portfolio(tx)
        store.upsert_business_units(tx, bus)
        return [commit_import(store, acc_plan, actor, tx=tx), commit_import(store, opp_plan, actor, tx=tx)]
