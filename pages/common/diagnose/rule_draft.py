"""The rules being edited on the Diagnose page: one draft, the grid's own rows (gtm.services.views.rule_draft), kept in
the session until the rules are saved, switched or reset; the sentences and the grid both edit it, so a change in one
shows in the other. The widgets' callbacks live here: functions of a module and numbers, never a closure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from gtm.domain.types import DiagnosisTable, GtmError
from gtm.services import diagnosis
from gtm.services.views import rule_draft as rd
from pages.common.diagnose import keys


@dataclass(frozen=True)
class Draft:
    """The rules being edited: their rows, the table they make when valid (None: not yet), and why not."""

    rows: rd.Rows
    table: DiagnosisTable | None
    problem: GtmError | None
    grid_pending: bool  # the advanced grid holds an edit it cannot take yet (said under it)


def start(active: DiagnosisTable, gen: int) -> None:
    """Begin a draft from the active rules (once per generation: a save, switch or reset starts a new one)."""
    if keys.rules_draft(gen) not in st.session_state:
        st.session_state[keys.rules_draft(gen)] = rd.draft_rows(active)
        st.session_state[keys.rules_revision(gen)] = 0


def load(table: DiagnosisTable, gen: int) -> None:
    """Replace the draft with a table (a rules file read on the page)."""
    st.session_state[keys.rules_draft(gen)] = rd.draft_rows(table)
    st.session_state[keys.rules_revision(gen)] = st.session_state.get(keys.rules_revision(gen), 0) + 1
    st.session_state[keys.PICK] = 0


def rows(gen: int) -> rd.Rows:
    """The draft's rows."""
    found: rd.Rows = st.session_state[keys.rules_draft(gen)]
    return found


def revision(gen: int) -> int:
    """How many times the draft changed: the pickers and the grid start again from it at each change."""
    rev: int = st.session_state[keys.rules_revision(gen)]
    return rev


def apply(gen: int, update: Callable[..., rd.Rows | tuple[rd.Rows, int]], *args: int) -> None:
    """A widget's callback: change the draft (``update(rows, *args)``), and start the pickers and the grid again
    from it. The widgets keep the callback and its arguments as long as the session shows them: functions of modules
    and numbers, never a closure."""
    out = update(st.session_state[keys.rules_draft(gen)], *args)
    changed, pick = out if isinstance(out, tuple) else (out, None)
    st.session_state[keys.rules_draft(gen)] = changed
    st.session_state[keys.rules_revision(gen)] = st.session_state.get(keys.rules_revision(gen), 0) + 1
    if pick is not None:
        st.session_state[keys.PICK] = pick


def remove_rule(draft: rd.Rows, position: int) -> tuple[rd.Rows, int]:
    """The rule at ``position`` removed, and the one above it picked."""
    return rd.remove_rule(draft, position), max(position - 1, 0)


def set_rule(gen: int, position: int, cell: str, key: str) -> None:
    """A rule's nature, name or wording from the widget ``key``."""
    value = str(st.session_state.get(key) or "").strip()
    apply(gen, lambda draft: rd.set_rule(draft, position, **{cell: value}))


def set_subject(gen: int, position: int, condition: int, key: str, table: DiagnosisTable) -> None:
    """What a condition tests, from the widget ``key``; its comparison and value follow when they no longer fit."""
    kind, subject = str(st.session_state[key]).split(":", 1)

    def update(draft: rd.Rows) -> rd.Rows:
        row = [draft[i] for i in rd.rule_blocks(draft)[position][1]][condition]
        ops = rd.comparison_options(kind, subject, table)
        op = row["op"] if row["op"] in ops else ops[0]
        yes_no = rd.is_yes_no(kind, subject, table)
        value = ("yes" if yes_no else "") if yes_no != rd.is_yes_no(row["kind"], row["subject"], table) \
            else row["value"]
        return rd.set_condition(draft, position, condition, kind=kind, subject=subject, op=op, value=value)

    apply(gen, update)


def set_condition(gen: int, position: int, condition: int, cell: str, key: str) -> None:
    """A condition's comparison or value from the widget ``key``."""
    value = str(st.session_state.get(key) or "")
    apply(gen, lambda draft: rd.set_condition(draft, position, condition, **{cell: value}))


def validated(gen: int, active: DiagnosisTable, grid_pending: bool) -> Draft:
    """The draft and the table it makes, or why it cannot be used yet."""
    draft = rows(gen)
    try:
        content = rd.rows_to_content(pd.DataFrame(draft, columns=list(rd.COLUMNS)), active)
        made = diagnosis.parse_table(content, source="the edited rules")
    except GtmError as exc:
        return Draft(draft, None, exc, grid_pending)
    return Draft(draft, made, None, grid_pending)
