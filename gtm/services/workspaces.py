"""The workspaces a server shows (main, demo) and the store of each: what the pages open, through the service
layer (pages never import gtm.storage: the import-linter contract "pages reach storage and ingest only through
services")."""

from __future__ import annotations

from gtm.storage.engine import DEMO, MAIN, WORKSPACES
from gtm.storage.repository import ActiveMatrix, Store

__all__ = ["DEMO", "MAIN", "WORKSPACES", "ActiveMatrix", "Store", "open_store"]


def open_store(url: str | None, workspace: str) -> Store:
    """The store of ``workspace`` at ``url`` (None: the default SQLite file), its schema migrated."""
    return Store(url, workspace=workspace)
