"""Start-up and the data boundary: one store per workspace and server process, portfolio data cached per
workspace and data version.

Caching is keyed on the workspace, the database's data version and the matrix's fingerprint, so an
interaction recomputes only what changed.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import pandas as pd
import streamlit as st

from gtm.domain import drill, portfolio
from gtm.domain.fmt import count, plain
from gtm.domain.matrix import ApproachMatrix, parse_matrix
from gtm.domain.recommend import Tally
from gtm.services import currency as currency_service
from gtm.services import lists as lists_service
from gtm.services import outcomes as outcomes_service
from gtm.services import portfolio as portfolio_service
from gtm.services import progress as progress_service
from gtm.services.demo import seed_demo
from gtm.services.workspaces import DEMO, MAIN, WORKSPACES, ActiveMatrix, Store, open_store

__all__ = ["DEMO", "MAIN", "WORKSPACES"]


def _leave_folder_mode() -> None:
    """Run every page through app.py's st.navigation, even on a server's very first request.

    Streamlit treats a project with a pages/ folder as a folder-style multipage app until some
    script calls st.navigation; a first request for /account would then run pages/account.py on
    its own, without app.py's page config and sidebar. Switching the mode off and rerunning sends
    that request through app.py like every later one.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        # The address asked for is lost in the rerun (folder mode answered it, or failed to): keep it for
        # pages/common/navigation.py, which resolves aliases and unknown addresses.
        asked = getattr(getattr(get_script_run_ctx(), "pages_manager", None), "intended_page_name", None)
        if asked:
            st.session_state[_FIRST_REQUEST] = str(asked).strip("/")
        st.rerun()


_FIRST_REQUEST = "nav_first_request"


def first_request_path() -> str | None:
    """The address a server's very first request asked for (taken once), None afterwards."""
    return cast("str | None", st.session_state.pop(_FIRST_REQUEST, None))


# Every page reads the store through this module, so importing it is the first thing any page does.
_leave_folder_mode()


def database_url() -> str | None:
    """GTM_DATABASE_URL, else a [connections.gtm] url secret, else None (the embedded SQLite file)."""
    if os.environ.get("GTM_DATABASE_URL"):
        return os.environ["GTM_DATABASE_URL"]
    try:
        return str(st.secrets["connections"]["gtm"]["url"])
    except (KeyError, FileNotFoundError):
        # KeyError: no such secret. FileNotFoundError: Streamlit's StreamlitSecretNotFoundError (a
        # subclass), raised when there is no secrets file at all.
        return None


def _seeding_demo() -> bool:
    return os.environ.get("GTM_SEED_DEMO", "1").strip().lower() not in ("0", "false", "no", "off")


def demo_offered() -> bool:
    """Whether the demo workspace holds the bundled demo portfolio (GTM_SEED_DEMO is not off)."""
    return _seeding_demo()


@st.cache_resource(show_spinner="Opening the portfolio database…")
def _open_store(url: str | None, workspace: str) -> Store:
    store = open_store(url, workspace)
    if workspace == DEMO and _seeding_demo():
        seed_demo(store)  # only fills an empty demo workspace; main is never seeded
    return store


_CHOSEN = "gtm_workspace"


def workspace() -> str:
    """The workspace this session views: ?workspace=NAME, else the one chosen before, else main when it holds a
    portfolio (or the demo is not seeded, GTM_SEED_DEMO=0) and demo when it does not."""
    asked = st.query_params.get("workspace")
    if asked in WORKSPACES:
        st.session_state[_CHOSEN] = asked
    name = st.session_state.get(_CHOSEN)
    if name not in WORKSPACES:
        name = DEMO if _seeding_demo() and _open_store(database_url(), MAIN).is_empty() else MAIN
        st.session_state[_CHOSEN] = name
    return str(name)


def use_workspace(name: str) -> None:
    """View workspace ``name`` from now on, and say so in the address bar, so a copied link opens it too."""
    st.session_state[_CHOSEN] = name
    if st.query_params.get("workspace") != name:
        st.query_params["workspace"] = name


def store(workspace_name: str | None = None) -> Store:
    """The shared store of a workspace (default: the one this session views) for this server process."""
    name = workspace_name or workspace()
    return _once(("store", name), lambda: _open_store(database_url(), name))


# What a script run has read of a store: its versions and active matrix, read once per run. A page asks for them a
# dozen times (every amount asks for the currency, which is keyed on the portfolio version): one query instead of
# fifteen. Writes go through widgets.run_action, which reruns, so a run never reads its own writes through this.
_RUN = threading.local()
T = TypeVar("T")


def begin_run() -> None:
    """A new script run (app.py; a fragment's own run): the store's versions and active matrix are read again."""
    _RUN.read = {}


def _once(key: tuple[str, ...], read: Callable[[], T]) -> T:
    memo: dict[tuple[str, ...], Any] | None = getattr(_RUN, "read", None)
    if memo is None:  # outside a run app.py began (a component run on its own): read every time
        return read()
    if key not in memo:
        memo[key] = read()
    return cast(T, memo[key])


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


@dataclass(frozen=True)
class PortfolioData:
    """Everything a page reads, computed once per data version and matrix."""

    accounts: pd.DataFrame
    business_units: pd.DataFrame
    opportunities: pd.DataFrame
    decisions: pd.DataFrame
    assessed: pd.DataFrame
    recommendations: pd.DataFrame
    account_table: pd.DataFrame  # portfolio.account_summary: no decision columns (see decisions)
    matrix: ApproachMatrix
    matrix_name: str
    version: int
    portfolio_version: int  # the version the frames were read at: what derived views are keyed on too
    quarantined: pd.DataFrame  # stored values the engine cannot use: row, account_id, column, value, reason
    draft: bool = False  # judged against a band edit not saved: no account table, no recommendation sentences
    list_id: int = 0  # the saved account list (version) the frames are filtered to; 0: every account


# The big frames are held once per process (st.cache_resource: shared, never copied or pickled per read) and
# treated as read-only by every page. They are keyed by the portfolio version, which a decision, review or matrix
# version does not change, so recording a decision re-reads only the decisions.
@st.cache_resource(max_entries=2, show_spinner="Reading the portfolio…")
def _portfolio(url: str | None, workspace_name: str, portfolio_version: int) -> dict[str, pd.DataFrame]:
    # From the version's snapshot on disk when there is one (a server's first run after a start or an import);
    # otherwise diagnosed from the stored rows, which this process keeps while only overrides, rules or rates change.
    s = _open_store(url, workspace_name)
    return portfolio_service.frames(s, save_in_background=True, rows=lambda: _rows(url, workspace_name, s.rows_version()))


@st.cache_resource(max_entries=2, show_spinner="Reading the portfolio…")
def _rows(url: str | None, workspace_name: str, rows_version: int) -> dict[str, pd.DataFrame]:
    """The stored rows as read (shared; the diagnosed frames share their columns, so keeping both costs little)."""
    return portfolio_service.stored_rows(_open_store(url, workspace_name))


def stored_opportunities(workspace_name: str | None = None) -> pd.DataFrame:
    """The stored opportunities as read, before any diagnosis (shared: read them, never change them)."""
    name = workspace_name or workspace()
    return _rows(database_url(), name, rows_version(name))["opportunities"]


@st.cache_resource(max_entries=4, show_spinner=False)
def _decisions(url: str | None, workspace_name: str, version: int) -> pd.DataFrame:
    return _open_store(url, workspace_name).decisions()


@st.cache_data(max_entries=8, show_spinner=False)
def _currency(url: str | None, workspace_name: str, version: int) -> str:
    return currency_service.reporting_currency(_open_store(url, workspace_name))


def currency(workspace_name: str | None = None) -> str:
    """The reporting currency (ISO code) every amount on every page is shown in: fmt.money(x, session.currency())."""
    name = workspace_name or workspace()
    return _once(("currency", name), lambda: _currency(database_url(), name, portfolio_version(name)))


@st.cache_data(max_entries=8, show_spinner=False)
def _won_weight(url: str | None, workspace_name: str, version: int) -> tuple[float, str | None]:
    s = _open_store(url, workspace_name)
    return outcomes_service.won_weight(s), outcomes_service.refused_won_weight(s)


def won_weight(workspace_name: str | None = None) -> float:
    """What a won deal weighs in this workspace's recommendations (a share of its amount): every page says it."""
    name = workspace_name or workspace()
    return _once(("won weight", name), lambda: _won_weight(database_url(), name, portfolio_version(name)))[0]


def refused_won_weight() -> str | None:
    """Why the stored won-deal weight is not used (the default stands in), or None."""
    name = workspace()
    return _once(("won weight", name), lambda: _won_weight(database_url(), name, portfolio_version(name)))[1]


@st.cache_resource(max_entries=2, show_spinner="Judging the portfolio…")
def _prepared(url: str | None, workspace_name: str,
              portfolio_version: int) -> tuple[portfolio.Prepared, Tally | None]:
    """What judging and recommending need under any matrix, once per portfolio version: the opportunities' codes and
    expected values, and their tally per account and nature. A band edit is then lookups and arithmetic."""
    raw = _portfolio(url, workspace_name, portfolio_version)
    # The won-deal weight is a setting: a change makes a new portfolio version, so this entry is keyed on it too.
    prepared = portfolio.prepare(raw["opportunities"], _won_weight(url, workspace_name, portfolio_version)[0])
    return prepared, portfolio.recommendation_tally(prepared.frame)


@st.cache_resource(max_entries=6, show_spinner="Judging the portfolio…")
def _judged(url: str | None, workspace_name: str, portfolio_version: int, matrix_json: str,
            rationale: bool) -> dict[str, pd.DataFrame]:
    """The portfolio under one matrix: a few category columns beside the shared frame's (no copy of its text).
    Without ``rationale`` (a draft's preview), the recommendations carry no sentence. Streamlit keys a cache entry
    on the arguments as passed (a keyword and a position differ): every call passes them all by position."""
    prepared, tallied = _prepared(url, workspace_name, portfolio_version)
    matrix = parse_matrix(json.loads(matrix_json))
    assessed = portfolio.judge(prepared, matrix)
    recs = portfolio.recommendations_of(tallied, matrix, _currency(url, workspace_name, portfolio_version),
                                        rationale=rationale)
    return {"assessed": assessed, "recommendations": recs}


@st.cache_resource(max_entries=4, show_spinner=False)
def _account_table(url: str | None, workspace_name: str, portfolio_version: int, matrix_json: str) -> pd.DataFrame:
    """Accounts with value, misfits and recommendation; keyed without the data version, so recording a decision
    does not rebuild it (decisions are in ``PortfolioData.decisions``)."""
    raw = _portfolio(url, workspace_name, portfolio_version)
    judged = _judged(url, workspace_name, portfolio_version, matrix_json, True)
    return portfolio.account_summary(raw["accounts"], judged["assessed"], judged["recommendations"])


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
    matrix_json = m.model_dump_json()
    raw = _portfolio(url, name, held)
    # A draft matrix (a band edit's preview) needs neither the recommendations' sentences nor an account table:
    # skipping them keeps the preview quick.
    judged = _judged(url, name, held, matrix_json, matrix is None)  # positional, as every call: one cache key
    if matrix is None and len(raw["quarantined"]):
        _show_quarantined(raw["quarantined"])
    table = _account_table(url, name, held, matrix_json) if matrix is None else pd.DataFrame()
    scope = 0 if every_account else list_scope()
    if scope:  # the sidebar's "Accounts" list: the same frames, its accounts only (cached per list version)
        listed = _listed(url, name, held, matrix_json, matrix is None, scope)
        if matrix is None:
            _say_list(scope, len(listed["accounts"]))
        return PortfolioData(listed["accounts"], raw["business_units"], listed["opportunities"],
                             _listed_decisions(url, name, version, scope, held),
                             listed["assessed"], listed["recommendations"], listed["account_table"], m,
                             active.name if matrix is None else m.name, version, held, raw["quarantined"],
                             matrix is not None, scope)
    return PortfolioData(raw["accounts"], raw["business_units"], raw["opportunities"], _decisions(url, name, version),
                         judged["assessed"], judged["recommendations"], table, m,
                         active.name if matrix is None else m.name, version, held, raw["quarantined"],
                         matrix is not None)


def whole(d: PortfolioData) -> dict[str, pd.DataFrame]:
    """The whole portfolio's shared frames at ``d``'s version, whatever list ``d`` is filtered to (accounts,
    business_units, opportunities): what a view over every account needs, e.g. the whitespace's peers. Read them,
    never change them."""
    return _portfolio(database_url(), workspace(), d.portfolio_version)


# What a page derives from the shared frames is cached too, per data and filters: ten sessions opening the
# Portfolio compute its figures once, and no page run copies the million-row frame to filter it.
@st.cache_resource(max_entries=16, show_spinner=False)
def _overview(url: str | None, workspace_name: str, portfolio_version: int, matrix_json: str,
              filters: tuple[tuple[str, ...], ...], rationale: bool) -> portfolio.Overview:
    return portfolio.overview(_view(url, workspace_name, portfolio_version, matrix_json, filters, rationale))


def _view(url: str | None, workspace_name: str, portfolio_version: int, matrix_json: str,
          filters: tuple[tuple[str, ...], ...], rationale: bool) -> pd.DataFrame:
    assessed = _judged(url, workspace_name, portfolio_version, matrix_json, rationale)["assessed"]
    bu, region, industry, fit = (list(f) for f in filters[:4])
    if len(filters) > 4:  # a fifth: the account list's id (the sidebar's "Accounts")
        listed = _list_ids(url, workspace_name, int(filters[4][0]), portfolio_version)
        assessed = assessed[assessed["account_id"].isin(listed)]
    return portfolio.filter_opportunities(assessed, bu=bu, region=region, industry=industry, fit=fit)


def _filters(bu: list[str], region: list[str], industry: list[str], fit: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(sorted(f)) for f in (bu, region, industry, fit))


def overview(d: PortfolioData, bu: list[str], region: list[str], industry: list[str],
             fit: list[str]) -> portfolio.Overview:
    """The Portfolio page's figures, cells, misfits and to-do list for ``d`` (the active matrix or a draft) and the
    filters."""
    return _overview(database_url(), workspace(), d.portfolio_version, d.matrix.model_dump_json(),
                     _filters(bu, region, industry, fit) + _in_list(d), not d.draft)


# The Matrix page under the active matrix and a draft: each side's figures, and what the draft changes, once per
# band; the cells and the not-yet-diagnosed strip are the same under every band (where an opportunity stands does not
# depend on it), so a band edit recomputes neither.
@st.cache_resource(max_entries=8, show_spinner=False)
def _figures(url: str | None, workspace_name: str, portfolio_version: int, matrix_json: str, rationale: bool,
             list_id: int) -> portfolio.Figures:
    return portfolio.figures(_assessed(url, workspace_name, portfolio_version, matrix_json, rationale, list_id))


def _assessed(url: str | None, workspace_name: str, portfolio_version: int, matrix_json: str, rationale: bool,
              list_id: int) -> pd.DataFrame:
    if list_id:
        return _listed(url, workspace_name, portfolio_version, matrix_json, rationale, list_id)["assessed"]
    return _judged(url, workspace_name, portfolio_version, matrix_json, rationale)["assessed"]


@st.cache_resource(max_entries=8, show_spinner=False)
def _refigured(url: str | None, workspace_name: str, portfolio_version: int, matrix_json: str, rationale: bool,
               list_id: int, like_json: str) -> portfolio.Figures:
    same = _figures(url, workspace_name, portfolio_version, like_json, True, list_id)
    return portfolio.refigured(same, _assessed(url, workspace_name, portfolio_version, matrix_json, rationale, list_id))


def figures(d: PortfolioData, like: PortfolioData | None = None) -> portfolio.Figures:
    """The headline figures of ``d`` (its matrix, the active one or a draft; its account list), computed once.
    ``like``: the same portfolio under the active matrix, whose figures a band edit's preview starts from (only the
    fits are counted again)."""
    if like is not None and not like.draft and like.list_id == d.list_id:
        return _refigured(database_url(), workspace(), d.portfolio_version, d.matrix.model_dump_json(), not d.draft,
                          d.list_id, like.matrix.model_dump_json())
    return _figures(database_url(), workspace(), d.portfolio_version, d.matrix.model_dump_json(), not d.draft,
                    d.list_id)


@st.cache_resource(max_entries=4, show_spinner=False)
def _cells(url: str | None, workspace_name: str, portfolio_version: int, matrix_json: str, rationale: bool,
           list_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    assessed = _assessed(url, workspace_name, portfolio_version, matrix_json, rationale, list_id)
    return portfolio.cell_summary(assessed), portfolio.undiagnosed_summary(assessed)


def cells(d: PortfolioData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The matrix cells (count and value per nature and approach) and the not-yet-diagnosed strip of ``d``, once per
    portfolio version and account list (shared: read them only). They are the same under every band: pass the data
    under the active matrix, and a band edit reuses them."""
    return _cells(database_url(), workspace(), d.portfolio_version, d.matrix.model_dump_json(), not d.draft,
                  d.list_id)


@st.cache_resource(max_entries=4, show_spinner=False)
def _effect(url: str | None, workspace_name: str, portfolio_version: int, active_json: str, draft_json: str,
            list_id: int) -> portfolio.MatrixEffect:
    def side(matrix_json: str, rationale: bool) -> dict[str, pd.DataFrame]:
        if list_id:
            return _listed(url, workspace_name, portfolio_version, matrix_json, rationale, list_id)
        return _judged(url, workspace_name, portfolio_version, matrix_json, rationale)

    before, after = side(active_json, True), side(draft_json, False)
    return portfolio.compare(before["assessed"], after["assessed"], before["recommendations"],
                             after["recommendations"])


def effect(active: PortfolioData, draft: PortfolioData) -> portfolio.MatrixEffect:
    """What the ``draft``'s band changes against the ``active`` matrix (the Matrix page's preview), once per band."""
    return _effect(database_url(), workspace(), active.portfolio_version, active.matrix.model_dump_json(),
                   draft.matrix.model_dump_json(), active.list_id)


@st.cache_resource(max_entries=16, show_spinner=False)
def _cell(url: str | None, workspace_name: str, portfolio_version: int, matrix_json: str,
          filters: tuple[tuple[str, ...], ...], rationale: bool, nature: str, approach: str) -> drill.CellMembers:
    return drill.cell_members(_view(url, workspace_name, portfolio_version, matrix_json, filters, rationale),
                              nature, approach)


def cell(d: PortfolioData, bu: list[str], region: list[str], industry: list[str], fit: list[str], nature: str,
         approach: str) -> drill.CellMembers:
    """The accounts and opportunities in one cell of the Portfolio page's matrix (same data and filters)."""
    return _cell(database_url(), workspace(), d.portfolio_version, d.matrix.model_dump_json(),
                 _filters(bu, region, industry, fit) + _in_list(d), not d.draft, nature, approach)


@st.cache_resource(max_entries=4, show_spinner=False)
def _options(url: str | None, workspace_name: str, portfolio_version: int) -> dict[str, list[str]]:
    opportunities = _portfolio(url, workspace_name, portfolio_version)["opportunities"]
    return {c: sorted(str(v) for v in opportunities[c].dropna().unique()) if c in opportunities else []
            for c in ("bu", "region", "industry")}


def filter_options(d: PortfolioData, column: str) -> list[str]:
    """The distinct values of an opportunity column (bu, region or industry) for a filter widget, sorted."""
    return _options(database_url(), workspace(), d.portfolio_version)[column]


@st.cache_resource(max_entries=8, show_spinner=False)
def _review_queue(url: str | None, workspace_name: str, portfolio_version: int, version: int, matrix_json: str,
                  bus: tuple[str, ...]) -> tuple[pd.DataFrame, portfolio.Figures]:
    raw = _portfolio(url, workspace_name, portfolio_version)
    assessed = _judged(url, workspace_name, portfolio_version, matrix_json, True)["assessed"]
    queue = portfolio.review_queue(raw["accounts"], assessed, _decisions(url, workspace_name, version), list(bus),
                                   parse_matrix(json.loads(matrix_json)), _open_store(url, workspace_name).reviews())
    return queue, portfolio.figures(assessed[assessed["bu"].isin(bus)])


def review_queue(d: PortfolioData, bus: Sequence[str]) -> tuple[pd.DataFrame, portfolio.Figures]:
    """The Review page's queue for ``bus`` (one BU, or a BU head's several; shared: read it, never change it): each
    account once, those waiting for a verdict of ``bus`` first (``waiting``, ``waiting_on``, ``my_verdict``), then
    by value at stake; and the figures of those BUs."""
    queue, figures = _review_queue(database_url(), workspace(), d.portfolio_version, d.version,
                                   d.matrix.model_dump_json(), tuple(sorted(bus)))
    if d.list_id:  # the account list's accounts only (the BUs' figures stay the whole BUs')
        listed = _list_ids(database_url(), workspace(), d.list_id, d.portfolio_version)
        queue = queue[queue["account_id"].isin(listed)]
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


# ---------------------------------------------------------------------------------------------- account lists
# The sidebar's "Accounts" chooser (?list=NAME) filters every page to a saved list's latest version (the Key
# accounts page saves them). The filtered frames are cached per list version: 100,000 accounts are filtered once.
_LIST = "gtm_list"


@st.cache_resource(max_entries=4, show_spinner=False)
def _list_versions(url: str | None, workspace_name: str, version: int) -> pd.DataFrame:
    return lists_service.list_versions(_open_store(url, workspace_name))


@st.cache_resource(max_entries=16, show_spinner=False)
def _list_ids(url: str | None, workspace_name: str, list_id: int, portfolio_version: int) -> pd.Index:
    """A saved list version's account ids. A version never changes, but a portfolio reset deletes every list and
    SQLite may give a deleted id to a new one: keyed on the portfolio version too."""
    return pd.Index(lists_service.members(_open_store(url, workspace_name), list_id))


def list_names() -> list[str]:
    """The saved lists' names, the latest saved first."""
    frame = _list_versions(database_url(), workspace(), data_version())
    return list(dict.fromkeys(frame["name"].astype(str))) if len(frame) else []


def chosen_list() -> str | None:
    """The list this session is filtered to: ?list=NAME, else the one chosen before; None (every account) when
    none is chosen or the name is not saved in this workspace."""
    asked = st.query_params.get("list")
    if asked is not None:
        st.session_state[_LIST] = asked or None
    name = st.session_state.get(_LIST)
    return str(name) if name and name in list_names() else None


def use_list(name: str | None) -> None:
    """Filter every page to list ``name`` (None: every account) and say so in the address bar."""
    st.session_state[_LIST] = name
    if name:
        if st.query_params.get("list") != name:
            st.query_params["list"] = name
    elif "list" in st.query_params:
        del st.query_params["list"]


def list_scope() -> int:
    """The id of the chosen list's latest version (0: every account): the cache key of the filtered frames."""
    name = chosen_list()
    if name is None:
        return 0
    frame = _list_versions(database_url(), workspace(), data_version())
    return int(frame.loc[frame["name"] == name, "list_id"].iloc[0])  # newest first


def _in_list(d: PortfolioData) -> tuple[tuple[str, ...], ...]:
    return ((str(d.list_id),),) if d.list_id else ()


@st.cache_resource(max_entries=4, show_spinner=False)
def _listed(url: str | None, workspace_name: str, portfolio_version: int, matrix_json: str, rationale: bool,
            list_id: int) -> dict[str, pd.DataFrame]:
    ids = _list_ids(url, workspace_name, list_id, portfolio_version)
    raw = _portfolio(url, workspace_name, portfolio_version)
    judged = _judged(url, workspace_name, portfolio_version, matrix_json, rationale)

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["account_id"].isin(ids)] if "account_id" in frame else frame

    table = _account_table(url, workspace_name, portfolio_version, matrix_json) if rationale else pd.DataFrame()
    return {"accounts": keep(raw["accounts"]), "opportunities": keep(raw["opportunities"]),
            "assessed": keep(judged["assessed"]), "recommendations": keep(judged["recommendations"]),
            "account_table": keep(table)}


@st.cache_resource(max_entries=4, show_spinner=False)
def _listed_decisions(url: str | None, workspace_name: str, version: int, list_id: int,
                      portfolio_version: int) -> pd.DataFrame:
    decisions = _decisions(url, workspace_name, version)
    return decisions[decisions["account_id"].isin(_list_ids(url, workspace_name, list_id, portfolio_version))]


def _say_list(list_id: int, accounts: int) -> None:
    """One caption on every page: which list it is filtered to."""
    frame = _list_versions(database_url(), workspace(), data_version())
    row = frame[frame["list_id"] == list_id].iloc[0]
    st.caption(f":material/filter_alt: Filtered to the list **{plain(row['name'])}** v{int(row['version'])} "
               f"({accounts:,} accounts); choose *all* under Accounts in the sidebar to see every account.")


# ---------------------------------------------------------------------------------------------- the first hour
@st.cache_resource(max_entries=8, show_spinner=False)
def _progress(url: str | None, workspace_name: str, portfolio_version: int, version: int,
              matrix_json: str) -> progress_service.Progress:
    raw = _portfolio(url, workspace_name, portfolio_version)
    judged = _judged(url, workspace_name, portfolio_version, matrix_json, True)
    return progress_service.progress(raw["accounts"], judged["assessed"], judged["recommendations"],
                                     _decisions(url, workspace_name, version))


def progress(workspace_name: str | None = None) -> progress_service.Progress:
    """The first hour's checklist of a workspace (default: the one on view), over every account and the active
    matrix; computed once per data version."""
    name = workspace_name or workspace()
    return _progress(database_url(), name, portfolio_version(name), data_version(name),
                     active_matrix(name).matrix.model_dump_json())


def set_up(workspace_name: str | None = None) -> bool:
    """Whether a workspace is set up, so that its root opens Portfolio rather than Start: the demo always, another
    once every step of its first hour is done."""
    name = workspace_name or workspace()
    return name == DEMO or progress(name).complete
