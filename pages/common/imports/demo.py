"""Reloading the demo portfolio: only its own workspace, after typing its name."""

from __future__ import annotations

import streamlit as st

from gtm.domain.types import Actor
from gtm.services.demo import seed_demo
from pages.common import session, widgets
from pages.common.imports import keys


def show_demo_reload(who: Actor, room: str | None) -> None:
    """What a reload deletes and keeps, the confirmation box and the Reload button."""
    st.subheader("Demo portfolio", anchor=False)
    st.caption(f"The bundled demo portfolio lives in the **{session.DEMO}** workspace. Reloading it deletes every "
               f"account, opportunity, decision and review there, and nothing anywhere else: **{session.MAIN}**, "
               "your organisation's portfolio, is never touched (facilitators).")
    demo_round = st.session_state.get(keys.DEMO_ROUND, 0)  # a fresh, empty confirmation box after each reload
    typed = st.text_input(f"Type {session.DEMO} to confirm", key=keys.demo_confirm(demo_round),
                          placeholder=session.DEMO)
    if st.button("Reload the demo portfolio", key=keys.DEMO, disabled=typed.strip() != session.DEMO):

        def reloaded(_: object) -> dict[str, object]:
            if room is None:
                session.use_workspace(session.DEMO)
            return {keys.DEMO_ROUND: demo_round + 1}

        widgets.run_action(lambda: seed_demo(session.store(session.DEMO), reset=True, actor=who, confirm=typed),
                           toast="Demo portfolio reloaded", flags=reloaded)
