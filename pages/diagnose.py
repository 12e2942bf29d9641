"""Diagnose: edit the diagnosis rules (as sentences, or as the advanced grid) and the product family mappings beside
their evidence, with a live preview; ask the questions about one opportunity; let a person decide the rest.

The sections are in pages/common/diagnose/, one module each; their session keys in its keys.py."""

import streamlit as st

from gtm.display import plain
from gtm.services import diagnosis
from pages.common.diagnose import context
from pages.common.diagnose.mappings import show_mappings
from pages.common.diagnose.preview import preview, show_preview
from pages.common.diagnose.questionnaire import show_questionnaire
from pages.common.diagnose.rules import show_rules
from pages.common.diagnose.todo import show_todo_and_overrides

TABS = {"rules": "Rules", "families": "Product families", "questionnaire": "Questionnaire",
        "todo": "To-do and overrides"}


def show_header(page: context.Page) -> None:
    """The title, a refused rules file, what decides a nature, and an empty portfolio."""
    st.title("Diagnose")
    if refusal := diagnosis.refused_rules(page.store):
        st.error(plain(refusal), icon=":material/gpp_bad:")
    st.caption("What nature is each opportunity? In this order: a person's decision, the nature the CRM file gives, "
               "the product family → nature mapping, then the rules, first match from the top. Edits below are "
               "previewed on the whole portfolio and saved only when you save.")
    if not page.has_data:
        st.info("No opportunities to diagnose yet; import some on the Import page. You can still edit the rules.",
                icon=":material/inbox:")


def main() -> None:
    """Rules and mappings (each with its preview), then the questionnaire and the to-do list."""
    page = context.read()
    show_header(page)
    # ?tab=families: a link whose fix is mapping product families (the first hour's BUs and natures) opens that tab.
    tab_rules, tab_maps, tab_quiz, tab_todo = st.tabs(
        list(TABS.values()), default=TABS.get(str(st.query_params.get("tab", "")), TABS["rules"]))
    with tab_rules:
        draft_table = show_rules(page)
        rules_preview = st.container()
    with tab_maps:
        draft_rows = show_mappings(page)
        maps_preview = st.container()
    pv = preview(page, draft_table, draft_rows)
    with rules_preview:
        show_preview(pv, page.currency, "rules")
    with maps_preview:
        show_preview(pv, page.currency, "maps")
    with tab_quiz:
        show_questionnaire(page, pv)
    with tab_todo:
        show_todo_and_overrides(page, pv)


main()
