"""Whitespace: what each BU sells at each account today against what it could, judged from similar accounts where
it does sell. An accounts x BUs heatmap of potential minus won, filterable by list (the sidebar's Accounts), with a
drill-down into a cell: its figures, the peers its potential comes from, and its open deals."""

from __future__ import annotations

import streamlit as st

from gtm.display import count, money, plain
from gtm.export import heatmap, tables
from gtm.services.views import capture as capture_views
from pages.common import address, capture, navigation, present, session, widgets

SHOWN = (10, 25, 50)  # accounts in the heatmap, the most whitespace first

d = session.data()
cur = session.currency()
showing = present.presenting()
st.title("Whitespace")
if not showing:
    st.caption("Where is the cross-sell? For each account and BU: what the BU has won there, its open pipeline, and "
               "its potential: the median spend with that BU of the accounts of the same industry and size band that "
               "buy from it. Whitespace is potential minus won.")
if d.accounts.empty:
    navigation.empty_state("No accounts yet: import accounts and opportunities (with their outcome: the whitespace "
                           "comes from won deals) to see where the cross-sell is.", icon=":material/grid_on:")
    st.stop()

view = capture.views(d)
cells, sums = view.cells, view.figures
m = st.columns(4)
m[0].metric("Won", money(sums["won"], cur), help="The won deals' amounts, every BU")
m[1].metric("Open, expected", money(sums["open"], cur), help="The open deals' amount × probability, every BU")
m[2].metric("Whitespace", money(sums["whitespace"], cur),
            help="Potential minus won, summed over the accounts and BUs whose potential is known")
m[3].metric("Potential not known", f"{int(sums['unknown']):,}", help="Accounts and BUs without peers to compare with",
            delta=f"of {int((cells['bu'].notna()).sum()):,} accounts × BUs", delta_color="off", delta_arrow="off")
if not showing:
    st.caption(plain(capture.sizes_note()))

per_account = view.per_account
ranked = per_account[per_account["whitespace"] > 0]
if ranked.empty:
    st.info(plain(capture.no_whitespace_said(cells)), icon=":material/info:")
    st.stop()

# ---------------------------------------------------------------------------------------------- the heatmap
size = st.segmented_control("Accounts shown", SHOWN, default=SHOWN[1], required=True, key="ws_shown",
                            format_func=widgets.names(SHOWN, {n: f"Top {n}" for n in SHOWN})) or SHOWN[1]
top = [str(a) for a in ranked["account_id"].head(size)]
picked = widgets.chart(heatmap.whitespace_heatmap(cells, top, cur), key="ws_heatmap",
                       config={"displayModeBar": False}, on_select="rerun", selection_mode="points")
if not showing:
    st.caption(f"The {count(len(top), 'account')} with the most whitespace of {count(len(ranked), 'account')} with "
               "some, by BU; a grey ? is a potential not known (no peers to compare with). Click a cell to open it "
               "below.")
with st.expander("The heatmap as a table"):
    st.dataframe(widgets.money_table(heatmap.table(cells, top), ["won_value", "open_value", "potential", "whitespace"],
                                     cur), hide_index=True, key="ws_table", width="stretch",
                 column_config=capture.cell_config(cur))

# ---------------------------------------------------------------------------------------------- drill-down
points = [p for p in (picked or {}).get("selection", {}).get("points", []) if p.get("customdata")]
clicked = tuple(str(x) for x in points[0]["customdata"][:2]) if points else None
if clicked and clicked != st.session_state.get("ws_clicked"):  # a new click chooses the cell; the pickers follow
    st.session_state["ws_clicked"] = clicked  # (the chart keeps its selection: a picker chosen after it still counts)
    st.session_state["ws_account"], st.session_state["ws_bu"] = clicked
held = st.session_state.get("ws_account")
choices = list(dict.fromkeys([*top, *([str(held)] if held is not None and (per_account["account_id"] == held).any()
                                      else [])]))
if held not in choices:
    st.session_state["ws_account"] = choices[0]
listed = per_account[per_account["account_id"].isin(choices)]
names = dict(zip(listed["account_id"].astype(str), listed["account_name"].astype(str)))
st.subheader("One cell", anchor=False)
c1, c2 = st.columns(2)
account = c1.selectbox("Account", choices, key="ws_account", format_func=widgets.names(choices, names))
row = capture_views.of_account(cells, account)
row = row[row["bu"].notna()]
bus = dict(zip(row["bu"].astype(str), row["bu_name"].astype(str)))
if st.session_state.get("ws_bu") not in bus:
    st.session_state["ws_bu"] = next(iter(bus))
bu = c2.selectbox("BU", list(bus), key="ws_bu", format_func=widgets.names(list(bus), bus))
cell = row[row["bu"] == bu].iloc[0]
st.markdown(plain(capture_views.cell_sentence(cell, cur)))
st.caption(plain(capture_views.potential_words(row[row["bu"] == bu], currency=cur).iloc[0]))
st.page_link("pages/account.py", label=f"Open {names.get(account, account)}", icon=":material/business:",
             query_params=address.here(account=account))
left, right = st.columns(2)
with left:
    peers = capture_views.peers_of(capture.whole_grid(d), account, bu)
    st.markdown(f"**The peers the potential comes from: {count(len(peers), 'account')}**")
    if len(peers):
        st.dataframe(widgets.money_table(peers[["account_name", "won_value"]].assign(
            link=address.account_links(peers["account_id"])), ["won_value"], cur), hide_index=True, key="ws_peers",
                     column_order=["account_name", "won_value", "link"],
                     column_config={"account_name": "Account", "won_value": st.column_config.NumberColumn(
                         f"Won from {bus.get(bu, bu)} ({cur})"),
                         "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)")})
with right:
    deals = d.opportunities[(d.opportunities["account_id"] == account) & (d.opportunities["bu"] == bu)]
    st.markdown(f"**Opportunities of {plain(bus.get(bu, bu))} here: {len(deals):,}**" if len(deals) else
                f"**No opportunity of {plain(bus.get(bu, bu))} here yet**")
    if len(deals):
        st.dataframe(widgets.money_table(deals, ["value"], cur), hide_index=True, key="ws_deals",
                     column_order=["name", "outcome", "value", "probability", "stage", "owner"],
                     column_config={"name": "Opportunity", "outcome": "Outcome",
                                    "value": st.column_config.NumberColumn(f"Value ({cur})"),
                                    "probability": st.column_config.NumberColumn("Prob. %", format="%d"),
                                    "stage": "Stage", "owner": "Owner"})
if showing:
    st.stop()

# ---------------------------------------------------------------------------------------------- the list, the file
st.subheader("Where the cross-sell is", anchor=False)
biggest = view.biggest
st.caption(f"The {count(len(biggest), 'account and BU', 'accounts and BUs')} with the most whitespace"
           + (" (the first shown; the download holds every one)." if len(biggest) == capture.TOP_CELLS else "."))
st.dataframe(widgets.money_table(biggest.assign(link=address.account_links(biggest["account_id"])),
                                 ["won_value", "open_value", "potential", "whitespace"], cur), hide_index=True,
             key="ws_biggest", width="stretch",
             column_order=["account_name", "bu_name", "whitespace", "won_value", "open_value", "potential", "peers",
                           "link"],
             column_config={**capture.cell_config(cur),
                            "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)")})
st.download_button("Download the whitespace (CSV)", lambda: tables.people_csv(
                       cells.sort_values(["whitespace", "account_id", "bu"], ascending=[False, True, True],
                                         na_position="last", kind="stable")[capture_views.EXPORT_COLUMNS],
                       "whitespace", cur),
                   file_name="gtm-whitespace.csv", mime="text/csv", key="ws_export", on_click="ignore",
                   icon=":material/download:",
                   help="Every account and BU of this view: won, open, potential and whitespace, with the pages' "
                        "headers (python -m gtm export whitespace writes the field names)")
