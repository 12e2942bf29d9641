"""The key accounts funnel, the results, the Diagnose page and the scenarios. (pages.common.cache)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import cast

import pandas as pd
import streamlit as st

from gtm.domain.types import Assumptions, Rule
from gtm.services import design as design_service
from gtm.services import diagnosis
from gtm.services import results as results_service
from gtm.services.views import design as design_views
from gtm.services.views import diagnose as diagnose_views
from gtm.services.views import key_accounts
from gtm.services.views import portfolio as views
from pages.common.cache.core import _store
from pages.common.cache.design import exposure, named_plan


# ---------------------------------------------------------------------------------------------- key accounts
# Keyed on the portfolio version (the pipeline of 1,000,000 opportunities is summed once) and the data version (BU
# scores, picks and lists); ``scope`` is the sidebar's list, which the funnel's frames (every account) ignore.
@st.cache_resource(max_entries=4, show_spinner=False)
def pipeline(url: str | None, workspace: str, portfolio_version: int, scope: int, _opportunities: pd.DataFrame,
             _won_weight: float) -> pd.DataFrame:
    """Each account's pipeline value. The won-deal weight is a workspace setting: a change makes a new portfolio
    version, hence a new entry."""
    return key_accounts.pipeline(_opportunities, _won_weight)


@st.cache_resource(max_entries=4, show_spinner=False)
def measures(url: str | None, workspace: str, portfolio_version: int, version: int, scope: int,
             _accounts: pd.DataFrame, _opportunities: pd.DataFrame, _won_weight: float) -> pd.DataFrame:
    """Each account's size and ease measures."""
    return key_accounts.measures(_store(url, workspace), _accounts,
                                 pipeline(url, workspace, portfolio_version, scope, _opportunities, _won_weight),
                                 key_accounts.rules())


@st.cache_resource(max_entries=8, show_spinner=False)
def positioned(url: str | None, workspace: str, portfolio_version: int, version: int, scope: int, size: str,
               ease: str, growth: bool, _accounts: pd.DataFrame, _opportunities: pd.DataFrame,
               _won_weight: float) -> pd.DataFrame:
    """Every account on the chosen axes."""
    found = measures(url, workspace, portfolio_version, version, scope, _accounts, _opportunities, _won_weight)
    return key_accounts.positioned(found, size, ease, growth)


@st.cache_resource(max_entries=8, show_spinner=False)
def shortlist(url: str | None, workspace: str, portfolio_version: int, version: int, scope: int, size: str,
              ease: str, growth: bool, top_n: int | None, min_size: float | None, min_ease: float | None,
              _accounts: pd.DataFrame, _opportunities: pd.DataFrame, _won_weight: float) -> pd.DataFrame:
    """The shortlist's preview."""
    frame = positioned(url, workspace, portfolio_version, version, scope, size, ease, growth, _accounts,
                       _opportunities, _won_weight)
    return key_accounts.shortlist(frame, top_n, min_size, min_ease)


@st.cache_data(max_entries=16, show_spinner=False)
def list_members(url: str | None, workspace: str, list_id: int, version: int) -> list[str]:
    """A saved list version's account ids. A version never changes, but a demo reset deletes it and SQLite may give
    its id to a new one: keyed on the data version too."""
    return [str(a) for a in views.list_ids(_store(url, workspace), list_id)]


# ---------------------------------------------------------------------------------------------- results
@st.cache_data(max_entries=16, show_spinner="Counting the results…")
def results(url: str | None, workspace: str, version: int, portfolio_version: int, matrix: str,
            list_name: str | None, rule: str, since: date | None,
            _recommended: pd.Series) -> results_service.Results:
    """Keyed on the data version (every import, list and decision makes a new one) and the matrix: the recommendation
    says which accounts moved to their recommended structure."""
    return results_service.programme_results(_store(url, workspace), list_name, every_account=list_name is None,
                                             rule=cast("Rule", rule), since=None if rule != "date" else since,
                                             recommended=_recommended)


# ---------------------------------------------------------------------------------------------- diagnose
# Keyed on small inputs (the draft's rules and mappings as JSON, the role): each entry of the preview holds a
# portfolio, so few are kept.
@st.cache_resource(max_entries=2, show_spinner="Diagnosing the portfolio under the draft…")
def diagnosed(url: str | None, workspace: str, version: int, table_json: str, mappings_json: str,
              role: str, _stored: pd.DataFrame) -> diagnosis.Preview:
    """The opportunities under a draft of the rules and mappings, as ``role`` may preview them."""
    return diagnose_views.preview(_store(url, workspace), table_json, mappings_json, role, _stored)


@st.cache_data(max_entries=4, show_spinner=False)
def rule_columns(url: str | None, workspace: str, portfolio_version: int, _opportunities: pd.DataFrame) -> list[str]:
    """The columns a rule may test, per portfolio version."""
    return diagnose_views.rule_columns(_opportunities)


@st.cache_data(max_entries=8, show_spinner=False)
def evidence(url: str | None, workspace: str, portfolio_version: int, list_id: int, key: str,
             _opportunities: pd.DataFrame) -> pd.DataFrame:
    """Per product family (or Type, Stage): what a person mapping it can go on (one groupby, per version)."""
    return diagnose_views.evidence(_opportunities, key)


@st.cache_resource(max_entries=4, show_spinner=False)
def sampled(url: str | None, workspace: str, version: int, list_id: int, table_json: str, mappings_json: str,
            role: str, _before: pd.DataFrame, _after: pd.DataFrame) -> pd.DataFrame:
    """The opportunities before the draft on the sample's accounts (once per draft)."""
    return diagnose_views.sampled(_before, _after)


@st.cache_resource(max_entries=4, show_spinner=False)
def compared(url: str | None, workspace: str, version: int, list_id: int, table_json: str, mappings_json: str,
             role: str, _before: pd.DataFrame, _after: pd.DataFrame) -> diagnose_views.Comparison:
    """Coverage, distribution and changes of the preview, once per portfolio version, list and draft (both tabs
    show it, on every run of the page)."""
    return diagnose_views.compared(_before, _after, bool(table_json))


@st.cache_resource(max_entries=16, show_spinner=False)
def picks(url: str | None, workspace: str, version: int, list_id: int, table_json: str, mappings_json: str,
          role: str, query: str, _before: pd.DataFrame) -> tuple[tuple[str, ...], dict[str, str]]:
    """The opportunities to choose from for ``query`` and their labels (shared: copy before changing)."""
    return diagnose_views.picks(_before, query)


@st.cache_resource(max_entries=4, show_spinner=False)
def todo(url: str | None, workspace: str, version: int, list_id: int, _assessed: pd.DataFrame) -> pd.DataFrame:
    """The opportunities not yet diagnosed, largest first, per portfolio version and list (shared: read it)."""
    return diagnose_views.todo(_assessed)


# ---------------------------------------------------------------------------------------------- scenarios
# Cached per data version (a save, a decision or a list changes it), portfolio version, matrix and choices: every
# edit in the editor reruns the page. Shared between sessions, read-only.
@st.cache_resource(max_entries=4, show_spinner=False)
def scenario_start(url: str | None, workspace: str, version: int, portfolio_version: int, matrix_json: str,
                   scope: str, start: str, currency: str, assumptions_json: str, editable: int, structure: str,
                   _d: views.PortfolioData, _in_scope: Callable[[str], list[str]]
                   ) -> tuple[pd.Series, list[str], pd.DataFrame]:
    """The start point's structures over the scope's accounts (``_in_scope(scope)``), its notes, and the editor's
    rows."""
    named = named_plan(url, workspace, version, portfolio_version, matrix_json, start, assumptions_json, _d)
    return design_views.editor_start(named, _d.account_table, _in_scope(scope), currency, editable, structure)


@st.cache_resource(max_entries=4, show_spinner="Comparing…")
def scenarios_compared(url: str | None, workspace: str, version: int, portfolio_version: int, matrix_json: str,
                       scope: str, key_a: str, key_b: str, assumptions_json: str, currency: str,
                       _d: views.PortfolioData, _in_scope: Callable[[str], list[str]],
                       _chosen: Callable[[str], list[str] | None], _name: Callable[[str], str]
                       ) -> tuple[design_service.Design, design_service.Design, design_service.Comparison,
                                  dict[str, pd.DataFrame], list[str], list[str]]:
    """Plans A and B designed over the same accounts at the same assumptions, compared, the comparison's tables
    (money in the reporting currency), and each plan's notes."""
    a = Assumptions.model_validate_json(assumptions_json)

    def plan(key: str) -> design_service.NamedPlan:
        used = assumptions_json if key == design_service.PAYING else ""
        return named_plan(url, workspace, version, portfolio_version, matrix_json, key, used, _d)

    def weigh(ids: list[str] | None) -> design_views.Exposure:
        return exposure(url, workspace, portfolio_version, matrix_json, None if ids is None else tuple(ids), _d)

    return design_views.compared(_d, plan(key_a), plan(key_b), _in_scope(scope), _chosen(scope), weigh, a,
                                 (_name(key_a), _name(key_b)), currency)
