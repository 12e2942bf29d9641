"""The portfolio judged against a matrix, and what the pages derive of it: figures, cells, a band edit's effect, a
cell's members, filter options and the Review queue. (pages.common.session)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from gtm.display import count
from gtm.domain.types import ApproachMatrix
from gtm.services.views import portfolio as views
from gtm.services.views.keys import filters_key, matrix_key
from pages.common import cache
from pages.common.session.lists import _say_list, list_scope
from pages.common.session.reads import active_matrix, data_version, portfolio_version
from pages.common.session.source import database_url, workspace

PortfolioData = views.PortfolioData

# ---------------------------------------------------------------------------------------------- the portfolio
# Every read below is a function of gtm.services.views, cached in pages/common/cache/ under the keys this package
# holds for the session (the workspace, its versions, the matrix in use, the account list chosen).


def data(matrix: ApproachMatrix | None = None, every_account: bool = False) -> PortfolioData:
    """The portfolio judged against ``matrix`` (default: the active version; a draft has neither an account table
    nor recommendation sentences), filtered to the sidebar's account list unless ``every_account``.

    With the active matrix (a page's first call), stored values the engine cannot use are shown as a warning
    with their rows; those opportunities are left out and the page goes on. The frames are shared between
    sessions: read them, never change them in place.
    """
    name, url = workspace(), database_url()
    version, held = data_version(name), portfolio_version(name)
    active = active_matrix(name)
    m = matrix or active.matrix
    key = matrix_key(m)
    raw = cache.frames(url, name, held)
    # A draft matrix (a band edit's preview) needs neither the recommendations' sentences nor an account table:
    # skipping them keeps the preview quick.
    judged = cache.judged(url, name, held, key, matrix is None)
    if matrix is None and len(raw["quarantined"]):
        _show_quarantined(raw["quarantined"])
    named = active.name if matrix is None else m.name
    scope = 0 if every_account else list_scope()
    if scope:  # the sidebar's "Accounts" list: the same frames, its accounts only (cached per list version)
        listed = cache.listed(url, name, held, key, matrix is None, scope)
        if matrix is None:
            _say_list(scope, len(listed["accounts"]))
        return PortfolioData(listed["accounts"], raw["business_units"], listed["opportunities"],
                             cache.listed_decisions(url, name, version, scope, held),
                             listed["assessed"], listed["recommendations"], listed["account_table"], m, named,
                             version, held, raw["quarantined"], matrix is not None, scope)
    table = cache.account_table(url, name, held, key) if matrix is None else pd.DataFrame()
    return PortfolioData(raw["accounts"], raw["business_units"], raw["opportunities"],
                         cache.decisions(url, name, version), judged.assessed, judged.recommendations, table, m,
                         named, version, held, raw["quarantined"], matrix is not None)


def whole(d: PortfolioData) -> dict[str, pd.DataFrame]:
    """The whole portfolio's shared frames at ``d``'s version, whatever list ``d`` is filtered to (accounts,
    business_units, opportunities): what a view over every account needs, e.g. the whitespace's peers. Read them,
    never change them."""
    return cache.frames(database_url(), workspace(), d.portfolio_version)


def overview(d: PortfolioData, bu: list[str], region: list[str], industry: list[str],
             fit: list[str]) -> views.Overview:
    """The Portfolio page's figures, cells, misfits and to-do list for ``d`` (the active matrix or a draft) and the
    filters."""
    return cache.overview(database_url(), workspace(), d.portfolio_version, matrix_key(d.matrix),
                          filters_key(bu, region, industry, fit, d.list_id), not d.draft)


def figures(d: PortfolioData, like: PortfolioData | None = None) -> views.Figures:
    """The headline figures of ``d`` (its matrix, the active one or a draft; its account list), computed once.
    ``like``: the same portfolio under the active matrix, whose figures a band edit's preview starts from (only the
    fits are counted again)."""
    if like is not None and not like.draft and like.list_id == d.list_id:
        return cache.refigured(database_url(), workspace(), d.portfolio_version, matrix_key(d.matrix), not d.draft,
                               d.list_id, matrix_key(like.matrix))
    return cache.figures(database_url(), workspace(), d.portfolio_version, matrix_key(d.matrix), not d.draft,
                         d.list_id)


def cells(d: PortfolioData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The matrix cells (count and value per nature and approach) and the not-yet-diagnosed strip of ``d``, once per
    portfolio version and account list (shared: read them only). They are the same under every band: pass the data
    under the active matrix, and a band edit reuses them."""
    return cache.cells(database_url(), workspace(), d.portfolio_version, matrix_key(d.matrix), not d.draft, d.list_id)


def effect(active: PortfolioData, draft: PortfolioData) -> views.MatrixEffect:
    """What the ``draft``'s band changes against the ``active`` matrix (the Matrix page's preview), once per band."""
    return cache.effect(database_url(), workspace(), active.portfolio_version, matrix_key(active.matrix),
                        matrix_key(draft.matrix), active.list_id)


def cell(d: PortfolioData, bu: list[str], region: list[str], industry: list[str], fit: list[str], nature: str,
         approach: str) -> views.CellMembers:
    """The accounts and opportunities in one cell of the Portfolio page's matrix (same data and filters)."""
    return cache.cell(database_url(), workspace(), d.portfolio_version, matrix_key(d.matrix),
                      filters_key(bu, region, industry, fit, d.list_id), not d.draft, nature, approach)


def filter_options(d: PortfolioData, column: str) -> list[str]:
    """The distinct values of an opportunity column (bu, region or industry) for a filter widget, sorted."""
    return cache.filter_options(database_url(), workspace(), d.portfolio_version)[column]


def review_queue(d: PortfolioData, bus: Sequence[str]) -> tuple[pd.DataFrame, views.Figures]:
    """The Review page's queue for ``bus`` (one BU, or a BU head's several; shared: read it, never change it): each
    account once, those waiting for a verdict of ``bus`` first (``waiting``, ``waiting_on``, ``my_verdict``), then
    by value at stake; and the figures of those BUs."""
    queue, figures = cache.review_queue(database_url(), workspace(), d.portfolio_version, d.version,
                                        matrix_key(d.matrix), tuple(sorted(bus)))
    if d.list_id:  # the account list's accounts only (the BUs' figures stay the whole BUs')
        queue = views.of_accounts(queue, cache.list_ids(database_url(), workspace(), d.list_id, d.portfolio_version))
    return queue, figures


def _show_quarantined(problems: pd.DataFrame) -> None:
    """The stored values the engine cannot use, as rows a person can correct (data text in a table: no Markdown)."""
    opportunities = problems["row"].nunique()
    st.warning(f"{opportunities:,} stored opportunit{'y holds' if opportunities == 1 else 'ies hold'} values the "
               "engine can't use, so every figure on this page leaves them out. Correct them in the CRM and import "
               "them again (an import updates an opportunity by its id).", icon=":material/report:")
    with st.expander(f"Show the {count(len(problems), 'value')} set aside"):
        st.dataframe(problems, hide_index=True, width="stretch",
                     column_config={"row": "opportunity", "account_id": "account"})
