"""Building a scenario on the Scenarios page: choose the accounts and the start point, change structures in the
editor, save under a name."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from gtm import display
from gtm.display import count, plain
from gtm.domain import types
from gtm.domain.types import Action, Actor, Assumptions, GtmError
from gtm.services import design
from pages.common import cache, design_inputs, session, widgets
from pages.common.scenarios import keys

EDITABLE = 500  # accounts in the editor (largest pipeline value first); the others keep the start point's structure
STRUCTURE = "Structure in this scenario"


def keep_choices(choices: dict[str, str], options: list[str]) -> None:
    """The choosers' values kept valid: a save just made is built on and compared as B; a scope, a start point or a
    plan no longer offered falls back to its default."""
    newest = next((k for k in choices if k.startswith(design.SCENARIO_PREFIX)), None)  # scenarios come newest first
    if st.session_state.pop(keys.SAVED, None) and newest:  # a save just made: build on it, and compare it as B
        st.session_state[keys.START] = st.session_state[keys.B] = newest
        st.session_state[keys.GEN] = st.session_state.get(keys.GEN, 0) + 1
    if st.session_state.get(keys.SCOPE_KEPT) not in options:  # kept apart: presentation mode draws no scope chooser
        st.session_state[keys.SCOPE_KEPT] = design_inputs.default_scope()
    if st.session_state.get(keys.START) not in choices:
        st.session_state[keys.START] = design.RECOMMENDED
    if st.session_state.get(keys.A) not in choices:
        st.session_state[keys.A] = design.CURRENT
    if st.session_state.get(keys.B) not in choices:
        st.session_state[keys.B] = newest or design.RECOMMENDED


def in_scope(table: pd.DataFrame, scope: str) -> list[str]:
    """The stored accounts of a scope, in the account table's order."""
    every = table["account_id"].astype(str)
    ids = design_inputs.scope_ids(scope)
    return every.tolist() if ids is None else every[every.isin(ids)].tolist()


def _fresh() -> None:
    """A new scope or start point: the editor starts again from it."""
    st.session_state[keys.GEN] = st.session_state.get(keys.GEN, 0) + 1
    if keys.SCOPE in st.session_state:
        st.session_state[keys.SCOPE_KEPT] = st.session_state[keys.SCOPE]


def _structures(plan: pd.Series, edited: pd.DataFrame) -> pd.DataFrame:
    """What is saved: the editor's rows first, in its order (a message's row number is the editor's), then the rest
    of the scope at the start point's structure."""
    shown = pd.Index(edited["Account ID"])
    return pd.concat([
        pd.DataFrame({"account_id": shown.to_numpy(), "approach": edited[STRUCTURE].to_numpy()}),
        pd.DataFrame({"account_id": plan.index.difference(shown, sort=False).to_numpy(),
                      "approach": plan.drop(shown).to_numpy()}),
    ], ignore_index=True)


def show_build(d: session.PortfolioData, who: Actor, a: Assumptions | None, choices: dict[str, str],
               options: list[str], scope_accounts: Callable[[str], list[str]]) -> None:
    """Choose the accounts and the start point, change structures in the editor, save under a name."""
    cur = session.currency()
    pipeline = f"Pipeline value ({cur})"  # the editor's read-only amount, written as the page's figures
    st.subheader("Build a scenario", anchor=False)
    c1, c2 = st.columns(2)
    if st.session_state.get(keys.SCOPE) not in options:
        st.session_state[keys.SCOPE] = st.session_state[keys.SCOPE_KEPT]
    scope = c1.selectbox("Accounts", options, key=keys.SCOPE, format_func=design_inputs.scope_label,
                         on_change=_fresh, help="Every account, or a saved list (the Key accounts page saves the "
                                                "focus list). Plans of every account are compared over these too.")
    st.session_state[keys.SCOPE_KEPT] = scope
    start = c2.selectbox("Start from", list(choices), key=keys.START, format_func=choices.__getitem__,
                         on_change=_fresh, help="The structures the editor starts from: the recommendation, the "
                                                "latest decisions, the current structures or a saved scenario")
    try:
        plan, notes, frame = cache.scenario_start(
            session.database_url(), session.workspace(), d.version, d.portfolio_version, d.matrix.model_dump_json(),
            scope, start, cur, a.model_dump_json() if start == design.PAYING and a is not None else "", EDITABLE,
            STRUCTURE, d, scope_accounts)
    except GtmError as exc:
        widgets.show_error(exc)
        return
    if frame.empty:
        st.info("The list holds no stored account: choose other accounts.", icon=":material/info:")
        return
    total = len(plan)
    may_save = who.can(Action.SAVE_SCENARIO)
    gen = st.session_state.get(keys.GEN, 0)
    st.caption(f"**{total:,}** accounts, largest pipeline value first. Change a structure in the column "
               f"*{STRUCTURE}*." if total <= EDITABLE else
               f"The **{EDITABLE:,}** accounts with the largest pipeline value of **{total:,}**: the other "
               f"{total - EDITABLE:,} keep the start point's structure in the scenario.")
    edited = st.data_editor(
        # The pipeline value (never edited) written as the page's figures are, as text: the rows are by value.
        frame.assign(**{pipeline: widgets.money_text(frame[pipeline], cur)}), key=f"{keys.ROWS}{gen}",
        hide_index=True, width="stretch", height=320,
        disabled=list(frame.columns) if not may_save else [c for c in frame.columns if c != STRUCTURE],
        column_config={
            "Account": st.column_config.TextColumn(width=170, pinned=True),
            pipeline: st.column_config.TextColumn(width=135, alignment="right",
                                                  help="The amounts of the account's opportunities summed"),
            "Today": st.column_config.TextColumn(width=125, help="The current structure (none recorded: the "
                                                                "lightest, as on every page)"),
            "Recommended": st.column_config.TextColumn(width=125, help="The structure recommended for the "
                                                                      "account's opportunities"),
            STRUCTURE: st.column_config.SelectboxColumn(options=list(types.APPROACHES.labels), required=True,
                                                        width=400, help="The structure this scenario gives the "
                                                                        "account (lightest first)"),
            "Account ID": st.column_config.TextColumn(width=90),
        })
    changed = int((edited[STRUCTURE].astype(object) != frame[STRUCTURE]).sum())
    st.caption(f"{count(changed, 'account')} changed from the start point."
               + "".join(f" {plain(n)}" for n in notes))
    if not may_save:
        st.caption(display.may(Action.SAVE_SCENARIO, "Saving a scenario"))
        return
    c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    # No max_chars: a longer name pasted in would be cut without a word; the service says what is accepted.
    name = c1.text_input("Scenario name", key=keys.NAME, placeholder="e.g. Lean",
                         help="Saving a name again makes its next version; earlier versions are kept.")
    note = c2.text_input("Note", key=keys.NOTE, max_chars=design.MAX_NOTE, placeholder="What this scenario tries")
    if c3.button("Save scenario", type="primary", key=keys.SAVE, width="stretch", icon=":material/save:"):
        widgets.run_action(
            lambda: design.save_scenario(session.store(), who, name, _structures(plan, edited), scope=scope or None,
                                         base=choices[start], note=note),
            toast=f"Saved the scenario '{plain(name.strip())}'", flags={keys.SAVED: True})
