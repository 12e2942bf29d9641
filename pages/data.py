"""Import: upload CRM exports (CSV/XLSX), check the mapping and every problem, import; the reporting currency and rates;
the demo reload. Exports, templates and the hand-out are on the Exports & hand-out page (pages/exports.py). The parts
are in pages/common/imports/."""

import streamlit as st

from gtm import display
from gtm.domain.types import Action
from pages.common import address, identity, outcomes, present, session
from pages.common.imports.commit import show_commit, show_result
from pages.common.imports.currency import show_currency
from pages.common.imports.demo import show_demo_reload
from pages.common.imports.preview import show_detected, show_mapping, show_rows
from pages.common.imports.upload import plan_of, show_upload, stage_choices

s = session.store()  # the workspace on view: exports, currency
imports_to = session.store(session.MAIN)  # imports always go to the organisation's own portfolio
room = present.room()  # presenting: the room stays on its workspace, whatever is imported or reloaded here

st.title("Import")
who = identity.actor()

if who.can(Action.IMPORT_DATA):  # viewers and BU heads see the rates, not the import
    kind, upload = show_upload(room)
    if upload is not None and upload.read:
        plan = plan_of(imports_to, kind, upload)
        show_detected(plan, kind, upload.digest)
        show_mapping(plan, kind, upload.digest)
        if outcomes.show_stages(plan, stage_choices(kind, upload.digest), session.won_weight(session.MAIN)):
            st.rerun()
        show_rows(plan)
        show_commit(imports_to, plan, kind, upload.name, who, room)
    show_result(room)
else:
    st.info(f"Importing is for {display.roles_allowed(Action.IMPORT_DATA)}. The portfolio's files are on Exports & "
            "hand-out.", icon=":material/lock:")
st.page_link("pages/exports.py", label="Exports, templates and the hand-out", icon=":material/download:",
             query_params=address.here())

show_currency(s, who)
if who.can(Action.RESET_DEMO):
    show_demo_reload(who, room)
