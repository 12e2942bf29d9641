"""The Review page's scope, filters and what the queue holds: the BUs reviewed, the filters over the queue, and the
choice between what waits for a verdict and every flagged account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from gtm.display import count, money, plain, plural
from gtm.domain.types import Actor, Role
from gtm.export import charts
from gtm.services.views import portfolio
from pages.common import session, widgets
from pages.common.review import keys


@dataclass(frozen=True)
class Scope:
    """The BUs whose verdicts are reviewed here (a BU head's several, or one), and the names people read them by."""

    bus: list[str]
    bu_names: dict[str, str]

    def named(self, codes: Sequence[str]) -> str:
        """BUs as people read them: "Automation Systems", "Automation Systems and Drives" (names, plain text)."""
        names = [str(self.bu_names.get(c, c)) for c in codes]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    @property
    def several(self) -> bool:
        """A head of several BUs: one verdict may be owed for each."""
        return len(self.bus) > 1

    @property
    def whose(self) -> str:
        """Whose verdict the queue waits for, in words."""
        return f"BU {self.named(self.bus)}" if not self.several else f"your BUs ({self.named(self.bus)})"


@dataclass(frozen=True)
class Filters:
    """What the queue is filtered to."""

    fits: list[str]
    min_steps: int
    min_value: float


def no_selection() -> None:
    """Forget the table's selection (its positions would mean other rows)."""
    st.session_state[keys.TABLE] = {"selection": {"rows": [], "columns": []}}


def _new_bu() -> None:
    no_selection()
    st.session_state.pop(keys.SHOW_CHOSEN, None)  # the next BU opens on what waits for it, if anything does


def _new_view() -> None:
    no_selection()
    st.session_state[keys.SHOW_CHOSEN] = True


def heads_bus(who: Actor, bus: list[str]) -> list[str] | None:
    """A BU head reviews the BUs their role assignment names, all at once: those of ``bus``; None when none is theirs
    (said). Anyone else: no BU yet (they choose one)."""
    if who.role != Role.BU_HEAD:
        return []
    mine = [b for b in bus if b in who.bus]
    if not mine:
        st.info("No BU of this portfolio is assigned to you yet; ask an administrator to add yours.",
                icon=":material/inbox:")
        return None
    return mine


def clear_after_verdict() -> None:
    """A verdict was recorded: start the next choice afresh."""
    if st.session_state.pop(keys.CLEAR, False):
        no_selection()
        st.session_state[keys.COMMENT] = ""
        st.session_state[keys.CONFIRM] = False
        for key in [k for k in st.session_state if str(k).startswith(keys.PER_BU)]:
            del st.session_state[key]


def show_filters(mine: list[str], bus: list[str], bu_names: dict[str, str]) -> tuple[Scope, Filters]:
    """The BUs reviewed (a BU head's ``mine``, else one of ``bus`` chosen) and the filters over their queue."""
    c1, c2, c3, c4 = st.columns([2, 2, 1, 2])
    scope = Scope(mine, bu_names)
    if mine:
        c1.markdown(f"**{'Your BU' if len(mine) == 1 else 'Your BUs'}**  \n{plain(scope.named(mine))}")
    else:  # an administrator stands in for one BU's head; everyone else reads one BU's queue
        scope = Scope([c1.selectbox("BU", bus, format_func=widgets.names(bus, bu_names), key=keys.BU,
                                    on_change=_new_bu)], bu_names)
    fits = c2.multiselect("Fit", ["overkill", "insufficient"], format_func=charts.fit_badge, key=keys.FIT,
                          on_change=no_selection)
    min_steps = c3.number_input("Min. steps", min_value=1, max_value=6, value=1, key=keys.STEPS,
                                on_change=no_selection)
    min_value = c4.number_input(f"Min. value at stake ({session.currency()})", min_value=0, value=0, step=100_000,
                                key=keys.VALUE, on_change=no_selection)
    return scope, Filters(fits, int(min_steps), float(min_value))


def show_summary(queue: pd.DataFrame, scope: Scope, reviewer: bool, left_out: str) -> pd.DataFrame:
    """The choice between what waits for a verdict and every flagged account, and what it lists; the rows chosen."""
    waiting = int(queue["waiting"].sum())
    mine = "my verdict" if reviewer else f"{scope.named(scope.bus)}'s verdict"
    if not st.session_state.get(keys.SHOW_CHOSEN):  # until the person picks a view, it follows what waits
        st.session_state[keys.SHOW] = "waiting" if waiting else "all"
    show = st.radio("Show", ["waiting", "all"], horizontal=True, key=keys.SHOW,
                    label_visibility="collapsed", on_change=_new_view,
                    format_func={"waiting": f"Waiting for {plain(mine)} ({waiting})",
                                 "all": f"All flagged accounts ({len(queue)})"}.__getitem__)
    rows = portfolio.waiting_rows(queue, show == "waiting")
    at_stake = plain(money(float(rows["value_at_stake"].sum()) if len(rows) else 0.0, session.currency()))
    st.markdown(f"**{count(len(rows), 'account')}** listed, **{at_stake}** at stake; **{count(waiting, 'decision')}** "
                f"{plural(waiting, 'waits', 'wait')} for the verdict of {plain(scope.whose)}.")
    if left_out:
        st.caption(plain(f"{'In your BUs' if scope.several else 'In this BU'}: {left_out}"))
    return rows
