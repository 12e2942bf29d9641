"""A workspace's versions, active matrix, stored rows, currency and won-deal weight, read once per run.
(pages.common.session)."""

from __future__ import annotations

import pandas as pd

from gtm.services.workspaces import ActiveMatrix
from pages.common import cache
from pages.common.session.run import _once
from pages.common.session.source import database_url, store, workspace


def _versions(name: str) -> dict[str, int]:
    return _once(("versions", name), store(name).versions)


def data_version(workspace_name: str | None = None) -> int:
    """The workspace's data version (every write changes it), read once per run."""
    return _versions(workspace_name or workspace()).get("data_version", 0)


def portfolio_version(workspace_name: str | None = None) -> int:
    """The workspace's portfolio version (imports, natures, rules, rates change it), read once per run."""
    return _versions(workspace_name or workspace()).get("portfolio_version", 0)


def rows_version(workspace_name: str | None = None) -> int:
    """The version of the workspace's stored rows, read once per run."""
    return _versions(workspace_name or workspace()).get("rows_version", 0)


def active_matrix(workspace_name: str | None = None) -> ActiveMatrix:
    """The workspace's active matrix version, read once per run."""
    name = workspace_name or workspace()
    return _once(("active matrix", name), store(name).active_matrix)


def stored_opportunities(workspace_name: str | None = None) -> pd.DataFrame:
    """The stored opportunities as read, before any diagnosis (shared: read them, never change them)."""
    name = workspace_name or workspace()
    return cache.rows(database_url(), name, rows_version(name))["opportunities"]


def currency(workspace_name: str | None = None) -> str:
    """The reporting currency (ISO code) every amount on every page is shown in: fmt.money(x, session.currency())."""
    name = workspace_name or workspace()
    return _once(("currency", name), lambda: cache.currency(database_url(), name, portfolio_version(name)))


def _won_weight(name: str) -> tuple[float, str | None]:
    return _once(("won weight", name), lambda: cache.won_weight(database_url(), name, portfolio_version(name)))


def won_weight(workspace_name: str | None = None) -> float:
    """What a won deal weighs in this workspace's recommendations (a share of its amount): every page says it."""
    return _won_weight(workspace_name or workspace())[0]


def refused_won_weight() -> str | None:
    """Why the stored won-deal weight is not used (the default stands in), or None."""
    return _won_weight(workspace())[1]
