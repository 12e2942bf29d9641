"""The Diagnose page's rules editor: the rules as sentences edited with pickers in words, and the same draft as the
advanced grid (Kind / Subject / Op). Both edit one draft, the grid's own rows (gtm.domain.rule_table), kept in the
session until the rules are saved, switched or reset; a change in one shows in the other."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from gtm.display import plain
from gtm.domain import rule_table as rt
from gtm.domain import rule_words
from gtm.domain.types import DiagnosisTable, GtmError
from gtm.services import diagnosis
from pages.common import widgets

PICK = "dg_s_pick"  # the rule being edited (its place)


@dataclass(frozen=True)
class Draft:
    """The rules being edited: their rows, the table they make when valid (None: not yet), and why not."""

    rows: rt.Rows
    table: DiagnosisTable | None
    problem: GtmError | None
    grid_pending: bool  # the advanced grid holds an edit it cannot take yet (said under it)


def _keys(gen: int) -> tuple[str, str]:
    return f"dg_rules_draft_{gen}", f"dg_rules_rev_{gen}"


def start(active: DiagnosisTable, gen: int) -> None:
    """Begin a draft from the active rules (once per generation: a save, switch or reset starts a new one)."""
    rows_key, rev_key = _keys(gen)
    if rows_key not in st.session_state:
        st.session_state[rows_key] = rt.draft_rows(active)
        st.session_state[rev_key] = 0


def load(table: DiagnosisTable, gen: int) -> None:
    """Replace the draft with a table (a rules file read on the page)."""
    rows_key, rev_key = _keys(gen)
    st.session_state[rows_key] = rt.draft_rows(table)
    st.session_state[rev_key] = st.session_state.get(rev_key, 0) + 1
    st.session_state[PICK] = 0


def _rows(gen: int) -> rt.Rows:
    rows: rt.Rows = st.session_state[_keys(gen)[0]]
    return rows


def _apply(gen: int, update: Callable[..., rt.Rows | tuple[rt.Rows, int]], *args: int) -> None:
    """A widget's callback: change the draft (``update(rows, *args)``), and start the pickers and the grid again
    from it. The widgets keep the callback and its arguments as long as the session shows them: functions of modules
    and numbers, never a closure."""
    rows_key, rev_key = _keys(gen)
    out = update(st.session_state[rows_key], *args)
    rows, pick = out if isinstance(out, tuple) else (out, None)
    st.session_state[rows_key] = rows
    st.session_state[rev_key] = st.session_state.get(rev_key, 0) + 1
    if pick is not None:
        st.session_state[PICK] = pick


def _remove_rule(rows: rt.Rows, position: int) -> tuple[rt.Rows, int]:
    """The rule at ``position`` removed, and the one above it picked."""
    return rt.remove_rule(rows, position), max(position - 1, 0)


def _set_rule(gen: int, position: int, cell: str, key: str) -> None:
    value = str(st.session_state.get(key) or "").strip()
    _apply(gen, lambda rows: rt.set_rule(rows, position, **{cell: value}))


def _set_subject(gen: int, position: int, condition: int, key: str, table: DiagnosisTable) -> None:
    kind, subject = str(st.session_state[key]).split(":", 1)

    def update(rows: rt.Rows) -> rt.Rows:
        row = [rows[i] for i in rt.rule_blocks(rows)[position][1]][condition]
        ops = rule_words.comparison_options(kind, subject, table)
        op = row["op"] if row["op"] in ops else ops[0]
        yes_no = rule_words.is_yes_no(kind, subject, table)
        value = ("yes" if yes_no else "") if yes_no != rule_words.is_yes_no(row["kind"], row["subject"], table) \
            else row["value"]
        return rt.set_condition(rows, position, condition, kind=kind, subject=subject, op=op, value=value)

    _apply(gen, update)


def _set_condition(gen: int, position: int, condition: int, cell: str, key: str) -> None:
    value = str(st.session_state.get(key) or "")
    _apply(gen, lambda rows: rt.set_condition(rows, position, condition, **{cell: value}))


def show_sentences(gen: int, table: DiagnosisTable, currency: str, columns: Mapping[str, str],
                   column_names: list[str]) -> None:
    """Every rule as a sentence, then the chosen rule's pickers: its nature, each condition (what it tests, how it
    compares, the value), its reason; add, remove and move rules and conditions."""
    rows = _rows(gen)
    rev = st.session_state[_keys(gen)[1]]
    blocks = rt.rule_blocks(rows)
    sentences = [rule_words.draft_sentence([rows[i] for i in idx], table, currency, columns) for _, idx in blocks]
    st.markdown("\n".join(f"{n}. {plain(sentence)} :gray[{plain(rule_id)}]"
                          for n, ((rule_id, _), sentence) in enumerate(zip(blocks, sentences), start=1)))
    if not isinstance(st.session_state.get(PICK), int) or not 0 <= st.session_state[PICK] < len(blocks):
        st.session_state[PICK] = 0
    position: int = st.selectbox("Rule to edit", list(range(len(blocks))), key=PICK,
                                 format_func={p: f"{p + 1}. {b[0]}" for p, b in enumerate(blocks)}.__getitem__)
    rule_id, indices = blocks[position]
    block = [rows[i] for i in indices]
    last = position == len(blocks) - 1
    subjects = rule_words.subject_options(table, currency, column_names, columns)
    with st.container(border=True, key="dg_s_rule"):
        st.markdown(f"**{plain(sentences[position])}**")
        left, right = st.columns([3, 2])
        natures = rt.nature_options()
        current = block[0]["nature"] if block[0]["nature"] in natures else rt.UNDIAGNOSED
        key = f"dg_s_{rev}_nature"
        left.selectbox("Then the nature is", natures, index=natures.index(current), key=key, disabled=last,
                       on_change=_set_rule, args=(gen, position, "nature", key),
                       help="The last rule catches what no rule above decides: it leaves the opportunity not yet "
                            "diagnosed." if last else None)
        key = f"dg_s_{rev}_id"
        right.text_input("Rule name", value=rule_id, key=key, on_change=_set_rule, args=(gen, position, "rule", key),
                         help="Lower case letters, digits and dashes; the Account page names the rule by it.")
        conditions = [row for row in block if row["subject"]]
        if last:
            st.caption("The last rule has no condition: whatever no rule above decides stays not yet diagnosed.")
        elif not conditions:
            st.caption("No condition yet: add one (only the last rule may have none).")
        for j, row in enumerate(conditions):
            _condition_row(gen, rev, position, j, row, table, subjects)
        key = f"dg_s_{rev}_wording"
        st.text_input("Reason people read", value=block[0]["wording"], key=key, on_change=_set_rule,
                      args=(gen, position, "wording", key), placeholder="Why this rule decides, in a sentence")
        b = st.columns(4)
        b[0].button("Add a condition", key="dg_s_add_condition", disabled=last, width="stretch",
                    on_click=_apply, args=(gen, rt.add_condition, position),
                    icon=":material/add:")
        b[1].button("Move up", key="dg_s_up", disabled=last or position == 0, width="stretch",
                    on_click=_apply, args=(gen, rt.move_rule, position, -1),
                    icon=":material/arrow_upward:")
        b[2].button("Move down", key="dg_s_down", disabled=last or position >= len(blocks) - 2, width="stretch",
                    on_click=_apply, args=(gen, rt.move_rule, position, +1),
                    icon=":material/arrow_downward:")
        b[3].button("Remove rule", key="dg_s_remove", disabled=last, width="stretch",
                    on_click=_apply, args=(gen, _remove_rule, position),
                    icon=":material/delete:")
    st.button("Add a rule", key="dg_s_add_rule", on_click=_apply, args=(gen, rt.add_rule), icon=":material/add:",
              help="A new rule just above the last one; it decides nothing until it has a nature and a condition.")


def _condition_row(gen: int, rev: int, position: int, j: int, row: dict[str, str], table: DiagnosisTable,
                   subjects: dict[str, str]) -> None:
    """One condition as three pickers in words and a remove button."""
    c = st.columns([5, 3, 4, 1], vertical_alignment="bottom")
    current = f"{row['kind']}:{row['subject']}"
    options = list(subjects) if current in subjects else [current, *subjects]
    key = f"dg_s_{rev}_{j}_subject"
    c[0].selectbox("When" if j == 0 else "and", options, index=options.index(current), key=key,
                   format_func={o: subjects.get(o, o.split(":", 1)[-1]) for o in options}.__getitem__,
                   on_change=_set_subject, args=(gen, position, j, key, table))
    ops = rule_words.comparison_options(row["kind"], row["subject"], table)
    op = row["op"] if row["op"] in ops else ops[0]
    key = f"dg_s_{rev}_{j}_op"
    yes_no = rule_words.is_yes_no(row["kind"], row["subject"], table)
    c[1].selectbox("Comparison", ops, index=ops.index(op), key=key,
                   format_func={o: "is" if yes_no else rt.COMPARISONS[o] for o in ops}.__getitem__,
                   label_visibility="hidden" if j else "visible",
                   on_change=_set_condition, args=(gen, position, j, "op", key))
    key = f"dg_s_{rev}_{j}_value"
    if yes_no:
        said = "no" if str(row["value"]).strip().lower() in ("false", "no", "0") else "yes"
        c[2].selectbox("Value", ["yes", "no"], index=["yes", "no"].index(said), key=key,
                       label_visibility="hidden" if j else "visible",
                       on_change=_set_condition, args=(gen, position, j, "value", key))
    else:
        words = op in ("contains_word", "one_of")
        c[2].text_input("Value", value=row["value"], key=key, label_visibility="hidden" if j else "visible",
                        placeholder="words, comma-separated" if words else "a number" if op in rt.NUMBER_OPS
                        else "a text" if op == "equals" else "a pattern",
                        on_change=_set_condition, args=(gen, position, j, "value", key))
    c[3].button("", key=f"dg_s_{rev}_{j}_remove", icon=":material/close:", help="Remove this condition",
                on_click=_apply, args=(gen, rt.remove_condition, position, j))


def show_grid(gen: int, table: DiagnosisTable) -> bool:
    """The same draft as the grid; an edit it can read becomes the draft (the sentences follow), one it cannot is
    said under it and kept until fixed. Returns whether such an edit is pending."""
    rows = _rows(gen)
    rev = st.session_state[_keys(gen)[1]]
    grid = pd.DataFrame(rows, columns=list(rt.COLUMNS))
    # Every rule visible at once (35 px a row); the wording scrolls sideways on narrow screens.
    edited = st.data_editor(
        grid, key=f"dg_rules_{gen}" + (f"_{rev}" if rev else ""), num_rows="dynamic", hide_index=True,
        width="stretch", height=min(35 * (len(grid) + 2) + 3, 900),
        column_config={
            "rule": st.column_config.TextColumn("Rule id", width=170),
            "nature": st.column_config.SelectboxColumn("Nature", options=rt.nature_options(), width=190),
            "kind": st.column_config.SelectboxColumn("Kind", options=list(rt.KINDS), width=70,
                                                     help="What the condition tests: a signal, a column, a fact"),
            "subject": st.column_config.TextColumn("Subject", width=150),
            "op": st.column_config.SelectboxColumn("Op", options=list(rt.OPS), width=110),
            "value": st.column_config.TextColumn("Value", width=260, help="Lists: comma-separated"),
            "wording": st.column_config.TextColumn("Wording", width=420),
        })
    changed = rt.frame_rows(edited)
    if changed == rows:
        return False
    try:
        rt.rows_to_content(edited, table)
    except GtmError as exc:
        widgets.show_error(exc)
        st.caption("The sentences and the preview keep the draft until this edit can be read.")
        return True
    _apply(gen, lambda _rows: changed)
    st.rerun()
    return False


def validated(gen: int, active: DiagnosisTable, grid_pending: bool) -> Draft:
    """The draft and the table it makes, or why it cannot be used yet."""
    rows = _rows(gen)
    try:
        content = rt.rows_to_content(pd.DataFrame(rows, columns=list(rt.COLUMNS)), active)
        made = diagnosis.parse_table(content, source="the edited rules")
    except GtmError as exc:
        return Draft(rows, None, exc, grid_pending)
    return Draft(rows, made, None, grid_pending)
