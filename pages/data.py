"""Import: upload CRM exports (CSV/XLSX), check the mapping and every problem, import; the reporting currency and rates;
the demo reload. Exports, templates and the hand-out are on the Exports & hand-out page (pages/exports.py)."""

from datetime import date
from typing import Any, Literal, cast

import streamlit as st

from gtm import display, incidents
from gtm.display import count, plain
from gtm.domain.types import CURRENCY_CODES, Action, GtmError
from gtm.export import tables
from gtm.services import currency as currency_service
from gtm.services import imports as importer
from gtm.services import portfolio as portfolio_service
from gtm.services.demo import seed_demo
from gtm.services.imports import ImportResult, rejects_file_name
from pages.common import address, identity, navigation, outcomes, present, session, widgets

s = session.store()  # the workspace on view: exports, currency
imports_to = session.store(session.MAIN)  # imports always go to the organisation's own portfolio
room = present.room()  # presenting: the room stays on its workspace, whatever is imported or reloaded here


def currency_choices(first: str, *also: str | None) -> list[str]:
    """``first``, then the given and common ISO codes, each once."""
    return list(dict.fromkeys([first, *(c for c in also if c), *CURRENCY_CODES]))


KIND_NAMES = {"accounts": "Accounts", "opportunities": "Opportunities"}
MODE_NAMES = {"all": "All or nothing", "skip": "Skip invalid rows"}
DATE_CHOICES: dict[str, Literal["dd/mm/yyyy", "mm/dd/yyyy"] | None] = {
    "as detected": None, "day first (31/03/2026)": "dd/mm/yyyy", "month first (03/31/2026)": "mm/dd/yyyy"}

st.title("Import")
who = identity.actor()

if who.can(Action.IMPORT_DATA):  # viewers and BU heads see the rates, not the import
    st.subheader("Import a CRM export", anchor=False)
    if session.workspace() != session.MAIN:
        after = (f"the room stays on {room} (“Workspace {room}” at the top shows {session.MAIN}, asking first)"
                 if room else f"after an import the app shows {session.MAIN}")
        st.info(f"You are viewing the **{session.workspace()}** workspace. Imports go to **{session.MAIN}**, your "
                f"organisation's portfolio; {after}.", icon=":material/info:")
    kind = st.radio("What the file holds", importer.KINDS, horizontal=True, key="dt_kind",
                    format_func=KIND_NAMES.__getitem__)
    limits = importer.upload_limits()
    # A new uploader key after each import clears the committed file, so it cannot be imported twice by accident.
    # Nothing is read until asked: an upload alone costs the server nothing, and a file is read within the upload
    # limits (size, rows, columns, cells, time), so one person's file cannot hold the server for everyone else.
    upload = widgets.read_upload("CSV or XLSX (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab)",
                                 f"dt_file_{st.session_state.get('dt_round', 0)}", types=["csv", "txt", "tsv", "xlsx"],
                                 max_bytes=limits.max_bytes.value,
                                 what=f": the columns and every row (at most {limits.max_rows.value:,} rows and "
                                      f"{limits.max_columns.value:,} columns), before anything is imported",
                                 button_key="dt_read_file")
    if upload is None:
        st.session_state.pop("dt_plan", None)  # the file is gone: so is what was read from it
    elif not upload.read:
        st.session_state.pop("dt_result", None)  # a new file: the previous import's result no longer applies
        st.session_state.pop("dt_rejects", None)
    raw = upload.data if upload is not None else b""
    digest = upload.digest if upload is not None else ""

    if upload is not None and upload.read:
        overrides = st.session_state.setdefault("dt_overrides", {}).setdefault(f"{kind}:{digest}", {})
        stage_choices = st.session_state.setdefault("dt_stage_choices", {}).setdefault(f"{kind}:{digest}", {})
        date_key = f"dt_dates_{kind}_{digest}"
        date_format = DATE_CHOICES.get(st.session_state.get(date_key, "as detected"))
        reporting = session.currency(session.MAIN)
        currency_key = f"dt_currency_{kind}_{digest}"
        chosen = st.session_state.get(currency_key)
        # One plan per session, kept while nothing it depends on changes: choosing how to import reruns the page
        # without reading the file again.
        plan_key = (kind, digest, tuple(sorted(overrides.items())), date_format, chosen, imports_to.data_version(),
                    tuple(sorted(stage_choices.items())))
        kept = st.session_state.get("dt_plan")
        if kept is not None and kept[0] == plan_key:
            plan = kept[1]
        else:
            st.session_state.pop("dt_plan", None)
            try:
                # The preview counts what the import will diagnose on the stored portfolio, read as the pages read it.
                plan = importer.plan_import(imports_to, kind, raw, name=upload.name, limits=limits,
                                            mapping=importer.ColumnMapping(columns=dict(overrides), date_format=date_format,
                                                                    stages=dict(stage_choices)),
                                            currency=chosen if chosen and chosen != reporting else None,
                                            stored=session.stored_opportunities(session.MAIN)
                                            if kind == "opportunities" else None)
            except GtmError as exc:
                widgets.show_error(exc)
                st.stop()
            st.session_state["dt_plan"] = (plan_key, plan)

        t = plan.table
        detected = f"**{t.format.upper()}**" + (f" · encoding **{t.encoding}** · delimiter **{t.delimiter!r}**"
                                                if t.format == "csv" else "")
        st.markdown(f"Read {detected} · {len(t.frame):,} data rows · {len(t.frame.columns)} columns")
        for note in plan.notes:
            st.info(plain(note), icon=":material/info:")
        if plan.currency_choice:
            st.selectbox("Currency of the amounts that name none (and of a bare '$')", currency_choices(reporting, chosen),
                         key=currency_key, help="A currency column in the file, or a symbol or code in an amount, "
                                                f"wins over this choice. Default: {reporting}, the reporting currency.")

        if "close_date" in plan.columns.fields:
            st.selectbox("Dates in the file are written", list(DATE_CHOICES), key=date_key,
                         help="Detected from the dates themselves; choose when a column is ambiguous (e.g. 03/04/2026).")

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
                    help=f"Field '{spec.name}'. Example: {spec.example or '—'}", key=f"dt_map_{kind}_{digest}_{spec.name}")
                if choice != (current or headers[0]):
                    changed[spec.name] = None if choice == headers[0] else choice
            if changed:
                for name, header in changed.items():
                    if header is None:
                        overrides.pop(name, None)
                    else:
                        overrides[name] = header
                st.rerun()
            if plan.columns.unmapped:
                st.caption("Not imported: " + ", ".join(map(plain, plan.columns.unmapped)))

        if outcomes.show_stages(plan, stage_choices, session.won_weight(session.MAIN)):
            st.rerun()

        raw_rows, parsed_rows = plan.preview()
        st.markdown("**The first rows, as in the file and as they will be stored**")
        left, right = st.columns(2)
        left.caption("In the file")
        left.dataframe(raw_rows, key="dt_preview_raw")
        right.caption("As GTM Fit reads them")
        right.dataframe(parsed_rows, key="dt_preview_parsed")
        st.markdown(plain(plan.summary()))
        if plan.file_problems:
            st.error("The file cannot be imported:\n\n" + "\n".join(f"- {plain(p.reason)}" for p in plan.file_problems),
                     icon=":material/error:")
        elif plan.problems:
            st.warning(f"{count(len(plan.problems), 'problem')} in {count(len(plan.rejected_rows), 'row')}",
                       icon=":material/warning:")
            st.dataframe(plan.problems_frame(), hide_index=True, key="dt_problems",
                         column_config={"row": "Row", "column": "Column", "value": "Value",
                                        "reason": st.column_config.TextColumn("Reason", width="large")})
        else:
            st.success("Every row is valid.", icon=":material/check_circle:")

        mode = st.radio("How to import", ["all", "skip"], horizontal=True, key="dt_mode",
                        format_func=MODE_NAMES.__getitem__)
        as_of = None
        if kind == "opportunities":  # results over time compare imports by the date of their export
            as_of = st.date_input("Date of this export", value=date.today(), max_value=date.today(),
                                  key="dt_as_of", format="YYYY-MM-DD",
                                  help="The day the CRM export was taken (today by default). Results compare the won "
                                       "value of two imports by these dates; an export older than the latest "
                                       "import's is refused.")
        blocked = bool(plan.file_problems) or (mode == "all" and bool(plan.problems))
        if st.button("Import", type="primary", key="dt_commit", disabled=blocked):
            bar = st.progress(0.0, text="Importing…")
            file_name = upload.name

            def imported(result: ImportResult) -> dict[str, object]:
                bar.progress(1.0, text="Done")
                flags: dict[str, object] = {"dt_result": result.summary(), "dt_round": st.session_state.get("dt_round", 0) + 1,
                                            "dt_to_top": True}
                if room is None:
                    session.use_workspace(session.MAIN)  # show what was just imported
                if mode == "skip" and plan.problems:
                    flags["dt_rejects"] = (tables.to_csv_bytes(plan.rejects_frame(), sep=tables.separator(
                        bool(st.session_state.get(tables.EUROPEAN_SETTING, False)))), file_name)
                return flags

            def progress(done: float, text: str) -> None:
                bar.progress(done, text=text)

            def import_and_prepare() -> ImportResult:
                result = importer.commit_import(imports_to, plan, who, skip_invalid=mode == "skip",
                                                progress=progress, as_of=as_of)
                # A large portfolio's pages read a snapshot; preparing it here spares the next page the rebuild.
                # The import has landed whatever happens here: a failure is logged, and the next page rebuilds.
                bar.progress(1.0, text="Preparing the pages for the imported portfolio…")
                try:
                    portfolio_service.prepare_snapshot(imports_to)
                except Exception as exc:  # noqa: BLE001 - never report a landed import as failed
                    incidents.report(exc, "preparing the pages' snapshot after an import")
                return result

            widgets.run_action(import_and_prepare, flags=imported, on_error=bar.empty)

    if "dt_result" in st.session_state:
        st.success(plain(st.session_state["dt_result"]), icon=":material/check_circle:")
        if room is None or room == session.MAIN:
            navigation.show_next(session.MAIN)  # what comes next in the portfolio just imported
        else:
            st.caption(f"Imported into **{session.MAIN}**; the room stays on {room}.")
        if st.session_state.pop("dt_to_top", False):  # the Import button stood at the foot of the preview
            widgets.scroll_to_top()
    if "dt_rejects" in st.session_state:
        data, name = st.session_state["dt_rejects"]
        st.download_button("Download the rejected rows with reasons", data, file_name=rejects_file_name(name),
                           mime="text/csv", key="dt_rejects_dl")
else:
    st.info(f"Importing is for {display.roles_allowed(Action.IMPORT_DATA)}. The portfolio's files are on Exports & "
            "hand-out.", icon=":material/lock:")
st.page_link("pages/exports.py", label="Exports, templates and the hand-out", icon=":material/download:",
             query_params=address.here())

st.subheader("Reporting currency and exchange rates", anchor=False)
reporting = session.currency()
may_set = who.can(Action.SET_CURRENCY)
st.caption(f"Workspace **{session.workspace()}**: every amount is shown in **{reporting}**, the reporting currency; "
           "each opportunity keeps the currency "
           f"its file said. A rate is how many {reporting} one unit of a currency is worth. "
           + display.first_upper(f"{display.roles_allowed(Action.SET_CURRENCY)} change them."))
r1, r2 = st.columns([2, 1], vertical_alignment="bottom")
new_reporting = r1.selectbox("Reporting currency", currency_choices(reporting), key="dt_reporting",
                             disabled=not may_set)
if may_set and r2.button("Set reporting currency", key="dt_reporting_set", disabled=new_reporting == reporting):
    widgets.run_action(lambda: currency_service.set_reporting_currency(s, who, new_reporting),
                       toast=f"Amounts are now shown in {new_reporting}; the rates were re-expressed in it")
rates = currency_service.exchange_rates(s)
edited_rates = st.data_editor(
    rates[["currency", "rate"]].astype({"currency": "string", "rate": "float64"}), num_rows="dynamic" if may_set else "fixed", disabled=not may_set,
    hide_index=True, key=f"dt_rates_{s.data_version()}",  # a fresh editor once the saved rates come back
    column_config={"currency": st.column_config.TextColumn("Currency", help="ISO 4217 code: EUR, GBP, CHF …"),
                   "rate": st.column_config.NumberColumn(f"{reporting} per unit", format="%.6g", min_value=0)})
if may_set and st.button("Save exchange rates", key="dt_rates_save"):
    widgets.run_action(lambda: currency_service.set_exchange_rates(  # records keyed by the column names
                           s, who, cast("list[dict[str, Any]]", edited_rates.to_dict("records"))),
                       toast="Exchange rates saved")

if who.can(Action.RESET_DEMO):
    st.subheader("Demo portfolio", anchor=False)
    st.caption(f"The bundled demo portfolio lives in the **{session.DEMO}** workspace. Reloading it deletes every account, "
               f"opportunity, decision and review there, and nothing anywhere else: **{session.MAIN}**, your "
               "organisation's portfolio, is never touched (facilitators).")
    demo_round = st.session_state.get("dt_demo_round", 0)  # a fresh, empty confirmation box after each reload
    typed = st.text_input(f"Type {session.DEMO} to confirm", key=f"dt_demo_confirm_{demo_round}",
                          placeholder=session.DEMO)
    if st.button("Reload the demo portfolio", key="dt_demo", disabled=typed.strip() != session.DEMO):

        def reloaded(_: object) -> dict[str, object]:
            if room is None:
                session.use_workspace(session.DEMO)
            return {"dt_demo_round": demo_round + 1}

        widgets.run_action(lambda: seed_demo(session.store(session.DEMO), reset=True, actor=who, confirm=typed),
                           toast="Demo portfolio reloaded", flags=reloaded)
