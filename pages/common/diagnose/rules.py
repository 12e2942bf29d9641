"""The Diagnose page's Rules tab: import a rules file, edit the rules as sentences or as the grid, save or switch."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gtm.display import plain
from gtm.domain.types import DiagnosisTable, GtmError
from gtm.services import diagnosis
from pages.common import cache, session, uploads, widgets
from pages.common.diagnose import keys, rule_draft
from pages.common.diagnose.context import Page
from pages.common.diagnose.rule_grid import show_grid
from pages.common.diagnose.rule_sentences import show_sentences
from pages.common.diagnose.versions import show_save, show_versions


def show_rules_import(page: Page, gen: int) -> None:
    """Rules as data: a JSON file shaped like data/diagnosis.json, or its rules, loaded into the draft."""
    picked = uploads.read_upload("Import rules (JSON)", keys.rules_file(gen), types=["json"],
                                 max_bytes=diagnosis.RULES_MAX_BYTES,
                                 help="A file shaped like data/diagnosis.json (python -m gtm rules export), or "
                                      "only its rules: they load into the editor below to preview, then save.",
                                 what=" (it loads into the editor; nothing is saved until you save)")
    if picked is not None and picked.read and st.session_state.get(keys.RULES_LOADED) != picked.digest:
        try:
            content = diagnosis.rules_file(picked.data, picked.name, page.table)
        except GtmError as exc:
            widgets.show_error(exc)
        else:
            rule_draft.load(diagnosis.parse_table(content), gen)
            st.session_state[keys.imported(diagnosis.DIAGNOSIS)] = True
            st.session_state[keys.RULES_LOADED] = picked.digest


def rule_column_names(page: Page) -> list[str]:
    """The columns a rule may test: the portfolio's, then those the active rules name."""
    d = page.d
    names = [*cache.rule_columns(session.database_url(), session.workspace(), d.portfolio_version, d.opportunities),
             *diagnosis.rule_columns(pd.DataFrame(), page.table)]
    return list(dict.fromkeys(names))


def show_rules(page: Page) -> DiagnosisTable | None:
    """The rules tab's editors and versions. Returns the draft's table when it can be previewed (None: the active
    rules stand)."""
    table, gen = page.table, page.gens[diagnosis.DIAGNOSIS]
    rule_draft.start(table, gen)
    st.caption(f"Active rules: **{plain(page.table_name)}**. Each rule as a sentence, first match wins from the top; "
               "pick one to edit it. The rules decide only where no person, no CRM file and no product family "
               "mapping has said which nature.")
    if page.may_diagnose:
        show_rules_import(page, gen)
    if st.session_state.get(keys.imported(diagnosis.DIAGNOSIS)):
        st.caption("Loaded from the file: preview it, then save it as a version.")
    show_sentences(gen, table, page.currency, page.columns_said, rule_column_names(page))
    with st.expander("Advanced: the rules as a grid (one row per condition)"):
        st.caption("The same draft as the sentences above: an edit here shows there. Lists are comma-separated; "
                   "the last rule has no condition.")
        grid_pending = show_grid(gen, table)
    draft = rule_draft.validated(gen, table, grid_pending)
    if draft.problem is not None:
        widgets.show_error(draft.problem)
        st.caption("The preview keeps the active rules until the edit can be used.")
    draft_table: DiagnosisTable | None = draft.table if not draft.grid_pending else None
    rules_changed = draft_table is not None and draft_table != table
    left, right = st.columns(2)
    with left:
        show_save(page, diagnosis.DIAGNOSIS, draft_table.model_dump(mode="json") if draft_table else None,
                  rules_changed, "e.g. Workshop rules")
    with right:
        show_versions(page, diagnosis.DIAGNOSIS, "rules")
    return draft_table
