"""The store, the portfolio's frames and what is judged of them, and the account lists. (pages.common.cache)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gtm.services.views import portfolio as views
from gtm.services.views.keys import matrix_of
from gtm.services.workspaces import Store, demo_seeded, open_workspace


@st.cache_resource(show_spinner="Opening the portfolio database…")
def store(url: str | None, workspace: str, seed_demo: bool) -> Store:
    """A workspace's store, opened once per server process (the demo seeded when empty and ``seed_demo``)."""
    return open_workspace(url, workspace, seed_demo)


def _store(url: str | None, workspace: str) -> Store:
    return store(url, workspace, demo_seeded())


# ---------------------------------------------------------------------------------------------- the portfolio
# Keyed by the portfolio version, which a decision, review or matrix version does not change, so recording a
# decision re-reads only the decisions.
@st.cache_resource(max_entries=2, show_spinner="Reading the portfolio…")
def frames(url: str | None, workspace: str, portfolio_version: int) -> views.Frames:
    """The pages' frames: from the version's snapshot on disk when there is one (a server's first run after a start
    or an import); otherwise diagnosed from the stored rows, which this process keeps while only overrides, rules or
    rates change."""
    s = _store(url, workspace)
    return views.frames(s, rows=lambda: rows(url, workspace, s.rows_version()))


@st.cache_resource(max_entries=2, show_spinner="Reading the portfolio…")
def rows(url: str | None, workspace: str, rows_version: int) -> views.Frames:
    """The stored rows as read (shared; the diagnosed frames share their columns, so keeping both costs little)."""
    return views.stored_rows(_store(url, workspace))


@st.cache_resource(max_entries=4, show_spinner=False)
def decisions(url: str | None, workspace: str, version: int) -> pd.DataFrame:
    """Every decision, per data version."""
    return views.decisions(_store(url, workspace))


@st.cache_data(max_entries=8, show_spinner=False)
def currency(url: str | None, workspace: str, portfolio_version: int) -> str:
    """The reporting currency, per portfolio version."""
    return views.currency(_store(url, workspace))


@st.cache_data(max_entries=8, show_spinner=False)
def won_weight(url: str | None, workspace: str, portfolio_version: int) -> tuple[float, str | None]:
    """The won-deal weight and why a stored one is refused, per portfolio version."""
    return views.won_weight(_store(url, workspace))


@st.cache_resource(max_entries=2, show_spinner="Judging the portfolio…")
def prepared(url: str | None, workspace: str, portfolio_version: int) -> views.Prepared:
    """The band-free half of judging, once per portfolio version (the won-deal weight makes a new version)."""
    return views.prepare(frames(url, workspace, portfolio_version)["opportunities"],
                         won_weight(url, workspace, portfolio_version)[0])


@st.cache_resource(max_entries=6, show_spinner="Judging the portfolio…")
def judged(url: str | None, workspace: str, portfolio_version: int, matrix_json: str,
           rationale: bool) -> views.Judged:
    """The portfolio under one matrix (without ``rationale``, a draft's preview: no sentences)."""
    return views.judge(prepared(url, workspace, portfolio_version), matrix_of(matrix_json),
                       currency(url, workspace, portfolio_version), rationale)


@st.cache_resource(max_entries=4, show_spinner=False)
def account_table(url: str | None, workspace: str, portfolio_version: int, matrix_json: str) -> pd.DataFrame:
    """Accounts with value, misfits and recommendation; keyed without the data version, so recording a decision
    does not rebuild it."""
    return views.account_table(frames(url, workspace, portfolio_version)["accounts"],
                               judged(url, workspace, portfolio_version, matrix_json, True))


# ---------------------------------------------------------------------------------------------- account lists
@st.cache_resource(max_entries=4, show_spinner=False)
def list_versions(url: str | None, workspace: str, version: int) -> pd.DataFrame:
    """The saved lists' versions, per data version."""
    return views.list_versions(_store(url, workspace))


@st.cache_resource(max_entries=16, show_spinner=False)
def list_ids(url: str | None, workspace: str, list_id: int, portfolio_version: int) -> pd.Index:
    """A saved list version's account ids. A version never changes, but a portfolio reset deletes every list and
    SQLite may give a deleted id to a new one: keyed on the portfolio version too."""
    return views.list_ids(_store(url, workspace), list_id)


@st.cache_resource(max_entries=4, show_spinner=False)
def listed(url: str | None, workspace: str, portfolio_version: int, matrix_json: str, rationale: bool,
           list_id: int) -> views.Frames:
    """The frames of a list's accounts only, per list version (100,000 accounts are filtered once)."""
    table = account_table(url, workspace, portfolio_version, matrix_json) if rationale else pd.DataFrame()
    return views.listed(frames(url, workspace, portfolio_version),
                        judged(url, workspace, portfolio_version, matrix_json, rationale), table,
                        list_ids(url, workspace, list_id, portfolio_version))


@st.cache_resource(max_entries=4, show_spinner=False)
def listed_decisions(url: str | None, workspace: str, version: int, list_id: int,
                     portfolio_version: int) -> pd.DataFrame:
    """The decisions of a list's accounts."""
    return views.of_accounts(decisions(url, workspace, version), list_ids(url, workspace, list_id, portfolio_version))


def _judged(url: str | None, workspace: str, portfolio_version: int, matrix_json: str, rationale: bool,
            list_id: int) -> views.Judged:
    if list_id:
        found = listed(url, workspace, portfolio_version, matrix_json, rationale, list_id)
        return views.Judged(found["assessed"], found["recommendations"])
    return judged(url, workspace, portfolio_version, matrix_json, rationale)
