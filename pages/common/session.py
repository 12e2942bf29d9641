"""Start-up and the data boundary: one store per workspace and server process, portfolio data cached per
workspace and data version.

Caching is keyed on the workspace, the database's data version and the matrix's fingerprint, so an
interaction recomputes only what changed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import pandas as pd
import streamlit as st

from gtm.display import count, plain
from gtm.domain.types import ApproachMatrix
from gtm.services.views import portfolio as views
from gtm.services.views.keys import filters_key, matrix_key
from gtm.services.workspaces import DEMO, MAIN, WORKSPACES, ActiveMatrix, Store, demo_seeded
from pages.common import cache

PortfolioData = views.PortfolioData
__all__ = ["DEMO", "MAIN", "WORKSPACES", "PortfolioData"]


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


def demo_offered() -> bool:
    """Whether the demo workspace holds the bundled demo portfolio (GTM_SEED_DEMO is not off)."""
    return demo_seeded()


def _open_store(url: str | None, workspace: str) -> Store:
    return cache.store(url, workspace, demo_seeded())


_CHOSEN = "gtm_workspace"


def workspace() -> str:
    """The workspace this session views: ?workspace=NAME, else the one chosen before, else main when it holds a
    portfolio (or the demo is not seeded, GTM_SEED_DEMO=0) and demo when it does not."""
    asked = st.query_params.get("workspace")
    if asked in WORKSPACES:
        st.session_state[_CHOSEN] = asked
    name = st.session_state.get(_CHOSEN)
    if name not in WORKSPACES:
        name = DEMO if demo_seeded() and _open_store(database_url(), MAIN).is_empty() else MAIN
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



# ---------------------------------------------------------------------------------------------- the portfolio
# Every read below is a function of gtm.services.views, cached in pages/common/cache/ under the keys this module
# holds for the session (the workspace, its versions, the matrix in use, the account list chosen).


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


# ---------------------------------------------------------------------------------------------- account lists
# The sidebar's "Accounts" chooser (?list=NAME) filters every page to a saved list's latest version (the Key
# accounts page saves them). The filtered frames are cached per list version: 100,000 accounts are filtered once.
_LIST = "gtm_list"


def _list_versions() -> pd.DataFrame:
    return cache.list_versions(database_url(), workspace(), data_version())


def list_names() -> list[str]:
    """The saved lists' names, the latest saved first."""
    frame = _list_versions()
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
    frame = _list_versions()
    return int(frame.loc[frame["name"] == name, "list_id"].iloc[0])  # newest first


def _say_list(list_id: int, accounts: int) -> None:
    """One caption on every page: which list it is filtered to."""
    frame = _list_versions()
    row = frame[frame["list_id"] == list_id].iloc[0]
    st.caption(f":material/filter_alt: Filtered to the list **{plain(row['name'])}** v{int(row['version'])} "
               f"({accounts:,} accounts); choose *all* under Accounts in the sidebar to see every account.")


# ---------------------------------------------------------------------------------------------- the first hour
def progress(workspace_name: str | None = None) -> views.Progress:
    """The first hour's checklist of a workspace (default: the one on view), over every account and the active
    matrix; computed once per data version."""
    name = workspace_name or workspace()
    return cache.progress(database_url(), name, portfolio_version(name), data_version(name),
                          matrix_key(active_matrix(name).matrix))


def set_up(workspace_name: str | None = None) -> bool:
    """Whether a workspace is set up, so that its root opens Portfolio rather than Start: the demo always, another
    once every step of its first hour is done."""
    name = workspace_name or workspace()
    return name == DEMO or progress(name).complete
