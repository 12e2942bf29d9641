"""The Diagnose page's Product families tab: each product family → BU and → nature mapping edited beside what the
data says about each family (its evidence), imported from a file, exported, saved or switched."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from gtm.display import plain
from gtm.domain.types import NATURES, GtmError
from gtm.export import headers, tables
from gtm.services import diagnosis
from gtm.services.views import diagnose as views
from pages.common import cache, session, uploads, widgets
from pages.common.diagnose import keys
from pages.common.diagnose.context import Page
from pages.common.diagnose.versions import show_save, show_versions

MAPPINGS = ((diagnosis.FAMILY_BU, "bu", "Product family → BU"),
            (diagnosis.FAMILY_NATURE, "nature", "Product family → nature"))
EVIDENCE_MONEY = ["value", "median_value"]  # written as the page's figures: "$165.0M", not "165M"
DraftRows = dict[str, list[dict[str, Any]] | None]  # per mapping, its edited rows (None: they cannot be used yet)


def evidence_config(cur: str) -> dict[str, Any]:
    """The evidence columns' headers and help, with amounts in ``cur``."""
    return {
        "opportunities": st.column_config.NumberColumn("Opportunities", disabled=True, format="%d", width="small"),
        "value": st.column_config.NumberColumn(f"Value ({cur})", disabled=True, width="small"),
        "median_value": st.column_config.NumberColumn(f"Median deal ({cur})", disabled=True, width="small"),
        "won": st.column_config.TextColumn("Won", disabled=True, width="small",
                                           help="The share of its closed deals that were won, from the opportunities' "
                                                "outcome (open, won, lost): unknown without an outcome, or while all "
                                                "are open"),
        "bus": st.column_config.TextColumn("BUs it touches", disabled=True, width="medium"),
        "accounts": st.column_config.NumberColumn("Accounts", disabled=True, format="%d", width="small"),
    }


def evidence_of(page: Page, key: str) -> pd.DataFrame:
    """Per value of the column ``key`` (product family, type, stage): what a person mapping it can go on."""
    d = page.d
    return cache.evidence(session.database_url(), session.workspace(), d.portfolio_version, d.list_id, key,
                          d.opportunities)


def held(key: str, fresh: pd.DataFrame) -> pd.DataFrame:
    """The table an editor edits: kept as it was while it holds unsaved edits (an edit is kept against the rows it
    was made on), else the newest (the portfolio may have changed)."""
    state = st.session_state.get(key)
    pending = isinstance(state, dict) and any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))
    kept = st.session_state.get(f"{key}__base")
    if kept is None or (not pending and not kept.equals(fresh)):
        st.session_state[f"{key}__base"] = fresh
    base: pd.DataFrame = st.session_state[f"{key}__base"]
    return base


def show_mapping_import(page: Page, kind: str, target: str, gen: int) -> None:
    """A CSV or XLSX of one mapping, loaded into its editor (who may not save a mapping has no file to read)."""
    picked = uploads.read_upload("Import a CSV or XLSX", keys.mapping_file(kind, gen), types=["csv", "xlsx"],
                                 max_bytes=diagnosis.mapping_limits().max_bytes.value,
                                 help=f"Columns: product_family, {target}",
                                 what=" (it loads into the table; nothing is saved until you save)")
    if picked is not None and picked.read and st.session_state.get(keys.loaded(kind)) != picked.digest:
        try:
            rows = diagnosis.read_mapping_file(page.who, kind, picked.data, picked.name)["rows"]
        except GtmError as exc:
            widgets.show_error(exc)
        else:
            st.session_state[keys.imported(kind)] = rows
            st.session_state[keys.loaded(kind)] = picked.digest
            st.session_state[keys.file_gen(kind)] = st.session_state.get(keys.file_gen(kind), 0) + 1


def show_mapping(page: Page, kind: str, target: str, label: str) -> list[dict[str, Any]] | None:
    """One mapping's editor beside its evidence, its export, save and versions. Returns its edited rows (None: they
    cannot be used yet)."""
    gen, cur = page.gens[kind], page.currency
    st.subheader(label, anchor=False)
    if page.may_diagnose:
        show_mapping_import(page, kind, target, gen)
    active_rows = diagnosis.mapping_rows(page.store, kind)
    imported = st.session_state.get(keys.imported(kind))
    start = pd.DataFrame(imported, columns=active_rows.columns) if imported is not None else active_rows
    fresh = views.mapping_table(start, evidence_of(page, "product_family"))
    for column in EVIDENCE_MONEY:  # an editor takes no Styler: its read-only amounts as text (widgets.money_text)
        fresh[column] = widgets.money_text(fresh[column], cur)
    if target == "nature":
        fresh["nature"] = fresh["nature"].map(lambda v: page.labels.get(v, v))
    if imported is not None:
        st.caption("Loaded from the CSV: preview it, then save it as a version.")
    key = keys.mapping_editor(kind, gen, st.session_state.get(keys.file_gen(kind), 0))
    config = evidence_config(cur)
    edited = st.data_editor(
        held(key, fresh), key=key, num_rows="dynamic", hide_index=True, width="stretch",
        column_order=["product_family", target, *views.EVIDENCE_COLUMNS],
        column_config={"product_family": st.column_config.TextColumn("Product family", required=True),
                       target: (st.column_config.SelectboxColumn("Nature", options=list(NATURES.labels),
                                                                 width="medium")
                                if target == "nature" else st.column_config.TextColumn("BU", width="medium")),
                       **config,
                       **{c: st.column_config.TextColumn(config[c]["label"], disabled=True, width="small")
                          for c in EVIDENCE_MONEY}})
    rows: list[dict[str, Any]] | None
    try:
        content = diagnosis.mapping_content(kind, views.filled(edited, target), source=label)
    except GtmError as exc:
        widgets.show_error(exc)
        rows, changed = None, False
    else:
        rows = content["rows"]
        changed = rows != active_rows.to_dict("records")
    export = pd.DataFrame(rows if rows is not None else active_rows, columns=active_rows.columns)
    left, middle, right = st.columns(3)
    with left:
        # The editor's headers and words; commas always, since the import above reads this file back.
        st.download_button("Export as CSV", tables.people_csv(export, headers.MAPPINGS[kind], cur),
                           file_name=f"{kind}.csv", mime="text/csv", key=keys.export(kind),
                           icon=":material/download:", help="Comma-separated, as the import above reads it back")
    with middle:
        show_save(page, kind, {"rows": rows} if rows is not None else None, changed, "e.g. Families 2026")
    with right:
        show_versions(page, kind, "mapping")
    return rows


def show_other_evidence(page: Page) -> None:
    """The evidence by Type and Stage, for rules on those columns (when the data has them)."""
    others = [(c, w) for c, w in (("type", "Type"), ("stage", "Stage")) if not evidence_of(page, c).empty]
    if others:
        config = evidence_config(page.currency)
        with st.expander(f"Evidence by {' and '.join(w for _, w in others)} (for rules on those columns)"):
            for column, words in others:
                st.dataframe(widgets.money_table(evidence_of(page, column), EVIDENCE_MONEY, page.currency),
                             hide_index=True, key=keys.evidence(column), width="stretch",
                             column_config={column: words, **config})


def show_mappings(page: Page) -> DraftRows:
    """The Product families tab. Returns each mapping's edited rows."""
    st.caption("Fill each product family in beside what the data says about it. Its BU counts as the BU of every "
               "opportunity whose file names none (several BUs at one account suggest cross-selling; a BU not "
               "stored yet is created when you save). Its nature decides before the rules (a person and the CRM "
               "file still come first). Blank rows are families in the data without a mapping, largest first.")
    draft_rows: DraftRows = {kind: show_mapping(page, kind, target, label) for kind, target, label in MAPPINGS}
    if created := st.session_state.pop(keys.CREATED_BUS, None):
        st.success(f"New business units from the mapping: {plain(', '.join(created))}. Review and Admin list them.",
                   icon=":material/add_business:")
    show_other_evidence(page)
    return draft_rows
