"""Which plan the Plan page shows: the default plan or a saved version, its start date and the accounts it is for
(fields for a facilitator, words for everyone else)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from gtm.display import plain
from gtm.domain.types import Plan
from gtm.services import lists, plans
from gtm.services.workspaces import Store
from pages.common.plan import keys

DEFAULT = "default"  # the source "the default plan of data/engagement_plan.json"


@dataclass(frozen=True)
class Shown:
    """The plan shown: its name, plan, start date, list name, and whether it is a saved version."""

    name: str
    base: Plan
    start: date
    list_name: str | None
    is_saved: bool


def source_key(name: str, version: int) -> str:
    """A saved version as a source."""
    return f"v{version}:{name}"


def load(store: Store, source: str) -> Shown:
    """The plan a source names; the default plan from next Monday when it names none (or a version gone)."""
    if source != DEFAULT:
        number, name = source[1:].split(":", 1)
        loaded = plans.plan_version(store, name, int(number))
        if loaded is not None:
            return Shown(name, *loaded, True)
    today = date.today()
    return Shown(plans.DEFAULT_NAME, plans.default_plan(), today + timedelta(days=-today.weekday() % 7), None, False)


def _new_source() -> None:
    st.session_state[keys.GEN] = st.session_state.get(keys.GEN, 0) + 1  # fresh fields, from the chosen plan


def _chosen_source(saved: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """The sources to choose from and their names; the session's source set to one of them."""
    sources = [DEFAULT] + [source_key(n, int(v)) for n, v in zip(saved["name"], saved["version"])]
    shown_names = {DEFAULT: "The default plan (the deck's three phases)"} | {
        source_key(n, int(v)): f"{n} · version {int(v)} · saved by {by}"
        for n, v, by in zip(saved["name"], saved["version"], saved["created_by"])}
    if keys.PICK in st.session_state:  # a save just made: show the version it wrote (set before the widget exists)
        st.session_state[keys.SOURCE] = st.session_state.pop(keys.PICK)
    if st.session_state.get(keys.SOURCE) not in sources:
        st.session_state[keys.SOURCE] = sources[1] if len(sources) > 1 else DEFAULT  # the latest saved, else default
    return sources, shown_names


def _for_list(store: Store, shown: Shown, gen: int, slot: st.delta_generator.DeltaGenerator) -> str | None:
    """The accounts a plan is for: a saved list, or any text; a new plan is for the focus list, when one exists."""
    saved_lists = lists.list_names(store)
    list_options = saved_lists["name"].astype(str).tolist()
    list_name = shown.list_name
    if list_name is None and not shown.is_saved:  # a new plan is for the focus accounts, when a focus list exists
        focus = saved_lists[saved_lists["stage"] == "focus"]
        list_name = str(focus["name"].iloc[0]) if len(focus) else None
    if list_name and list_name not in list_options:
        list_options.append(list_name)
    return slot.selectbox(
        "For accounts", list_options, index=list_options.index(list_name) if list_name else None,
        key=keys.for_list(gen), accept_new_options=True, placeholder="A saved list, or type who it is for",
        help="The accounts this plan is for: a list saved on the Key accounts page, or any text.") or None


def show_source(store: Store, saved: pd.DataFrame, gen: int, *, showing: bool, editing: bool) -> Shown:
    """The plan shown, its start date and the accounts it is for: fields for a facilitator, words otherwise."""
    sources, shown_names = _chosen_source(saved)
    if showing:
        shown = load(store, st.session_state[keys.SOURCE])
        if shown.list_name or shown.is_saved:
            st.markdown(f"**{plain(shown.name)}**" + (f" · for **{plain(shown.list_name)}**" if shown.list_name else ""))
        return shown
    c1, c2, c3 = st.columns([2, 1, 2])
    source = c1.selectbox("Plan shown", sources, key=keys.SOURCE, format_func=shown_names.__getitem__,
                          on_change=_new_source, help="The default plan, or a saved version; the fields below start "
                                                      "from it.")
    shown = load(store, source)
    if editing:
        start = c2.date_input("Start date", value=shown.start, key=keys.start(gen), format="YYYY-MM-DD",
                              min_value=plans.EARLIEST, max_value=plans.LATEST)
        return replace(shown, start=start, list_name=_for_list(store, shown, gen, c3))
    c2.markdown(f"**Start date**  \n{shown.start:%d %b %Y}")
    c3.markdown(f"**For accounts**  \n{plain(shown.list_name) if shown.list_name else 'not said'}")
    return shown
