"""Small drawing helpers every page uses: errors for people, filter options, one way to run an action, charts
legible from the back of the room. The sidebar's choosers are in sidebar.py, uploads in uploads.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd
import streamlit as st

from gtm import incidents
from gtm.display import money, moneys, plain
from gtm.domain.types import DatabaseUnavailable, GtmError
from gtm.export import charts, tables
from pages.common import present

if TYPE_CHECKING:
    import plotly.graph_objects as go
    from pandas.io.formats.style import Styler

T = TypeVar("T")


MONEY_STYLED_CELLS = 60_000  # a larger table is sent as numbers: styling it would cost the run a second or more


def money_table(frame: pd.DataFrame, columns: Iterable[str] | Mapping[str, str | pd.Series],
                currency: str = "") -> pd.DataFrame | Styler:
    """``frame`` for st.dataframe with its money ``columns`` written as the page's figures are (fmt.money: "$11.6M",
    where Streamlit's compact format wrote "12M" for the same value), still numbers that sort as numbers.

    ``columns`` in ``currency`` (the reporting currency), or a mapping of column to its currency: a code, or a Series
    (the frame's index) naming each row's own. Give those columns a NumberColumn without a format: a column config's
    format would win over this one. A table of more than MONEY_STYLED_CELLS cells keeps its numbers whole (no page
    lists that many rows but an account's own opportunities)."""
    wanted = dict(columns) if isinstance(columns, Mapping) else dict.fromkeys(columns, currency)
    chosen = {c: cur for c, cur in wanted.items() if c in frame.columns}
    if not chosen or frame.empty or frame.size > MONEY_STYLED_CELLS:
        return frame
    styler = frame.style.hide(axis="index")  # no index cells rendered: half the Styler's cost (st.dataframe shows it)
    for column, cur in chosen.items():
        if isinstance(cur, str):
            styler = styler.format(partial(money, currency=cur), subset=[column], na_rep="")
            continue
        for code in cur.dropna().unique():
            rows = cur.index[cur == code]
            styler = styler.format(partial(money, currency=str(code)), subset=pd.IndexSlice[rows, [column]],
                                   na_rep="")
    return styler


def names(options: Iterable[T], named: Mapping[T, str] | Callable[[T], str]) -> Callable[[T], str]:
    """A widget's ``format_func``: each option's name (``named``'s; an option a mapping does not name, as itself),
    as the bound method of a dict made here. The widget keeps its format_func as long as the session shows it: a
    lambda written on a page would keep the page's whole namespace with it (every frame that run made), this keeps
    the names only."""
    table = {o: named(o) if callable(named) else named.get(o, str(o)) for o in options}
    return table.__getitem__


def dataframe(frame: pd.DataFrame, money: Iterable[str] | Mapping[str, str | pd.Series] | None = None,
              currency: str = "", *, slot: Any = None, **kwargs: Any) -> Any:
    """``st.dataframe`` (in ``slot``, default the page) of ``frame`` sending only the columns it shows. Streamlit
    sends every column of a frame and hides those not in ``column_order`` in the browser: an opportunity's signals and
    CRM columns cost more to convert, style and send than the rows shown. ``money``: the money columns, written as
    the page's figures are (``money_table``)."""
    order = kwargs.get("column_order")
    if order is not None:
        frame = frame[[c for c in dict.fromkeys(order) if c in frame.columns]]
    data = money_table(frame, money, currency) if money is not None else frame
    return (slot or st).dataframe(data, **kwargs)


def money_text(values: pd.Series, currency: str) -> pd.Series:
    """Amounts as text, written as the page's figures are, for an editor's read-only column (rows ordered by value).
    Editors take no Styler: with one, the grid drew slower and a browser flow's edit once landed on another row."""
    return pd.Series(moneys(values.astype(float).tolist(), currency), index=values.index, dtype=object) \
        .where(values.notna(), "")


def text_px() -> float:
    """The smallest text a chart may draw here, in CSS px: 14 in presentation mode (a projector at 1280x720, read
    from the back of the room), 12 otherwise."""
    return float(charts.PRESENT_TEXT_PX if present.presenting() else charts.SCREEN_TEXT_PX)


def chart(fig: go.Figure, *, key: str, **kwargs: Any) -> Any:
    """Draw a Plotly figure with no text under text_px() and, where the figure chose no colour, in the theme's text
    colour (charts.legible): every page draws its charts here. ``kwargs`` go to st.plotly_chart (in the current
    container, so ``with slot: widgets.chart(...)`` draws in a column)."""
    return st.plotly_chart(charts.legible(fig, text_px()), key=key, **kwargs)


def show_error(exc: Exception) -> None:
    """A user's mistake as a message, never a traceback. A database that cannot be opened is said in a plain
    sentence with an error id: the driver's words (host, port, role) go to the server's log only."""
    if isinstance(exc, DatabaseUnavailable):
        error_id = incidents.report(exc, f"opening the database: {exc.detail}")
        st.error(f"{plain(exc)} (error id {error_id})", icon=":material/error:")
        return
    st.error(plain(exc), icon=":material/error:")


def show_unexpected(exc: Exception, where: str) -> None:
    """A fault of ours: a short message with an error id; the trace goes to the server's log under that id."""
    st.error(incidents.message(incidents.report(exc, where)), icon=":material/error:")


@contextmanager
def unexpected_errors(where: str | Callable[[], str]) -> Iterator[None]:
    """Run a page body so that no traceback reaches the browser: a GtmError is said as is, anything else by id;
    either way the run stops there. st.stop and st.rerun pass through (they are not Exceptions).

    ``where`` names the place in the log; a function is called only when something fails.
    """
    try:
        yield
    except GtmError as exc:
        show_error(exc)
        st.stop()
    except Exception as exc:
        show_unexpected(exc, where() if callable(where) else where)
        st.stop()


def shared_multiselect(slot: Any, label: str, options: list[str], *, key: str, param: str,
                       format_func: Callable[[str], str] = str) -> list[str]:
    """A filter whose choice is in the address (``?param=a&param=b``), so a copied link opens the same view, and is
    kept when the person leaves the page and comes back. Values the options no longer hold are dropped."""
    kept = f"_{key}_kept"
    if key not in st.session_state:
        asked = [v for v in st.query_params.get_all(param) if v in options]
        st.session_state[key] = asked or [v for v in st.session_state.get(kept, []) if v in options]
    chosen: list[str] = slot.multiselect(label, options, key=key, format_func=format_func)
    st.session_state[kept] = chosen
    if chosen:
        if st.query_params.get_all(param) != chosen:
            st.query_params[param] = chosen
    elif param in st.query_params:
        del st.query_params[param]
    return chosen


def chosen_count(keys: tuple[str, ...]) -> int:
    """How many of the filters ``keys`` (shared_multiselect keys) hold a choice: for a button that opens them."""
    return sum(bool(st.session_state.get(k) or st.session_state.get(f"_{k}_kept")) for k in keys)


def shared_choice(options: list[str], *, key: str, param: str) -> list[str]:
    """What ``shared_multiselect`` would hold, without drawing it (presentation mode shows the view, not its
    filters): the address's choice, else the one kept from the last visit."""
    asked = [v for v in st.query_params.get_all(param) if v in options]
    return asked or [v for v in st.session_state.get(key, st.session_state.get(f"_{key}_kept", [])) if v in options]


def run_action(call: Callable[[], T], *, toast: str | None = None,
               flags: Mapping[str, Any] | Callable[[T], Mapping[str, Any]] | None = None,
               on_error: Callable[[], object] | None = None) -> None:
    """Run one service call; on success toast, set the session-state ``flags`` and rerun, on a GtmError say why,
    on anything else show an error id (the trace goes to the server's log).
    ``flags`` may be a function of the call's result. ``on_error`` tidies up (e.g. a progress bar) before the message.
    """
    try:
        result = call()
    except Exception as exc:
        if on_error is not None:
            on_error()
        if isinstance(exc, GtmError):
            show_error(exc)
        else:
            show_unexpected(exc, "an action")
        return
    if toast:
        st.toast(toast, icon=":material/check:")
    st.session_state.update(flags(result) if callable(flags) else flags or {})
    st.rerun()


# A fixed script, no data in it: the main area (Streamlit scrolls it, not the document) back to its top.
_TO_TOP = ("<script>document.querySelector('[data-testid=\"stMain\"]')?.scrollTo({top: 0, behavior: 'instant'})"
           "</script>")


def scroll_to_top() -> None:
    """Bring the top of the page into view: after an action at the foot of a long page (an import's button under its
    preview) whose result stands at the top, Streamlit keeps the place scrolled to, which the shorter page now fills
    with whatever came last."""
    st.html(_TO_TOP, unsafe_allow_javascript=True)


def european_csv(key: str) -> bool:
    """The session's one "CSV for European Excel" choice, as a toggle on this page: every page's CSV download
    follows it (kept outside the widget's own state, which Streamlit drops on a page without the toggle)."""
    european = st.toggle(tables.EUROPEAN_LABEL, value=bool(st.session_state.get(tables.EUROPEAN_SETTING, False)),
                         key=key, help=tables.EUROPEAN_HELP)
    st.session_state[tables.EUROPEAN_SETTING] = european
    return european
