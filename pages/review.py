"""Review: a BU head's inbox. The decisions waiting for their verdict first, then the flagged accounts touching
their BUs; approve or challenge the selected rows at once, for every BU of theirs each decision waits on."""

import streamlit as st

from gtm import display
from gtm.display import plain
from gtm.domain.types import Action
from gtm.services.views import portfolio
from pages.common import address, identity, navigation, present, session
from pages.common.review import queue, table, verdicts

d = session.data()
showing = present.presenting()
st.title("Review")
st.caption("The decisions waiting for your verdict first, then every account touching your BUs whose current "
           "approach, or latest decision, is flagged — by value at stake.")
if d.opportunities.empty:
    navigation.empty_state("Nothing to review yet: the portfolio has no opportunities. Import them on the Import "
                           "page; decisions on its accounts then wait here for the BU heads' verdicts.",
                           icon=":material/inbox:")
    st.stop()
if portfolio.without_bu(d.opportunities):  # a CRM export without a BU column: BUs come from the family mapping
    st.info(plain(portfolio.no_bu_sentence(len(d.opportunities))), icon=":material/lan:")
    st.page_link("pages/diagnose.py", label="Map product families to BUs on the Diagnose page",
                 query_params=address.here(), icon=":material/troubleshoot:")
    st.stop()

who = identity.actor()
bus = d.business_units["bu_id"].tolist()
mine = queue.heads_bus(who, bus)
if mine is None:
    st.stop()
queue.clear_after_verdict()
scope, filters = queue.show_filters(mine, bus, dict(zip(d.business_units["bu_id"], d.business_units["name"])))

flagged, in_scope = session.review_queue(d, scope.bus)
flagged = portfolio.filter_queue(flagged, fits=filters.fits, min_steps=filters.min_steps, min_value=filters.min_value)
left_out = in_scope.left_out(session.currency())
if flagged.empty:
    st.success("Nothing flagged, and no decision waits for a verdict, with these filters.")
    if left_out:
        st.caption(plain(f"{'In your BUs' if scope.several else 'In this BU'}: {left_out}"))
    st.stop()

reviewer = who.can(Action.REVIEW_DECISION)
rows = queue.show_summary(flagged, scope, reviewer, left_out)
if rows.empty:
    st.success(f"Nothing waits for the verdict of {plain(scope.whose)} with these filters; the other flagged accounts "
               "are under “All flagged accounts”.", icon=":material/done_all:")
    table.show_export(flagged, scope)
    st.stop()
selection = table.show_table(rows, scope)
table.show_export(flagged, scope)

picked = selection.view.iloc[selection.chosen]
decided = picked[picked["decision_id"].notna()]
verdicts.show_selected(picked, decided)
if showing:
    st.caption("Approving and challenging are hidden in presentation mode.")
    st.stop()
if not reviewer:
    st.caption(display.first_upper(f"{display.roles_allowed(Action.REVIEW_DECISION)} approve or challenge decisions; "
                                   "you can read the queue."))
    st.stop()
if not decided.empty:
    verdicts.show_verdict(decided, scope, selection, who)
