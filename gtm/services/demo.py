"""Use case: fill a database with the bundled demo portfolio, through the same import code users run."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from gtm.domain.errors import InputError
from gtm.domain.permissions import ADMIN, Action, Actor, require
from gtm.domain.story import default_story
from gtm.ingest import demo
from gtm.ingest import plan as ingest
from gtm.ingest.plan import ImportResult
from gtm.services import audit, workshop
from gtm.services.currency import reporting_currency
from gtm.services.imports import commit_import
from gtm.settings import settings
from gtm.storage.engine import DEMO
from gtm.storage.repository import Store


def seed_demo(store: Store, *, reset: bool = False, actor: Actor = ADMIN,
              confirm: str | None = None, workshop_story: bool | None = None) -> list[ImportResult] | None:
    """Load data/demo into the empty demo workspace (or, with ``reset``, replace it) in one transaction, then carry
    out its workshop (data/demo/workshop.json: the lists, maturity scores, plan, decisions, reviews and a scenario;
    gtm.services.workshop), so that every page opens on a workshop under way. ``workshop_story`` False loads the
    portfolio alone, for a facilitator who builds the funnel in front of the room (default: GTM_DEMO_WORKSHOP, on
    unless 0).

    Only the demo workspace is ever seeded or reset: any other workspace holds an organisation's portfolio, whose
    history is append-only. A reset also needs ``confirm``, the workspace name as the person typed it.
    Returns None when the demo workspace already holds a portfolio and ``reset`` is not set.
    """
    if store.workspace != DEMO:
        raise InputError(f"The demo portfolio lives in the '{DEMO}' workspace; workspace '{store.workspace}' holds "
                         "your own portfolio and is never filled with, or replaced by, the demo.")
    if reset:
        require(actor, Action.RESET_DEMO)
        if (confirm or "").strip() != store.workspace:
            raise InputError(f"Type {store.workspace} to confirm: the reset deletes every account, opportunity, "
                             f"decision and review in the '{store.workspace}' workspace.")
    elif not store.is_empty():
        return None
    story = workshop_story if workshop_story is not None else workshop_wanted()
    # With its workshop, the demo's first export is dated a quarter back: the story imports the deals won since.
    first = workshop.first_export_date() if story else None
    bus = demo.load(demo.DEMO_DIR)["business_units"]
    stored: dict[str, Collection[str] | pd.Series] = {kind: set() if reset else store.stored_ids(kind)
                                                     for kind in ingest.KINDS}
    acc_plan = ingest.plan_import("accounts", demo.DEMO_DIR / "accounts.csv", known_accounts=store.accounts().head(0),
                                  business_units=bus, stored_ids=stored["accounts"])
    # The opportunities refer to accounts written in the same, still open, transaction.
    known = acc_plan.valid.rename(columns={"external_id": "account_id"})[["account_id", "name"]]
    opp_plan = ingest.plan_import("opportunities", demo.DEMO_DIR / "opportunities.csv", known_accounts=known,
                                  business_units=bus, stored_ids=stored["opportunities"],
                                  reporting_currency=reporting_currency(store),
                                  name=default_story().results.first_file if story else None)
    with store.transaction() as tx:
        if reset:
            store.clear_portfolio(tx)
            store.clear_programme(tx)  # the demo's maturity scores and plans: the story brings its own
        audit.log(store, tx, actor, "demo.reset" if reset else "demo.seeded", store.workspace)
        store.upsert_business_units(tx, bus)
        results = [commit_import(store, acc_plan, actor, tx=tx),
                   commit_import(store, opp_plan, actor, tx=tx, as_of=first)]
    if story:
        workshop.seed_story(store)
    return results


def workshop_wanted() -> bool:
    """Whether the demo comes with its workshop under way: GTM_DEMO_WORKSHOP, on unless 0, false, no or off."""
    return settings().demo_workshop
