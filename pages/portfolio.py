"""Portfolio: the figures, the portfolio matrix, the biggest misfits."""

import streamlit as st

from gtm import display
from gtm.display import count, money, plain, share
from gtm.domain.types import APPROACHES, NATURES, Action
from gtm.export import charts
from gtm.services import accounts
from gtm.services.views.portfolio import glossary
from pages.common import address, draft, identity, navigation, outcomes, present, session, widgets

STEPS_HELP = "Rows outside the realistic band: 0 is realistic, 1 is worth a look, 2 or more is a clear misfit"
CURRENT = "current-structures"  # the anchor of the section where current structures are set

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
with_draft = draft_matrix is not None and side.toggle("Show the unsaved band draft", value=True, key="pf_draft",
                                                      help="The band as edited on the Matrix page and not saved yet: "
                                                           "save, undo or discard it there")
if draft_matrix is not None and showing:  # the normal view has it under the chart, where the figures are said
    filters.page_link("pages/matrix.py", label="Open the draft", icon=":material/edit_note:",
                      query_params=address.here())
d = session.data(draft_matrix) if with_draft else active

bu_names = dict(zip(d.business_units["bu_id"], d.business_units["name"]))
FITS = ["realistic", "overkill", "insufficient"]
if showing:  # the filters chosen before apply, and are named in one line; their boxes are not drawn
    bu = widgets.shared_choice(session.filter_options(d, "bu"), key="pf_bu", param="bu")
    region = widgets.shared_choice(session.filter_options(d, "region"), key="pf_region", param="region")
    industry = widgets.shared_choice(session.filter_options(d, "industry"), key="pf_industry", param="industry")
    fit = widgets.shared_choice(FITS, key="pf_fit", param="fit")
else:
    # The filters live in the address, so a view can be shared, and are kept when you come back to the page. They
    # open from one button, so the figures and the whole matrix stay above the fold on a 1280x720 screen.
    box = filters.popover("Filters" + (f" ({n})" if (n := widgets.chosen_count(("pf_bu", "pf_region", "pf_industry",
                                                                                   "pf_fit"))) else ""),
                          icon=":material/filter_list:", width="stretch")
    c1 = c2 = c3 = c4 = box
    bu = widgets.shared_multiselect(c1, "BU", session.filter_options(d, "bu"), key="pf_bu", param="bu",
                                    format_func=widgets.names(session.filter_options(d, "bu"), bu_names))
    region = widgets.shared_multiselect(c2, "Region", session.filter_options(d, "region"), key="pf_region",
                                        param="region")
    industry = widgets.shared_multiselect(c3, "Industry", session.filter_options(d, "industry"), key="pf_industry",
                                          param="industry")
    fit = widgets.shared_multiselect(c4, "Fit", FITS, key="pf_fit", param="fit", format_func=charts.fit_badge)
view = session.overview(d, bu, region, industry, fit)
chosen = [bu_names.get(b, b) for b in bu] + region + industry + [charts.fit_badge(x) for x in fit]
against = "the **unsaved band draft**" if with_draft else f"matrix **{plain(d.matrix_name)}**"

f = view.figures
if showing:
    st.markdown(f"**{f.accounts:,}** accounts · **{f.opportunities:,}** opportunities · "
                f"**{plain(money(f.total_value, session.currency()))}** · {display.CHECK} **{share(f.realistic_share)}** "
                f"of value in band · {display.UP} **{f.overkill_count:,}** likely overkill · {display.DOWN} "
                f"**{f.insufficient_count:,}** likely "
                "insufficient" + (f" · only {plain(', '.join(chosen))}" if chosen else "")
                + (f" · {count(f.assumed_accounts, 'account')} at an assumed structure" if f.assumed_accounts else "")
                + (" · under the unsaved band draft" if with_draft else ""))
else:
    m = st.columns(6)
    m[0].metric("Accounts", f"{f.accounts:,}")
    m[1].metric("Opportunities", f"{f.opportunities:,}")
    m[2].metric("Total value", money(f.total_value, session.currency()))
    m[3].metric(f"{display.CHECK} In band", share(f.realistic_share), help="Share of value whose current approach is a realistic option")
    m[4].metric(f"{display.UP} Overkill", f"{f.overkill_count:,}", money(f.overkill_value, session.currency()),
                delta_color="off", delta_arrow="off",
                help="Likely overkill: opportunities whose current approach is heavier than the band, and their value")
    m[5].metric(f"{display.DOWN} Insufficient", f"{f.insufficient_count:,}", money(f.insufficient_value, session.currency()),
                delta_color="off", delta_arrow="off",
                help="Likely insufficient: opportunities whose current approach is lighter than the band, and their value")
    if f.assumed_accounts:  # beside the misfits that rest on it: how many structures are assumed, and where to set them
        st.caption(plain(f.assumed()) + f" [Set current structures](#{CURRENT})")

picked = widgets.chart(
    charts.portfolio_matrix(view.cells, d.matrix, height=525 if showing else 470, undiagnosed=view.undiagnosed,
                            currency=session.currency(),
                            compare_with=active.matrix if with_draft else None, least=widgets.text_px()),
    key="pf_matrix", config={"displayModeBar": False}, on_select="rerun", selection_mode="points")
if not showing:  # under the chart, so the figures and the whole matrix fit above the fold at 1280x720
    st.caption(f"Every opportunity judged at its account's current approach, against {against}"
               + (f"; only {plain(', '.join(chosen))}" if chosen else "") + ". Click a cell to list who stands in it.")
    if draft_matrix is not None:
        st.page_link("pages/matrix.py", label="Open the draft", icon=":material/edit_note:", query_params=address.here())
if f.undiagnosed_count:
    (st.caption if showing else st.warning)(plain(f.left_out(session.currency())) +
                                            " Those not yet diagnosed stand in the grey column beside the matrix.")
elif f.lost_count:  # lost deals only: said, but nothing is to do
    st.caption(plain(f.left_out(session.currency())))
points = [p for p in (picked or {}).get("selection", {}).get("points", []) if p.get("customdata")]
if points:  # a clicked cell: who stands in it, largest first
    nature, approach = (str(x) for x in points[0]["customdata"][:2])
    members = session.cell(d, bu, region, industry, fit, nature, approach)
    where = NATURES.label(nature) if nature else "Not yet diagnosed"
    st.subheader(f"{where} at {APPROACHES.label(approach)}", anchor=False)
    st.caption(f"{count(members.opportunity_count, 'opportunity')} at {count(members.account_count, 'account')}, "
               f"{plain(money(members.value, session.currency()))}; "
               "largest first" + (f" (the first {len(members.opportunities):,} shown)"
                                  if members.opportunity_count > len(members.opportunities) else "")
               + ". Click the cell again, or double-click the chart, to close.")
    left, right = st.columns([2, 3])
    widgets.dataframe(members.accounts.assign(link=address.account_links(members.accounts["account_id"])),
                      ["value"], session.currency(), slot=left, hide_index=True, key="pf_cell_accounts",
                      column_order=["account_name", "value", "opportunities", "link"],
                      column_config={"account_name": "Account", "opportunities": "Opportunities",
                                     "value": st.column_config.NumberColumn(f"Value ({session.currency()})"),
                                     "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)")})
    widgets.dataframe(members.opportunities, ["value"], session.currency(), slot=right, hide_index=True,
                      key="pf_cell_opps",
                      column_order=[c for c in ("name", "account_name", "value", "bu", "steps", "opportunity_id")
                                    if c in members.opportunities],
                      column_config={"name": "Opportunity", "account_name": "Account", "bu": "BU",
                                     "value": st.column_config.NumberColumn(f"Value ({session.currency()})"),
                                     "steps": st.column_config.NumberColumn("Steps", help=STEPS_HELP),
                                     "opportunity_id": "Opportunity id"})
if showing:
    st.stop()  # the misfits and the to-do list are for the normal view
outcomes.show_won_weight("pf_won")

with st.expander("The matrix as a table"):  # the same cells, for a screen reader or a copy into a document
    widgets.dataframe(charts.matrix_table(view.cells, d.matrix), ["value"], session.currency(),
                      hide_index=True, key="pf_matrix_table",
                      column_config={"nature": "Nature", "approach": "Approach", "fit": "Fit",
                                     "steps": st.column_config.NumberColumn("Steps", help=STEPS_HELP),
                                     "opportunities": "Opportunities",
                                     "value": st.column_config.NumberColumn(f"Value ({session.currency()})")})
with st.expander("What the natures and approaches mean"):
    st.dataframe(glossary(), hide_index=True, key="pf_glossary",
                 column_config={"kind": "Kind", "rank": "Rank", "label": "Name",
                                "meaning": st.column_config.TextColumn("Meaning", width="large")})

st.subheader("Biggest misfits")
misfits = view.misfits
if misfits.empty:
    st.success("No misfits in this view: every opportunity's current approach is a realistic option.")
else:
    misfits = misfits.assign(link=address.account_links(misfits["account_id"]),
                             approach=misfits["approach"].astype(str).map(lambda a: APPROACHES.term(a).short_label))
    widgets.dataframe(
        misfits, ["misfit_value"], session.currency(), hide_index=True, key="pf_misfits",
        # The account and what is at stake first: on a phone the rest scrolls sideways.
        column_order=["account_name", "misfit_value", "misfits", "approach", "overkill", "insufficient", "worst_steps",
                      "link"],
        column_config={
            "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)"),
            "account_name": "Account",
            "approach": "Current approach",
            "misfits": "Misfit opportunities",
            "overkill": f"{display.UP} Overkill",
            "insufficient": f"{display.DOWN} Insufficient",
            "misfit_value": st.column_config.NumberColumn(f"Misfit value ({session.currency()})"),
            "worst_steps": st.column_config.NumberColumn("Worst steps", help=STEPS_HELP),
        },
    )
    st.caption("Open an account:")
    cols = st.columns(2)  # read down, largest first: on a phone the two columns stack in the same order
    here = address.here()
    for i, row in enumerate(misfits.head(10).itertuples()):
        cols[i // 5].page_link("pages/account.py", label=plain(row.account_name),
                              query_params={**here, "account": str(row.account_id)}, icon=":material/open_in_new:")

todo = view.todo  # the largest 200
if view.todo_count:
    st.subheader(f"To do: {count(view.todo_count, 'opportunity')} not yet diagnosed")
    st.caption("Largest first. Set a nature on the Diagnose page (by a person, a product family mapping or a rule).")
    shown = todo.assign(link=address.account_links(todo["account_id"]))
    widgets.dataframe(
        shown, ["value"], session.currency(), hide_index=True, key="pf_todo",
        column_order=[c for c in ("link", "account_name", "value", "opportunity_id", "name", "product_family")
                      if c in shown and shown[c].notna().any()],
        column_config={
            "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)"),
            "account_name": "Account", "opportunity_id": "Opportunity id", "name": "Opportunity",
            "product_family": "Product family",
            "value": st.column_config.NumberColumn(f"Value ({session.currency()})"),
        },
    )
    st.page_link("pages/diagnose.py", label="Diagnose these opportunities", icon=":material/troubleshoot:",
                 query_params=address.here())

may_set = identity.actor().can(Action.IMPORT_DATA)
if may_set or f.assumed_accounts:  # where the link beside the figures leads
    st.subheader("Current structures", anchor=CURRENT)
    st.caption("An account's current structure is the approach it is served by today: the misfits judge it. Import it "
               "with a Current approach column on the Import page"
               + (", or set it here." if may_set else f"; {display.roles_allowed(Action.IMPORT_DATA)} also set it here."))
if may_set:  # who may change accounts: the editor
    with st.expander("Current approach per account (set many at once)"):
        only_unset = st.toggle("Only accounts without one", value=True, key="pf_ap_unset")
        editable = d.accounts[["account_id", "name", "current_approach"]]
        if only_unset:
            editable = editable[editable["current_approach"].isna()]
        st.caption(count(len(editable), "account") + (" (the first 500 are shown; import a file with a current approach "
                                                      "column for more)" if len(editable) > 500 else "")
                   + (". Many alike: set the first, select down to the last (Ctrl+Shift+↓) and press Ctrl+D to "
                      "fill them (⌘ for Ctrl on a Mac)." if len(editable) > 1 else ""))
        labels = {c: APPROACHES.label(c) for c in APPROACHES.codes}
        grid = editable.head(500).assign(current_approach=editable["current_approach"].map(labels))
        edited = st.data_editor(
            grid, hide_index=True, key="pf_ap_editor", disabled=["account_id", "name"],
            column_config={"account_id": "Account id", "name": "Account",
                           "current_approach": st.column_config.SelectboxColumn(
                               "Current approach", options=list(labels.values()), help="Empty: not set")},
        )
        changes = accounts.changed_approaches(grid, edited)
        if st.button(f"Save {count(len(changes), 'change')}", key="pf_ap_save", disabled=not changes):
            widgets.run_action(lambda: accounts.set_current_approaches(session.store(), identity.actor(), changes),
                               toast="Current approaches saved")
