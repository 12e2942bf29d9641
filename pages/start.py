"""Start: the first hour with a CRM export as a checklist. Each step says what the workspace holds, what is missing
and links to the page that fixes it."""

from __future__ import annotations

import streamlit as st

from gtm import display
from gtm.display import plain
from gtm.domain.types import Actor
from gtm.services.progress import Progress, Step
from pages.common import address, identity, navigation, present, session


def show_workspace(workspace: str) -> None:
    """Which portfolio the checklist is about; on the demo, the way to one's own (in presentation mode the room stays
    on its workspace: another is shown from the top of the page, which asks first)."""
    presenting = present.room() is not None
    if workspace == session.DEMO:
        main_empty = session.store(session.MAIN).is_empty()
        st.info(f"This is the **{session.DEMO}** workspace: the bundled demo portfolio, set up as an example. Your own "
                f"CRM export goes to **{session.MAIN}**" + (", which is still empty." if main_empty else ".")
                + (" The room stays on this workspace while presenting." if presenting else
                   " Its checklist is one click away:"), icon=":material/science:")
        if not presenting:
            st.page_link("pages/start.py", label=f"Start with your own portfolio ({session.MAIN})",
                         icon=":material/flag:", query_params=address.here(workspace=session.MAIN))
        return
    st.caption(f"Workspace **{plain(workspace)}**: your organisation's portfolio. Each step says what is missing and "
               "links to the page that fixes it.")
    if session.demo_offered() and session.store(workspace).is_empty() and not presenting:
        st.page_link("pages/portfolio.py", label="Or look around the demo portfolio first",
                     icon=":material/science:", query_params=address.here(workspace=session.DEMO))


def show_progress(p: Progress) -> None:
    """The bar, with the next step named; when every step is done, the way to Portfolio."""
    total, step = len(p.steps), p.next_step
    st.progress(p.done / total, text=f"{p.done} of {total} steps done"
                + (f" · next: {plain(step.in_sentence)}" if step is not None else ""))
    if step is None:
        st.success("Every step is done: the portfolio is set up. Portfolio shows the whole matrix.",
                   icon=":material/check_circle:")
        st.page_link("pages/portfolio.py", label="Open Portfolio", icon=":material/grid_view:",
                     query_params=address.here())


def show_step(number: int, step: Step, who: Actor) -> None:
    """One step: done or to do, its figures, what is missing and the link to the place that fixes it."""
    mark = ":green[:material/check_circle:]" if step.done else ":material/radio_button_unchecked:"
    text, link = st.columns([4, 1.3], vertical_alignment="center")
    lines = text.container(gap=None)
    lines.markdown(f"{mark} **{number}. {step.title}** · {'done' if step.done else 'to do'} · {plain(step.figures)}")
    if step.missing:
        lines.caption(plain(step.missing) + ("" if who.can(step.needs) else
                                             f" ({display.first_upper(display.roles_allowed(step.needs))} may do this.)"))
    navigation.step_link(step, link)


st.title("Start")
st.caption("The first hour with your CRM export, step by step: import the accounts and opportunities, say which "
           "BU and which stage each deal is at, diagnose their natures, then decide and review.")
workspace = session.workspace()
show_workspace(workspace)
progress = session.progress()
actor = identity.actor()
with st.container(width=1000):  # on a wide screen each step's link stays near its words
    show_progress(progress)
    for i, each in enumerate(progress.steps, start=1):
        show_step(i, each, actor)
