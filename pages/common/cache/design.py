"""The organisation design's inputs, and the lead BU, point person and whitespace. (pages.common.cache)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gtm.domain.types import Assumptions
from gtm.services import design as design_service
from gtm.services.views import capture as capture_views
from gtm.services.views import design as design_views
from gtm.services.views import portfolio as views
from pages.common.cache.core import _store


# ---------------------------------------------------------------------------------------------- design
@st.cache_resource(max_entries=4, show_spinner=False)
def saved_assumptions(url: str | None, workspace: str, version: int) -> design_service.SavedAssumptions:
    """The saved assumptions (or the playbook's defaults), per data version."""
    return design_views.saved_assumptions(_store(url, workspace))


@st.cache_resource(max_entries=8, show_spinner=False)
def scope_ids(url: str | None, workspace: str, version: int, name: str) -> list[str]:
    """A saved list's account ids, per data version."""
    return design_views.scope_ids(_store(url, workspace), name)


@st.cache_resource(max_entries=4, show_spinner="Weighing the value in band…")
def exposure(url: str | None, workspace: str, portfolio_version: int, matrix_json: str, ids: tuple[str, ...] | None,
             _d: views.PortfolioData) -> design_views.Exposure:
    """The value in band per account and structure of ``ids`` (None: every account) of ``_d`` (every account)."""
    return design_views.exposure(_d, None if ids is None else list(ids))


@st.cache_resource(max_entries=8, show_spinner=False)
def named_plan(url: str | None, workspace: str, version: int, portfolio_version: int, matrix_json: str, key: str,
               assumptions_json: str, _d: views.PortfolioData) -> design_service.NamedPlan:
    """A plan by its key, read once for the editor's start point and the comparison (a saved scenario of 100,000
    accounts takes most of a second to read). The moves that pay depend on the assumptions (``assumptions_json``,
    "" for the plans that do not)."""
    a = Assumptions.model_validate_json(assumptions_json) if assumptions_json else None
    weighed = exposure(url, workspace, portfolio_version, matrix_json, None, _d) if a is not None else None
    return design_views.named_plan(_store(url, workspace), _d, key, a, weighed)


@st.cache_resource(max_entries=8, show_spinner="Designing…")
def designed(url: str | None, workspace: str, version: int, portfolio_version: int, matrix_json: str, scope: str,
             plan_key: str, assumptions_json: str, _d: views.PortfolioData, _ids: list[str] | None,
             _won_weight: float) -> tuple[design_service.Design, list[str]]:
    """The design of ``plan_key`` over the accounts of ``scope`` (``_ids``) at the assumptions."""
    used = assumptions_json if plan_key == design_service.PAYING else ""
    named = named_plan(url, workspace, version, portfolio_version, matrix_json, plan_key, used, _d)
    a = Assumptions.model_validate_json(assumptions_json)
    weighed = exposure(url, workspace, portfolio_version, matrix_json, None if _ids is None else tuple(_ids), _d)
    return design_views.designed(named, _d, _ids, a, weighed, _won_weight)


# ---------------------------------------------------------------------------------------------- lead and whitespace
@st.cache_resource(max_entries=4, show_spinner=False)
def proposals(url: str | None, workspace: str, portfolio_version: int, currency: str,
              _opportunities: pd.DataFrame) -> pd.DataFrame:
    """The evidence's lead BU and point person per account (every account)."""
    return capture_views.proposals(_opportunities, currency)


@st.cache_resource(max_entries=8, show_spinner=False)
def decided(url: str | None, workspace: str, portfolio_version: int, version: int, list_id: int, currency: str,
            _opportunities: pd.DataFrame, _decisions: pd.DataFrame, _bus: pd.DataFrame) -> pd.DataFrame:
    """What is in force per account (a person's choice in the latest decision, else the evidence)."""
    return capture_views.decided(proposals(url, workspace, portfolio_version, currency, _opportunities), _decisions,
                                 _bus, _opportunities)


@st.cache_resource(max_entries=64, show_spinner=False)
def account_evidence(url: str | None, workspace: str, portfolio_version: int, account_id: str,
                     _opportunities: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One account's lead evidence by BU and by owner: the Account page reads it twice a run, and again after every
    decision; once per portfolio version is enough."""
    return capture_views.evidence(_opportunities)


@st.cache_resource(max_entries=4, show_spinner="Estimating the whitespace from peers…")
def whitespace_grid(url: str | None, workspace: str, portfolio_version: int,
                    _frames: views.Frames) -> pd.DataFrame:
    """The whitespace grid of every account."""
    return capture_views.grid(_frames)


@st.cache_resource(max_entries=4, show_spinner=False)
def whitespace_views(url: str | None, workspace: str, portfolio_version: int, list_id: int,
                     _cells: pd.DataFrame) -> capture_views.Views:
    """What the Whitespace page shows of a list's grid."""
    return capture_views.views(_cells)
