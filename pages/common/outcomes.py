"""Deal outcomes on the pages: the import preview's stage table (open, won or lost, and how each stage was read), and
the won-deal weight said where the recommendations are read, with its editor for who may set it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gtm.display import plain
from gtm.domain.types import OUTCOME_LABELS, WON_WEIGHT_RANGE, Action
from gtm.services import outcomes as outcomes_service
from gtm.services.imports import ImportPlan
from pages.common import identity, session, widgets

NO_STAGE = "(no stage)"
STAGES_EDITOR = "dt_stages_editor"
_CHOICES = {label: code for code, label in OUTCOME_LABELS.items()}


def won_weight_words(weight: float) -> str:
    """The won-deal weight in one sentence a sales leader reads."""
    return (f"A won deal weighs {weight:.0%} of its amount in the recommendations, beside each open deal's expected "
            "value (the won-deal weight: business already done says what the relationship is); a lost deal weighs "
            "nothing.")


def show_stages(plan: ImportPlan, chosen: dict[str, str], weight: float) -> bool:
    """Each stage of the file with the outcome read (open, won or lost), how, and its count; a person changes an
    outcome in the table, kept in ``chosen`` (stage as written -> outcome code) for the next read of the plan.
    Returns True when ``chosen`` changed: the caller plans the file again with it."""
    table = plan.stages()
    if table.empty:
        return False
    counts = table.groupby(table["outcome"].fillna(""))["opportunities"].sum()
    st.markdown("**Open, won or lost: each stage as read**")
    st.caption(f"{int(counts.get('open', 0)):,} open, {int(counts.get('won', 0)):,} won, "
               f"{int(counts.get('lost', 0)):,} lost. Lost deals are no longer at stake: they are left out of the fit "
               f"figures and recommendations. {won_weight_words(weight)} Change an outcome in the table if a stage "
               "means something else here; your choice wins over every word of the stage.")
    grid = pd.DataFrame({"stage": table["stage"].fillna(NO_STAGE),
                         "outcome": table["outcome"].map(OUTCOME_LABELS),
                         "read_by": table["read_by"], "opportunities": table["opportunities"]})
    edited = st.data_editor(
        grid, key=STAGES_EDITOR, hide_index=True, disabled=["stage", "read_by", "opportunities"],
        column_config={"stage": st.column_config.TextColumn("Stage", help="As the file writes it"),
                       "outcome": st.column_config.SelectboxColumn("Outcome", options=list(_CHOICES), required=True),
                       "read_by": st.column_config.TextColumn("Read from", width="medium"),
                       "opportunities": st.column_config.NumberColumn("Opportunities", format="%d")})
    changed = edited["outcome"] != grid["outcome"]
    blank = changed & (grid["stage"] == NO_STAGE)
    if blank.any():
        st.warning("Opportunities without a stage cannot be mapped: give them a stage, or an outcome column, in the "
                   "file.", icon=":material/warning:")
    picked = {str(s): _CHOICES[str(o)] for s, o in zip(grid.loc[changed & ~blank, "stage"],
                                                       edited.loc[changed & ~blank, "outcome"], strict=True)}
    if picked:
        chosen.update(picked)
        del st.session_state[STAGES_EDITOR]  # the next table is read with the choice: no edit is left to apply
        return True
    if chosen:
        st.caption("Your stage choices: " + "; ".join(f"{plain(s)} → {OUTCOME_LABELS[o].lower()}"
                                                       for s, o in sorted(chosen.items())))
        if st.button("Forget my stage choices", key="dt_stages_forget"):
            chosen.clear()
            return True
    return False


def show_won_weight(key: str) -> None:
    """The won-deal weight in a caption; who may set it (a facilitator, an administrator) changes it in a popover."""
    weight = session.won_weight()
    if (refused := session.refused_won_weight()) is not None:
        st.warning(plain(refused), icon=":material/report:")
    who = identity.actor()
    if not who.can(Action.SET_WON_WEIGHT):
        st.caption(won_weight_words(weight))
        return
    text, button = st.columns([5, 1], vertical_alignment="center")
    text.caption(won_weight_words(weight))
    with button.popover("Change", icon=":material/tune:", key=f"{key}_open"):
        low, high = (int(round(x * 100)) for x in WON_WEIGHT_RANGE)
        percent = st.slider("What a won deal weighs (% of its amount)", low, high, int(round(weight * 100)), step=5,
                            key=f"{key}_percent",
                            help="0 %: won deals weigh nothing and the open pipeline alone decides; 100 %: a won deal "
                                 "weighs as much as a sure open deal. Every recommendation follows.")
        if st.button("Save the won-deal weight", key=f"{key}_save", type="primary",
                     disabled=percent == int(round(weight * 100))):
            widgets.run_action(lambda: outcomes_service.set_won_weight(session.store(), who, percent / 100),
                               toast=f"Won deals now weigh {percent} %")
