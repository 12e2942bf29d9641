"""What the pages derive of the judged portfolio: views, figures, cells, the band edit's effect, queues. (pages.common.cache)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gtm.services.views import portfolio as views
from gtm.services.views.keys import Filters, matrix_of
from pages.common.cache.core import _judged, _store, decisions, frames, judged, list_ids


# ---------------------------------------------------------------------------------------------- what pages derive
# Cached too, per data and filters: ten sessions opening the Portfolio compute its figures once, and no page run
# copies the million-row frame to filter it.
def _view(url: str | None, workspace: str, portfolio_version: int, matrix_json: str, filters: Filters,
          rationale: bool) -> pd.DataFrame:
    assessed = judged(url, workspace, portfolio_version, matrix_json, rationale).assessed
    ids = list_ids(url, workspace, int(filters[4][0]), portfolio_version) if len(filters) > 4 else None
    return views.view(assessed, filters, ids)


@st.cache_resource(max_entries=16, show_spinner=False)
def overview(url: str | None, workspace: str, portfolio_version: int, matrix_json: str, filters: Filters,
             rationale: bool) -> views.Overview:
    """The Portfolio page's figures, cells, misfits and to-do list under its filters."""
    return views.overview(_view(url, workspace, portfolio_version, matrix_json, filters, rationale))


@st.cache_resource(max_entries=16, show_spinner=False)
def cell(url: str | None, workspace: str, portfolio_version: int, matrix_json: str, filters: Filters,
         rationale: bool, nature: str, approach: str) -> views.CellMembers:
    """One cell's accounts and opportunities under the Portfolio page's filters."""
    return views.cell(_view(url, workspace, portfolio_version, matrix_json, filters, rationale), nature, approach)


# The Matrix page under the active matrix and a draft: each side's figures, and what the draft changes, once per
# band; the cells and the not-yet-diagnosed strip are the same under every band, so a band edit recomputes neither.
@st.cache_resource(max_entries=8, show_spinner=False)
def figures(url: str | None, workspace: str, portfolio_version: int, matrix_json: str, rationale: bool,
            list_id: int) -> views.Figures:
    """The headline figures under one matrix and list."""
    return views.figures(_judged(url, workspace, portfolio_version, matrix_json, rationale, list_id).assessed)


@st.cache_resource(max_entries=8, show_spinner=False)
def refigured(url: str | None, workspace: str, portfolio_version: int, matrix_json: str, rationale: bool,
              list_id: int, like_json: str) -> views.Figures:
    """A band edit's figures, from the active matrix's (``like_json``): only the fits are counted again."""
    same = figures(url, workspace, portfolio_version, like_json, True, list_id)
    return views.refigured(same, _judged(url, workspace, portfolio_version, matrix_json, rationale, list_id).assessed)


@st.cache_resource(max_entries=4, show_spinner=False)
def cells(url: str | None, workspace: str, portfolio_version: int, matrix_json: str, rationale: bool,
          list_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The matrix cells and the not-yet-diagnosed strip."""
    return views.cells(_judged(url, workspace, portfolio_version, matrix_json, rationale, list_id).assessed)


@st.cache_resource(max_entries=4, show_spinner=False)
def effect(url: str | None, workspace: str, portfolio_version: int, active_json: str, draft_json: str,
           list_id: int) -> views.MatrixEffect:
    """What a draft band changes against the active matrix, once per band."""
    return views.effect(_judged(url, workspace, portfolio_version, active_json, True, list_id),
                        _judged(url, workspace, portfolio_version, draft_json, False, list_id))


@st.cache_resource(max_entries=4, show_spinner=False)
def filter_options(url: str | None, workspace: str, portfolio_version: int) -> dict[str, list[str]]:
    """The filter widgets' values (bu, region, industry)."""
    return views.filter_options(frames(url, workspace, portfolio_version)["opportunities"])


@st.cache_resource(max_entries=8, show_spinner=False)
def review_queue(url: str | None, workspace: str, portfolio_version: int, version: int, matrix_json: str,
                 bus: tuple[str, ...]) -> tuple[pd.DataFrame, views.Figures]:
    """The Review page's queue for ``bus`` and their figures."""
    return views.review_queue(_store(url, workspace), frames(url, workspace, portfolio_version)["accounts"],
                              judged(url, workspace, portfolio_version, matrix_json, True).assessed,
                              decisions(url, workspace, version), bus, matrix_of(matrix_json))


@st.cache_resource(max_entries=8, show_spinner=False)
def progress(url: str | None, workspace: str, portfolio_version: int, version: int,
             matrix_json: str) -> views.Progress:
    """The first hour's checklist, per data version."""
    return views.progress(frames(url, workspace, portfolio_version)["accounts"],
                          judged(url, workspace, portfolio_version, matrix_json, True),
                          decisions(url, workspace, version))
