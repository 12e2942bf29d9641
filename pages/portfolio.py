"""Portfolio: the figures, the portfolio matrix, the biggest misfits. The parts are in pages/common/portfolio/."""

import streamlit as st

from gtm.display import plain
from pages.common import address, draft, identity, navigation, outcomes, present, session
from pages.common.portfolio import keys
from pages.common.portfolio.filters import show_filters
from pages.common.portfolio.matrix import show_cell, show_figures, show_matrix, show_matrix_notes
from pages.common.portfolio.structures import show_current_structures
from pages.common.portfolio.tables import show_glossary, show_matrix_table, show_misfits, show_todo

active = session.data()
showing = present.presenting()  # the projector view: the whole matrix above the fold at 1280x720
title, side, filters = st.columns([2.2, 1.4, 1], vertical_alignment="bottom")
title.title("Portfolio")

if active.opportunities.empty:
    navigation.empty_state(f"The portfolio of workspace **{session.workspace()}** is empty. Import accounts and "
                           "opportunities on the Import page (they go to workspace main), or look at the demo "
                           "workspace (sidebar).")
    st.stop()

# A band edit not saved yet (Matrix page) can be shown here, to the room, before anyone saves it.
draft_matrix = draft.matrix()
with_draft = draft_matrix is not None and side.toggle("Show the unsaved band draft", value=True, key=keys.DRAFT,
                                                      help="The band as edited on the Matrix page and not saved yet: "
                                                           "save, undo or discard it there")
if draft_matrix is not None and showing:  # the normal view has it under the chart, where the figures are said
    filters.page_link("pages/matrix.py", label="Open the draft", icon=":material/edit_note:",
                      query_params=address.here())
d = session.data(draft_matrix) if with_draft else active
cur = session.currency()

bu_names = dict(zip(d.business_units["bu_id"], d.business_units["name"]))
chosen = show_filters(d, filters, bu_names, showing=showing)
view = session.overview(d, chosen.bu, chosen.region, chosen.industry, chosen.fit)
named = chosen.chosen(bu_names)
against = "the **unsaved band draft**" if with_draft else f"matrix **{plain(d.matrix_name)}**"

show_figures(view, cur, named, with_draft=with_draft, showing=showing)
points = show_matrix(view, d.matrix, active.matrix if with_draft else None, cur, showing=showing)
show_matrix_notes(view, cur, against, named, draft=draft_matrix is not None, showing=showing)
if points:  # a clicked cell: who stands in it, largest first
    nature, approach = (str(x) for x in points[0]["customdata"][:2])
    show_cell(session.cell(d, chosen.bu, chosen.region, chosen.industry, chosen.fit, nature, approach), nature,
              approach, cur)
if showing:
    st.stop()  # the misfits and the to-do list are for the normal view
outcomes.show_won_weight(keys.WON)

show_matrix_table(view.cells, d.matrix, cur)
show_glossary()
show_misfits(view.misfits, cur)
show_todo(view.todo, view.todo_count, cur)
show_current_structures(session.store(), identity.actor(), d.accounts, assumed=bool(view.figures.assumed_accounts))
