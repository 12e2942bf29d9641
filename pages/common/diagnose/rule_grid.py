"""The Diagnose page's advanced rules grid (Kind / Subject / Op): the same draft as the sentences, one row per
condition."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gtm.domain.types import DiagnosisTable, GtmError
from gtm.services.views import rule_draft as rd
from pages.common import widgets
from pages.common.diagnose import keys, rule_draft


def show_grid(gen: int, table: DiagnosisTable) -> bool:
    """The same draft as the grid; an edit it can read becomes the draft (the sentences follow), one it cannot is
    said under it and kept until fixed. Returns whether such an edit is pending."""
    rows = rule_draft.rows(gen)
    grid = pd.DataFrame(rows, columns=list(rd.COLUMNS))
    # Every rule visible at once (35 px a row); the wording scrolls sideways on narrow screens.
    edited = st.data_editor(
        grid, key=keys.rules_grid(gen, rule_draft.revision(gen)), num_rows="dynamic", hide_index=True,
        width="stretch", height=min(35 * (len(grid) + 2) + 3, 900),
        column_config={
            "rule": st.column_config.TextColumn("Rule id", width=170),
            "nature": st.column_config.SelectboxColumn("Nature", options=rd.nature_options(), width=190),
            "kind": st.column_config.SelectboxColumn("Kind", options=list(rd.KINDS), width=70,
                                                     help="What the condition tests: a signal, a column, a fact"),
            "subject": st.column_config.TextColumn("Subject", width=150),
            "op": st.column_config.SelectboxColumn("Op", options=list(rd.OPS), width=110),
            "value": st.column_config.TextColumn("Value", width=260, help="Lists: comma-separated"),
            "wording": st.column_config.TextColumn("Wording", width=420),
        })
    changed = rd.frame_rows(edited)
    if changed == rows:
        return False
    try:
        rd.rows_to_content(edited, table)
    except GtmError as exc:
        widgets.show_error(exc)
        st.caption("The sentences and the preview keep the draft until this edit can be read.")
        return True
    rule_draft.apply(gen, lambda _rows: changed)
    st.rerun()
    return False
