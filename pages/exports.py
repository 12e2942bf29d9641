"""Exports & hand-out: the portfolio as files (accounts, opportunities, decisions; CSV or XLSX), the import templates,
and the workshop's PowerPoint hand-out. Everyone may download; every file is built when its button is clicked."""

from functools import partial

import streamlit as st

from gtm.display import plain
from gtm.export import tables
from gtm.services import deck as deck_service
from gtm.services import imports as importer
from gtm.services import portfolio as portfolio_service
from gtm.services import workspaces
from pages.common import address, design_inputs, session, widgets

s = session.store()  # the workspace on view

st.title("Exports & hand-out")
st.caption(f"Workspace **{session.workspace()}**. To bring a CRM export in, use the Import page; its templates are "
           "below.")
st.page_link("pages/data.py", label="Import a CRM export", icon=":material/upload_file:",
             query_params=address.here())

st.subheader("Exports", anchor=False)
st.caption("Accounts with fit, recommendation and latest decision; opportunities with fit; the decision and review "
           "history: with the pages' headers and words. Formulas are neutralised: a cell starting with = + - @ "
           "opens as text, never as a formula.")
if workspaces.is_empty(s):
    st.caption("The portfolio is empty: the files hold their headers only.")
european = widgets.european_csv("ex_eu")
sep = tables.separator(european)
cur = session.currency()  # the headers name the currency the amounts are in, as the pages do


def export_csv(what: str) -> bytes:
    """One export as CSV, built when its button is clicked."""
    return tables.people_csv(portfolio_service.export_frame(s, what), what, cur, sep=sep)


e = st.columns(4)
for i, what in enumerate(portfolio_service.EXPORTS):
    e[i].download_button(f"{what.capitalize()} (CSV)", partial(export_csv, what),
                         file_name=f"gtm-{what}.csv", mime="text/csv", key=f"ex_export_{what}", on_click="ignore")
e[3].download_button("Everything (XLSX)",
                     lambda: tables.people_xlsx({w: portfolio_service.export_frame(s, w) for w in portfolio_service.EXPORTS},
                                                cur),
                     file_name="gtm-export.xlsx", key="ex_export_xlsx", on_click="ignore",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader("The workshop's hand-out", anchor=False)
# Built when clicked, for the focus list (or the 15 accounts with the most value at stake), at the assumptions in
# force in this session (tried on the Design page, or saved).
tried = design_inputs.in_force() if design_inputs.edited() else None
if tried is not None:
    st.caption("The hand-out's economics use the assumptions tried in this session on the Design page (not saved); "
               "its small print says so.")
no_deck = deck_service.refusal(s)  # an empty workspace, or the fonts the slides' text is measured with missing
if no_deck:
    st.info(plain(no_deck), icon=":material/slideshow:")
else:
    st.download_button("Download the hand-out (PowerPoint)", lambda: deck_service.build_deck(s, assumptions=tried),
                       file_name=f"gtm-hand-out-{session.workspace()}.pptx", mime=deck_service.MIME,
                       key="ex_export_deck", on_click="ignore", icon=":material/slideshow:",
                       help="The portfolio matrix, the funnel, the maturity radar, the focus accounts' economics, one "
                            "slide per focus account and the engagement plan, as editable PowerPoint tables and charts")

st.subheader("Templates", anchor=False)
st.caption("Empty files with the columns an import recognises, for a CRM export that needs its headers renamed.")
t1, t2 = st.columns(2)
t1.download_button("Accounts template (CSV)", lambda: importer.template_csv("accounts"),
                   file_name="accounts-template.csv", mime="text/csv", key="ex_tpl_accounts", on_click="ignore")
t2.download_button("Opportunities template (CSV)", lambda: importer.template_csv("opportunities"),
                   file_name="opportunities-template.csv", mime="text/csv", key="ex_tpl_opps", on_click="ignore")
