"""The workspaces a server shows (main, demo) and the store of each: what the pages open, through the service
layer (pages never import gtm.storage: the import-linter contract "pages reach storage and ingest only through
services")."""

from __future__ import annotations

import os

import pandas as pd

from gtm.services import demo
from gtm.storage.engine import DEMO, MAIN, WORKSPACES
from gtm.storage.repository import ActiveMatrix, Store

__all__ = ["DEMO", "MAIN", "WORKSPACES", "ActiveMatrix", "Store", "demo_seeded", "open_store", "open_workspace"]


def open_store(url: str | None, workspace: str) -> Store:
    """The store of ``workspace`` at ``url`` (None: the default SQLite file), its schema migrated."""
    return Store(url, workspace=workspace)


def demo_seeded() -> bool:
    """Whether the demo workspace holds the bundled demo portfolio: GTM_SEED_DEMO is not 0, false, no or off."""
    return os.environ.get("GTM_SEED_DEMO", "1").strip().lower() not in ("0", "false", "no", "off")


def open_workspace(url: str | None, workspace: str, seed_demo: bool) -> Store:
    """``open_store``, the demo workspace seeded with the demo portfolio when it is empty and ``seed_demo`` (main is
    never seeded)."""
    store = open_store(url, workspace)
    if workspace == DEMO and seed_demo:
        demo.seed_demo(store)
    return store


def is_empty(store: Store) -> bool:
    """Whether the workspace holds no account yet."""
    return store.is_empty()


def business_units(*stores: Store) -> pd.DataFrame:
    """The business units of ``stores`` together (bu_id, name, ...), each once: the organisation's and the workspace
    on screen's, for the people editor."""
    return pd.concat([s.business_units() for s in stores]).drop_duplicates("bu_id")
