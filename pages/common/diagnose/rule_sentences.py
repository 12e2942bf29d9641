"""The Diagnose page's rules as sentences: every rule in words, then the chosen rule's pickers in words."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from gtm.display import plain
from gtm.domain.types import DiagnosisTable
from gtm.services.views import rule_draft as rd
from pages.common.diagnose import keys, rule_draft


def show_sentences(gen: int, table: DiagnosisTable, currency: str, columns: Mapping[str, str],
                   column_names: list[str]) -> None:
    """Every rule as a sentence, then the chosen rule's pickers: its nature, each condition (what it tests, how it
    compares, the value), its reason; add, remove and move rules and conditions."""
    rows = rule_draft.rows(gen)
    rev = rule_draft.revision(gen)
    blocks = rd.rule_blocks(rows)
    sentences = [rd.draft_sentence([rows[i] for i in idx], table, currency, columns) for _, idx in blocks]
    st.markdown("\n".join(f"{n}. {plain(sentence)} :gray[{plain(rule_id)}]"
                          for n, ((rule_id, _), sentence) in enumerate(zip(blocks, sentences), start=1)))
    if not isinstance(st.session_state.get(keys.PICK), int) or not 0 <= st.session_state[keys.PICK] < len(blocks):
        st.session_state[keys.PICK] = 0
    position: int = st.selectbox("Rule to edit", list(range(len(blocks))), key=keys.PICK,
                                 format_func={p: f"{p + 1}. {b[0]}" for p, b in enumerate(blocks)}.__getitem__)
    rule_id, indices = blocks[position]
    block = [rows[i] for i in indices]
    last = position == len(blocks) - 1
    subjects = rd.subject_options(table, currency, column_names, columns)
    with st.container(border=True, key=keys.RULE_BOX):
        st.markdown(f"**{plain(sentences[position])}**")
        left, right = st.columns([3, 2])
        natures = rd.nature_options()
        current = block[0]["nature"] if block[0]["nature"] in natures else rd.UNDIAGNOSED
        key = keys.sentence_widget(rev, "nature")
        left.selectbox("Then the nature is", natures, index=natures.index(current), key=key, disabled=last,
                       on_change=rule_draft.set_rule, args=(gen, position, "nature", key),
                       help="The last rule catches what no rule above decides: it leaves the opportunity not yet "
                            "diagnosed." if last else None)
        key = keys.sentence_widget(rev, "id")
        right.text_input("Rule name", value=rule_id, key=key, on_change=rule_draft.set_rule,
                         args=(gen, position, "rule", key),
                         help="Lower case letters, digits and dashes; the Account page names the rule by it.")
        conditions = [row for row in block if row["subject"]]
        if last:
            st.caption("The last rule has no condition: whatever no rule above decides stays not yet diagnosed.")
        elif not conditions:
            st.caption("No condition yet: add one (only the last rule may have none).")
        for j, row in enumerate(conditions):
            show_condition(gen, rev, position, j, row, table, subjects)
        key = keys.sentence_widget(rev, "wording")
        st.text_input("Reason people read", value=block[0]["wording"], key=key, on_change=rule_draft.set_rule,
                      args=(gen, position, "wording", key), placeholder="Why this rule decides, in a sentence")
        b = st.columns(4)
        b[0].button("Add a condition", key=keys.ADD_CONDITION, disabled=last, width="stretch",
                    on_click=rule_draft.apply, args=(gen, rd.add_condition, position),
                    icon=":material/add:")
        b[1].button("Move up", key=keys.MOVE_UP, disabled=last or position == 0, width="stretch",
                    on_click=rule_draft.apply, args=(gen, rd.move_rule, position, -1),
                    icon=":material/arrow_upward:")
        b[2].button("Move down", key=keys.MOVE_DOWN, disabled=last or position >= len(blocks) - 2, width="stretch",
                    on_click=rule_draft.apply, args=(gen, rd.move_rule, position, +1),
                    icon=":material/arrow_downward:")
        b[3].button("Remove rule", key=keys.REMOVE_RULE, disabled=last, width="stretch",
                    on_click=rule_draft.apply, args=(gen, rule_draft.remove_rule, position),
                    icon=":material/delete:")
    st.button("Add a rule", key=keys.ADD_RULE, on_click=rule_draft.apply, args=(gen, rd.add_rule),
              icon=":material/add:",
              help="A new rule just above the last one; it decides nothing until it has a nature and a condition.")


def show_condition(gen: int, rev: int, position: int, j: int, row: dict[str, str], table: DiagnosisTable,
                   subjects: dict[str, str]) -> None:
    """One condition as three pickers in words and a remove button."""
    c = st.columns([5, 3, 4, 1], vertical_alignment="bottom")
    current = f"{row['kind']}:{row['subject']}"
    options = list(subjects) if current in subjects else [current, *subjects]
    key = keys.sentence_widget(rev, f"{j}_subject")
    c[0].selectbox("When" if j == 0 else "and", options, index=options.index(current), key=key,
                   format_func={o: subjects.get(o, o.split(":", 1)[-1]) for o in options}.__getitem__,
                   on_change=rule_draft.set_subject, args=(gen, position, j, key, table))
    ops = rd.comparison_options(row["kind"], row["subject"], table)
    op = row["op"] if row["op"] in ops else ops[0]
    key = keys.sentence_widget(rev, f"{j}_op")
    yes_no = rd.is_yes_no(row["kind"], row["subject"], table)
    c[1].selectbox("Comparison", ops, index=ops.index(op), key=key,
                   format_func={o: "is" if yes_no else rd.COMPARISONS[o] for o in ops}.__getitem__,
                   label_visibility="hidden" if j else "visible",
                   on_change=rule_draft.set_condition, args=(gen, position, j, "op", key))
    key = keys.sentence_widget(rev, f"{j}_value")
    if yes_no:
        said = "no" if str(row["value"]).strip().lower() in ("false", "no", "0") else "yes"
        c[2].selectbox("Value", ["yes", "no"], index=["yes", "no"].index(said), key=key,
                       label_visibility="hidden" if j else "visible",
                       on_change=rule_draft.set_condition, args=(gen, position, j, "value", key))
    else:
        words = op in ("contains_word", "one_of")
        c[2].text_input("Value", value=row["value"], key=key, label_visibility="hidden" if j else "visible",
                        placeholder="words, comma-separated" if words else "a number" if op in rd.NUMBER_OPS
                        else "a text" if op == "equals" else "a pattern",
                        on_change=rule_draft.set_condition, args=(gen, position, j, "value", key))
    c[3].button("", key=keys.sentence_widget(rev, f"{j}_remove"), icon=":material/close:",
                help="Remove this condition", on_click=rule_draft.apply, args=(gen, rd.remove_condition, position, j))
