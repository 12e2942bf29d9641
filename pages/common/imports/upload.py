"""An import's first steps: what the file holds, the upload (read only when asked, within the limits), and the
plan read from it, kept in the session while nothing it depends on changes."""

from __future__ import annotations

from typing import Any, Literal

import streamlit as st

from gtm.domain.types import CURRENCY_CODES, GtmError
from gtm.services import imports as importer
from gtm.services.imports import ImportPlan, Kind
from gtm.services.workspaces import Store
from pages.common import session, uploads, widgets
from pages.common.imports import keys
from pages.common.uploads import Upload

KIND_NAMES = {"accounts": "Accounts", "opportunities": "Opportunities"}
DATE_CHOICES: dict[str, Literal["dd/mm/yyyy", "mm/dd/yyyy"] | None] = {
    "as detected": None, "day first (31/03/2026)": "dd/mm/yyyy", "month first (03/31/2026)": "mm/dd/yyyy"}


def currency_choices(first: str, *also: str | None) -> list[str]:
    """``first``, then the given and common ISO codes, each once."""
    return list(dict.fromkeys([first, *(c for c in also if c), *CURRENCY_CODES]))


def overrides(kind: Kind, digest: str) -> dict[str, str]:
    """The columns a person mapped by hand for this file (field -> header), kept in the session."""
    held: dict[str, str] = st.session_state.setdefault(keys.OVERRIDES, {}).setdefault(f"{kind}:{digest}", {})
    return held


def stage_choices(kind: Kind, digest: str) -> dict[str, Any]:
    """The outcomes a person chose for this file's stages (stage as written -> outcome code)."""
    held: dict[str, Any] = st.session_state.setdefault(keys.STAGE_CHOICES, {}).setdefault(f"{kind}:{digest}", {})
    return held


def show_upload(room: str | None) -> tuple[Kind, Upload | None]:
    """Where imports go, what the file holds and the upload; what was read from a file gone is forgotten."""
    st.subheader("Import a CRM export", anchor=False)
    if session.workspace() != session.MAIN:
        after = (f"the room stays on {room} (“Workspace {room}” at the top shows {session.MAIN}, asking first)"
                 if room else f"after an import the app shows {session.MAIN}")
        st.info(f"You are viewing the **{session.workspace()}** workspace. Imports go to **{session.MAIN}**, your "
                f"organisation's portfolio; {after}.", icon=":material/info:")
    kind = st.radio("What the file holds", importer.KINDS, horizontal=True, key=keys.KIND,
                    format_func=KIND_NAMES.__getitem__)
    limits = importer.upload_limits()
    # A new uploader key after each import clears the committed file, so it cannot be imported twice by accident.
    # Nothing is read until asked: an upload alone costs the server nothing, and a file is read within the upload
    # limits (size, rows, columns, cells, time), so one person's file cannot hold the server for everyone else.
    upload = uploads.read_upload("CSV or XLSX (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab)",
                                 keys.upload(st.session_state.get(keys.ROUND, 0)),
                                 types=["csv", "txt", "tsv", "xlsx"], max_bytes=limits.max_bytes.value,
                                 what=f": the columns and every row (at most {limits.max_rows.value:,} rows and "
                                      f"{limits.max_columns.value:,} columns), before anything is imported",
                                 button_key=keys.READ_FILE)
    if upload is None:
        st.session_state.pop(keys.PLAN, None)  # the file is gone: so is what was read from it
    elif not upload.read:
        st.session_state.pop(keys.RESULT, None)  # a new file: the previous import's result no longer applies
        st.session_state.pop(keys.REJECTS, None)
    return kind, upload


def plan_of(imports_to: Store, kind: Kind, upload: Upload) -> ImportPlan:
    """The import's plan for the file as mapped and chosen so far; an unreadable file is said and the page stops."""
    digest = upload.digest
    mapped, stages = overrides(kind, digest), stage_choices(kind, digest)
    date_format = DATE_CHOICES.get(st.session_state.get(keys.dates(kind, digest), "as detected"))
    reporting = session.currency(session.MAIN)
    chosen = st.session_state.get(keys.currency(kind, digest))
    # One plan per session, kept while nothing it depends on changes: choosing how to import reruns the page
    # without reading the file again.
    plan_key = (kind, digest, tuple(sorted(mapped.items())), date_format, chosen, imports_to.data_version(),
                tuple(sorted(stages.items())))
    kept = st.session_state.get(keys.PLAN)
    if kept is not None and kept[0] == plan_key:
        plan: ImportPlan = kept[1]
        return plan
    st.session_state.pop(keys.PLAN, None)
    try:
        # The preview counts what the import will diagnose on the stored portfolio, read as the pages read it.
        plan = importer.plan_import(imports_to, kind, upload.data, name=upload.name, limits=importer.upload_limits(),
                                    mapping=importer.ColumnMapping(columns=dict(mapped), date_format=date_format,
                                                                   stages=dict(stages)),
                                    currency=chosen if chosen and chosen != reporting else None,
                                    stored=session.stored_opportunities(session.MAIN)
                                    if kind == "opportunities" else None)
    except GtmError as exc:
        widgets.show_error(exc)
        st.stop()
    st.session_state[keys.PLAN] = (plan_key, plan)
    return plan
