"""The import itself: all or nothing or skipping invalid rows, the export's date, the progress, then the result,
what comes next and the rejected rows to download."""

from __future__ import annotations

from datetime import date

import streamlit as st

from gtm import incidents
from gtm.display import plain
from gtm.domain.types import Actor
from gtm.export import tables
from gtm.services import imports as importer
from gtm.services import portfolio as portfolio_service
from gtm.services.imports import ImportPlan, ImportResult, Kind, rejects_file_name
from gtm.services.workspaces import Store
from pages.common import navigation, session, widgets
from pages.common.imports import keys

MODE_NAMES = {"all": "All or nothing", "skip": "Skip invalid rows"}


def show_commit(imports_to: Store, plan: ImportPlan, kind: Kind, file_name: str, who: Actor,
                room: str | None) -> None:
    """How to import and the Import button; the import lands, then the pages' snapshot is prepared."""
    mode = st.radio("How to import", ["all", "skip"], horizontal=True, key=keys.MODE,
                    format_func=MODE_NAMES.__getitem__)
    as_of = None
    if kind == "opportunities":  # results over time compare imports by the date of their export
        as_of = st.date_input("Date of this export", value=date.today(), max_value=date.today(),
                              key=keys.AS_OF, format="YYYY-MM-DD",
                              help="The day the CRM export was taken (today by default). Results compare the won "
                                   "value of two imports by these dates; an export older than the latest "
                                   "import's is refused.")
    blocked = bool(plan.file_problems) or (mode == "all" and bool(plan.problems))
    if not st.button("Import", type="primary", key=keys.COMMIT, disabled=blocked):
        return
    bar = st.progress(0.0, text="Importing…")

    def imported(result: ImportResult) -> dict[str, object]:
        bar.progress(1.0, text="Done")
        flags: dict[str, object] = {keys.RESULT: result.summary(), keys.ROUND: st.session_state.get(keys.ROUND, 0) + 1,
                                    keys.TO_TOP: True}
        if room is None:
            session.use_workspace(session.MAIN)  # show what was just imported
        if mode == "skip" and plan.problems:
            flags[keys.REJECTS] = (tables.to_csv_bytes(plan.rejects_frame(), sep=tables.separator(
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


def show_result(room: str | None) -> None:
    """The last import's result and what comes next; the rejected rows with their reasons to download."""
    if keys.RESULT in st.session_state:
        st.success(plain(st.session_state[keys.RESULT]), icon=":material/check_circle:")
        if room is None or room == session.MAIN:
            navigation.show_next(session.MAIN)  # what comes next in the portfolio just imported
        else:
            st.caption(f"Imported into **{session.MAIN}**; the room stays on {room}.")
        if st.session_state.pop(keys.TO_TOP, False):  # the Import button stood at the foot of the preview
            widgets.scroll_to_top()
    if keys.REJECTS in st.session_state:
        data, name = st.session_state[keys.REJECTS]
        st.download_button("Download the rejected rows with reasons", data, file_name=rejects_file_name(name),
                           mime="text/csv", key=keys.REJECTS_DOWNLOAD)
