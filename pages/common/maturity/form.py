"""Adding one's scores: a scope one may assess, a date, and each dimension from the losers' end to the winners' (or
not scored, which stays unknown), with a note."""

from __future__ import annotations

from datetime import date

import streamlit as st

from gtm.display import plain
from gtm.domain.types import ORGANISATION, Actor
from gtm.services import maturity
from gtm.services.workspaces import Store
from pages.common import widgets
from pages.common.maturity import keys

NOT_SCORED = "Not scored"


def show_scoring(store: Store, who: Actor, scope: str, scope_names: dict[str, str], allowed: list[str]) -> None:
    """The form of one person's scores; a save shows what it saved, with a fresh form."""
    gen = st.session_state.get(keys.GEN, 0)
    sc = maturity.scale()
    st.subheader("Add your scores", anchor=False)
    st.caption(f"For each dimension, choose where the scope stands today as you see it: {sc.low} is "
               f"the losers' end (left), {sc.high} the winners' end (right). Choose '{NOT_SCORED}' where you cannot "
               "judge: it stays unknown, never a middle score.")
    with st.form(keys.form(gen), border=True):
        f1, f2 = st.columns([2, 1])
        form_scope = f1.selectbox("Scope", allowed, index=allowed.index(scope) if scope in allowed else 0,
                                  format_func=widgets.names(allowed, scope_names), key=keys.form_scope(gen))
        form_day = f2.date_input("Date", value=date.today(), max_value=date.today(), min_value=maturity.EARLIEST,
                                 format="YYYY-MM-DD", key=keys.form_date(gen))
        chosen: dict[str, object] = {}
        for i, dim in enumerate(maturity.dimensions(), start=1):
            st.markdown(f"**{i}. {plain(dim.label)}**")
            left, middle, right = st.columns([3, 4, 3], vertical_alignment="center")
            left.markdown(plain(dim.losers), text_alignment="right")
            chosen[dim.code] = middle.segmented_control(
                f"{dim.label}: {dim.losers} (1) … {dim.winners} (5)", [*sc.points, NOT_SCORED],
                key=keys.score(dim.code, gen), label_visibility="collapsed", width="stretch")
            right.markdown(plain(dim.winners))
        note = st.text_area("Note (optional)", max_chars=maturity.MAX_NOTE, key=keys.note(gen), height=80,
                            placeholder="What you had in mind, an example")
        saved = st.form_submit_button("Save my scores", type="primary", key=keys.SAVE)
    if not saved:
        return
    missing = [d.label for d in maturity.dimensions() if chosen[d.code] is None]
    if missing:
        st.error(f"Choose a score from {sc.low} to {sc.high}, or '{NOT_SCORED}', for: {plain(', '.join(missing))}.",
                 icon=":material/error:")
        return
    scores = {code: None if value == NOT_SCORED else value for code, value in chosen.items()}
    widgets.run_action(
        lambda: maturity.record_assessment(store, who, form_scope, form_day, scores, note),
        toast="Saved your scores of " + plain("the organisation" if form_scope == ORGANISATION
                                              else scope_names.get(form_scope, form_scope)),
        flags={keys.PICK: (form_scope, form_day), keys.GEN: gen + 1})
