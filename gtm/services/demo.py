"""Filling a database with the bundled demo portfolio, through the same import code users run."""

from __future__ import annotations

from gtm.domain.permissions import ADMIN, Actor, require
from gtm.ingest import demo
from gtm.ingest.plan import ImportResult, commit_import, import_business_units, plan_import
from gtm.storage.repository import Store


def seed_demo(store: Store, *, reset: bool = False, actor: Actor = ADMIN) -> list[ImportResult] | None:
    """Load data/demo into an empty store (or, with ``reset``, replace the portfolio) in one transaction.

    Returns None when the store already holds a portfolio and ``reset`` is not set.
    """
    if reset:
        require(actor, "reset_demo")
    elif not store.is_empty():
        return None
    bus = demo.load()["business_units"]
    acc_plan = plan_import(store, "accounts", demo.DEMO_DIR / "accounts.csv")
    acc_known = acc_plan.valid.rename(columns={"external_id": "account_id"})[["account_id", "name"]]
    opp_plan = plan_import(store, "opportunities", demo.DEMO_DIR / "opportunities.csv", known_accounts=acc_known)
    with store.engine.begin() as conn:
        if reset:
            store.clear_portfolio(conn)
            acc_plan.existing = opp_plan.existing = 0
        import_business_units(store, bus, conn)
        results = [
            commit_import(store, acc_plan, actor, conn=conn),
            commit_import(store, opp_plan, actor, conn=conn),
        ]
    return results
