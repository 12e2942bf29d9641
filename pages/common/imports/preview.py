"""What was read from a file before it is imported: the format, notes, the currency and date choices, the column
mapping, the first rows as in the file and as stored, and every problem."""

from __future__ import annotations

import streamlit as st

from gtm.display import count, plain
from gtm.services import imports as importer
from gtm.services.imports import ImportPlan, Kind
from pages.common import session, widgets
from pages.common.imports import keys
from pages.common.imports.upload import DATE_CHOICES, currency_choices, overrides


def show_detected(plan: ImportPlan, kind: Kind, digest: str) -> None:
    """The format read, the plan's notes, and the currency and date choices where the file leaves them open."""
    t = plan.table
    detected = f"**{t.format.upper()}**" + (f" · encoding **{t.encoding}** · delimiter **{t.delimiter!r}**"
                                            if t.format == "csv" else "")
    st.markdown(f"Read {detected} · {len(t.frame):,} data rows · {len(t.frame.columns)} columns")
    for note in plan.notes:
        st.info(plain(note), icon=":material/info:")
    if plan.currency_choice:
        reporting = session.currency(session.MAIN)
        currency_key = keys.currency(kind, digest)
        st.selectbox("Currency of the amounts that name none (and of a bare '$')",
                     currency_choices(reporting, st.session_state.get(currency_key)),
                     key=currency_key, help="A currency column in the file, or a symbol or code in an amount, "
                                            f"wins over this choice. Default: {reporting}, the reporting currency.")
    if "close_date" in plan.columns.fields:
        st.selectbox("Dates in the file are written", list(DATE_CHOICES), key=keys.dates(kind, digest),
                     help="Detected from the dates themselves; choose when a column is ambiguous (e.g. 03/04/2026).")


def show_mapping(plan: ImportPlan, kind: Kind, digest: str) -> None:
    """Each field's column, with two sample values; a change is kept for this file and the plan read again."""
    t = plan.table
    mapped = overrides(kind, digest)
    with st.expander("Column mapping — adjust if a column was not recognised", expanded=bool(plan.columns.missing)):
        headers = ["— not imported —", *map(str, t.frame.columns)]
        samples = {h: ", ".join(repr(v) for v in t.frame[h][t.frame[h] != ""].drop_duplicates().head(2))
                   for h in map(str, t.frame.columns)}
        changed = {}
        for spec in importer.field_specs(kind):
            current = plan.columns.fields.get(spec.name)
            choice = st.selectbox(
                spec.description[:1].upper() + spec.description[1:] + (" (required)" if spec.required else ""),
                headers, index=headers.index(current) if current in headers else 0,
                format_func=widgets.names(headers, {h: h if h == headers[0] else
                                                    f"{h} — e.g. {samples.get(h) or 'blank'}" for h in headers}),
                help=f"Field '{spec.name}'. Example: {spec.example or '—'}", key=keys.mapping(kind, digest, spec.name))
            if choice != (current or headers[0]):
                changed[spec.name] = None if choice == headers[0] else choice
        if changed:
            for name, header in changed.items():
                if header is None:
                    mapped.pop(name, None)
                else:
                    mapped[name] = header
            st.rerun()
        if plan.columns.unmapped:
            st.caption("Not imported: " + ", ".join(map(plain, plan.columns.unmapped)))


def show_rows(plan: ImportPlan) -> None:
    """The first rows as in the file and as they will be stored, the plan's summary and every problem."""
    raw_rows, parsed_rows = plan.preview()
    st.markdown("**The first rows, as in the file and as they will be stored**")
    left, right = st.columns(2)
    left.caption("In the file")
    left.dataframe(raw_rows, key=keys.PREVIEW_RAW)
    right.caption("As GTM Fit reads them")
    right.dataframe(parsed_rows, key=keys.PREVIEW_PARSED)
    st.markdown(plain(plan.summary()))
    if plan.file_problems:
        st.error("The file cannot be imported:\n\n" + "\n".join(f"- {plain(p.reason)}" for p in plan.file_problems),
                 icon=":material/error:")
    elif plan.problems:
        st.warning(f"{count(len(plan.problems), 'problem')} in {count(len(plan.rejected_rows), 'row')}",
                   icon=":material/warning:")
        st.dataframe(plan.problems_frame(), hide_index=True, key=keys.PROBLEMS,
                     column_config={"row": "Row", "column": "Column", "value": "Value",
                                    "reason": st.column_config.TextColumn("Reason", width="large")})
    else:
        st.success("Every row is valid.", icon=":material/check_circle:")
