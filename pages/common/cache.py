"""The one cache adapter: the read model (``gtm.services.views``) wrapped in Streamlit's caches. No other module
of pages/ defines a cache.

Every function here is a ``views`` call (or a few, composed) keyed on the database URL, the workspace and the
versions and fingerprints ``views.keys`` makes. The big frames are held once per process in ``st.cache_resource``
(shared, never copied or pickled per read) and treated as read-only by every page; small results may be
``st.cache_data``. Streamlit keys an entry on the arguments as passed (a keyword and a position differ): every
call passes them all by position. An argument named ``_x`` is not part of the key: it is what the key stands for.
"""

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
from gtm.services.views import capture as capture_views
from gtm.services.views import design as design_views
from gtm.services.views import diagnose as diagnose_views
from gtm.services.views import key_accounts
from gtm.services.views import portfolio as views
from gtm.services.views.keys import Filters, matrix_of
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
