"""Diagnose: edit the diagnosis rules and product family mappings with a live preview, ask the questions, and let
a person decide the opportunities nothing else diagnoses."""

import pandas as pd
import streamlit as st

from gtm.domain import coverage, portfolio, rule_table
from gtm.domain.diagnose import DiagnosisTable, Mappings
from gtm.domain.errors import GtmError
from gtm.domain.fmt import money, plain
from gtm.domain.permissions import Action, Actor, Role
from gtm.domain.vocabulary import APPROACHES, NATURES
from gtm.export import charts, headers, tables
from gtm.services import diagnosis
from pages.common import identity, session, widgets

s = session.store()
d = session.data()
cur = session.currency()
who = identity.actor()
may_diagnose = who.can(Action.DIAGNOSE)  # what the role cannot use is not shown; the services refuse it anyway
table, table_name = diagnosis.active_table(s)
st.title("Diagnose")
if refusal := diagnosis.refused_rules(s):
    st.error(plain(refusal), icon=":material/gpp_bad:")
st.caption("What nature is each opportunity? Rules and product family mappings decide where the file does not; "
           "a person decides the rest. Edits below are previewed on the whole portfolio and saved only when you save.")
has_data = not d.opportunities.empty
if not has_data:
    st.info("No opportunities to diagnose yet; import some on the Data page. You can still edit the rules.",
            icon=":material/inbox:")


def _active_name(kind: str) -> str:
    found = s.rule_version(kind)
    return "default" if found is None else found[0]


# A switch, reset or save starts the editors again from the new active versions (a new generation of keys).
active_names = (table_name, _active_name(diagnosis.FAMILY_BU), _active_name(diagnosis.FAMILY_NATURE))
if st.session_state.get("dg_base") != list(active_names):
    if "dg_base" in st.session_state:
        st.session_state["dg_gen"] = st.session_state.get("dg_gen", 0) + 1
        for kind in (diagnosis.DIAGNOSIS, diagnosis.FAMILY_BU, diagnosis.FAMILY_NATURE):
            st.session_state.pop(f"dg_imported_{kind}", None)
    st.session_state["dg_base"] = list(active_names)
gen = st.session_state.get("dg_gen", 0)


@st.cache_resource(max_entries=2, show_spinner="Diagnosing the portfolio under the draft…")  # each holds a portfolio
def _diagnosed(url: str | None, workspace: str, version: int, table_json: str, mappings_json: str,
               role: str) -> diagnosis.Preview:
    """The opportunities under a draft of the rules and mappings, as ``role`` may preview them (who may not save:
    a sample of whole accounts); shared read-only, keyed on small inputs."""
    return diagnosis.preview(session.store(workspace), Actor("what-if", Role(role)), diagnosis.parse_table(table_json),
                             Mappings.model_validate_json(mappings_json), session.stored_opportunities(workspace))


def _versions(kind: str, active: str, label: str) -> None:
    """Switch the active version of one rule table, or reset it to the default (who may diagnose)."""
    if not may_diagnose:
        st.caption(f"Active {label}: **{plain(active)}**.")
        return
    names = ["default", *s.rule_versions(kind)["name"].tolist()]
    target = st.selectbox(f"Active {label}", names, index=names.index(active) if active in names else 0,
                          key=f"dg_{kind}_version_{gen}")
    c1, c2 = st.columns(2)
    if c1.button("Activate", key=f"dg_{kind}_activate", disabled=target == active, width="stretch"):
        widgets.run_action(lambda: diagnosis.activate_version(s, who, kind, target), toast=f"Activated '{plain(target)}'")
    if c2.button("Reset to default", key=f"dg_{kind}_reset", disabled=active == "default", width="stretch"):
        widgets.run_action(lambda: diagnosis.activate_version(s, who, kind, "default"), toast="Back to the default")


def _save(kind: str, content: dict | None, changed: bool, placeholder: str) -> None:
    """A version name and a save button (the draft is saved and becomes active), for who may diagnose."""
    if not may_diagnose:
        st.caption("Your edits here are a what-if: sales leaders, facilitators and administrators save versions.")
        return
    name = st.text_input("Save as version", key=f"dg_{kind}_name", placeholder=placeholder)
    if st.button("Save and activate", type="primary", key=f"dg_{kind}_save", disabled=content is None or not changed,
                 width="stretch"):
        widgets.run_action(lambda: diagnosis.save_version(s, who, kind, name, content or {}),
                           toast=f"Saved and activated '{plain(name.strip())}'")


tab_rules, tab_maps, tab_quiz, tab_todo = st.tabs(["Rules", "Product families", "Questionnaire",
                                                   "To-do and overrides"])

# ------------------------------------------------------------------ rules
with tab_rules:
    st.caption(f"Active rules: **{plain(table_name)}**. First match wins, top to bottom; one row per condition, the "
               "rows of a rule together. Lists are comma-separated; the last rule has no condition.")
    if may_diagnose:  # rules as data: a JSON file shaped like data/diagnosis.json, or its rules
        picked = widgets.read_upload("Import rules (JSON)", f"dg_rules_file_{gen}", types=["json"],
                                     max_bytes=diagnosis.RULES_MAX_BYTES,
                                     help="A file shaped like data/diagnosis.json (python -m gtm rules export), or "
                                          "only its rules: they load into the grid below to preview, then save.",
                                     what=" (it loads into the grid; nothing is saved until you save)")
        if picked is not None and picked.read and st.session_state.get("dg_rules_loaded") != picked.digest:
            try:
                content = diagnosis.rules_file(picked.data, picked.name, table)
            except GtmError as exc:
                widgets.show_error(exc)
            else:
                st.session_state["dg_imported_diagnosis"] = content
                st.session_state["dg_rules_loaded"] = picked.digest
                st.session_state["dg_rules_gen"] = st.session_state.get("dg_rules_gen", 0) + 1
    imported_rules = st.session_state.get("dg_imported_diagnosis")
    grid = rule_table.rules_to_rows(diagnosis.parse_table(imported_rules) if imported_rules else table)
    if imported_rules:
        st.caption("Loaded from the file: preview it, then save it as a version.")
    # Every rule visible at once (35 px a row); the wording scrolls sideways on narrow screens.
    edited_rules = st.data_editor(
        grid, key=f"dg_rules_{gen}" + (f"_{n}" if (n := st.session_state.get("dg_rules_gen", 0)) else ""),
        num_rows="dynamic", hide_index=True, width="stretch",
        height=min(35 * (len(grid) + 2) + 3, 900),
        column_config={
            "rule": st.column_config.TextColumn("Rule id", width=170),
            "nature": st.column_config.SelectboxColumn("Nature", options=rule_table.nature_options(), width=190),
            "kind": st.column_config.SelectboxColumn("Kind", options=list(rule_table.KINDS), width=70,
                                                     help="What the condition tests: a signal, a column, a fact"),
            "subject": st.column_config.TextColumn("Subject", width=150),
            "op": st.column_config.SelectboxColumn("Op", options=list(rule_table.OPS), width=110),
            "value": st.column_config.TextColumn("Value", width=260, help="Lists: comma-separated"),
            "wording": st.column_config.TextColumn("Wording", width=420),
        })
    draft_table: DiagnosisTable | None
    try:
        draft_table = diagnosis.parse_table(rule_table.rows_to_content(edited_rules, table), source="the edited rules")
    except GtmError as exc:
        draft_table = None
        widgets.show_error(exc)
        st.caption("The preview keeps the active rules until the edit is valid.")
    rules_changed = draft_table is not None and draft_table != table
    left, right = st.columns(2)
    with left:
        _save(diagnosis.DIAGNOSIS, draft_table.model_dump(mode="json") if draft_table else None, rules_changed,
              "e.g. Workshop rules")
    with right:
        _versions(diagnosis.DIAGNOSIS, table_name, "rules")
    rules_preview = st.container()

# ------------------------------------------------------------------ product family mappings
LABELS = {t.code: t.label for t in NATURES.terms}
draft_rows: dict[str, list[dict] | None] = {}
map_changed: dict[str, bool] = {}
with tab_maps:
    st.caption("Map each product family to its BU (several BUs at one account suggest cross-selling) and, where a "
               "family says it, to a nature (decides where no rule does). Blank rows are families in the data "
               "without a mapping: fill them in.")
    cols = st.columns(2)
    for col, kind, target, label in ((cols[0], diagnosis.FAMILY_BU, "bu", "Product family → BU"),
                                     (cols[1], diagnosis.FAMILY_NATURE, "nature", "Product family → nature")):
        with col:
            st.subheader(label, anchor=False)
            picked = (widgets.read_upload("Import a CSV or XLSX", f"dg_{kind}_csv_{gen}", types=["csv", "xlsx"],
                                          max_bytes=diagnosis.mapping_limits().max_bytes.value,
                                          help=f"Columns: product_family, {target}",
                                          what=" (it loads into the grid; nothing is saved until you save)")
                      if may_diagnose else None)  # who may not save a mapping has no file to read either
            if picked is not None and picked.read and st.session_state.get(f"dg_{kind}_loaded") != picked.digest:
                try:
                    rows = diagnosis.read_mapping_file(who, kind, picked.data, picked.name)["rows"]
                except GtmError as exc:
                    widgets.show_error(exc)
                else:
                    st.session_state[f"dg_imported_{kind}"] = rows
                    st.session_state[f"dg_{kind}_loaded"] = picked.digest
                    st.session_state[f"dg_{kind}_gen"] = st.session_state.get(f"dg_{kind}_gen", 0) + 1
            active_rows = diagnosis.mapping_rows(s, kind)
            imported = st.session_state.get(f"dg_imported_{kind}")
            start = pd.DataFrame(imported, columns=active_rows.columns) if imported is not None else active_rows
            base = coverage.family_gaps(start, d.opportunities)
            if target == "nature":
                base["nature"] = base["nature"].map(lambda v: LABELS.get(v, v))
            if imported is not None:
                st.caption("Loaded from the CSV: preview it, then save it as a version.")
            edited = st.data_editor(
                base, key=f"dg_{kind}_editor_{gen}_{st.session_state.get(f'dg_{kind}_gen', 0)}", num_rows="dynamic",
                hide_index=True, width="stretch",
                column_config={"product_family": st.column_config.TextColumn("Product family", required=True),
                               target: (st.column_config.SelectboxColumn("Nature", options=list(NATURES.labels))
                                        if target == "nature" else st.column_config.TextColumn("BU"))})
            try:
                content = diagnosis.mapping_content(kind, coverage.filled(edited, target), source=label)
            except GtmError as exc:
                widgets.show_error(exc)
                draft_rows[kind], map_changed[kind] = None, False
            else:
                draft_rows[kind] = content["rows"]
                map_changed[kind] = content["rows"] != active_rows.to_dict("records")
            export = pd.DataFrame(draft_rows[kind] if draft_rows[kind] is not None else active_rows,
                                  columns=active_rows.columns)
            # The editor's headers and words; commas always, since the import above reads this file back.
            st.download_button("Export as CSV", tables.people_csv(export, headers.MAPPINGS[kind], cur),
                               file_name=f"{kind}.csv", mime="text/csv", key=f"dg_{kind}_export",
                               icon=":material/download:", help="Comma-separated, as the import above reads it back")
            _save(kind, {"rows": draft_rows[kind]} if draft_rows[kind] is not None else None, map_changed[kind],
                  "e.g. Families 2026")
            _versions(kind, active_names[1 if kind == diagnosis.FAMILY_BU else 2], "mapping")
    maps_preview = st.container()


def _pairs(kind: str, target: str) -> list[tuple[str, str]]:
    rows = draft_rows.get(kind)
    frame = pd.DataFrame(rows) if rows is not None else diagnosis.mapping_rows(s, kind)
    return list(zip(frame.get("product_family", []), frame.get(target, [])))


active_mappings = diagnosis.active_mappings(s)
draft_mappings = Mappings.from_rows(_pairs(diagnosis.FAMILY_BU, "bu"), _pairs(diagnosis.FAMILY_NATURE, "nature"))
preview_table = draft_table or table
changed = preview_table != table or draft_mappings != active_mappings
before = d.opportunities
after = before
sampled, sample_note = False, ""
if changed and has_data:
    preview = _diagnosed(session.database_url(), session.workspace(), s.portfolio_version(),
                         preview_table.model_dump_json(), draft_mappings.model_dump_json(), who.role.value)
    after, sampled = preview.opportunities, preview.sampled
    if sampled:  # the same accounts on both sides
        before = before[before["opportunity_id"].isin(after["opportunity_id"])]
        sample_note = (f"A what-if on a sample of {before['account_id'].nunique():,} whole accounts ({len(after):,} of "
                       f"{preview.total:,} opportunities): sales leaders, facilitators and administrators preview the "
                       "whole portfolio.")


def _draw_preview(where: str) -> None:
    """Coverage and the nature distribution before → after, and what changes."""
    st.subheader(("Preview on a sample" if sampled else "Preview on the whole portfolio") if changed
                 else "The portfolio under the active rules", anchor=False)
    if changed and sampled:
        st.caption(sample_note)
    if not has_data:
        st.info("Nothing to preview: no opportunities yet.", icon=":material/inbox:")
        return
    cov_before, cov_after = coverage.coverage(before), coverage.coverage(after)
    m = st.columns(3)
    delta = (cov_after.share - cov_before.share) * 100
    m[0].metric("Coverage", f"{cov_after.share:.1%}", f"{delta:+.1f} pts" if changed and round(delta, 1) else None,
                help="Share of the value the CRM file gave no nature for that a rule, a mapping or a person "
                     "diagnoses.")
    undiagnosed_delta = cov_after.undiagnosed_count - cov_before.undiagnosed_count
    m[1].metric("Not yet diagnosed", f"{cov_after.undiagnosed_count:,}",
                f"{undiagnosed_delta:+,}" if undiagnosed_delta else None, delta_color="inverse")
    m[2].metric("Value not yet diagnosed", money(cov_after.undiagnosed_value, cur))
    if changed:
        st.caption(f"Coverage {cov_before.share:.1%} → {cov_after.share:.1%}")
    shown = (["nature", "count_before", "count_after", "count_change", "value_before", "value_after"] if changed
             else ["nature", "count_after", "value_after"])
    st.dataframe(coverage.distribution(before, after), hide_index=True, key=f"dg_dist_{where}",
                 width="stretch", column_order=shown,
                 column_config={"nature": "Nature", "count_before": "Before",
                                "count_after": "After" if changed else "Opportunities", "count_change": "Change",
                                "value_before": st.column_config.NumberColumn(f"Value before ({cur})", format="compact"),
                                "value_after": st.column_config.NumberColumn(f"Value after ({cur})" if changed
                                                                             else f"Value ({cur})", format="compact")})
    if not changed:
        return
    moved = coverage.changes(before, after)
    accounts = coverage.account_changes(moved)
    st.markdown(f"**{len(moved):,}** opportunities ({plain(money(moved['value'].sum(), cur))}) change nature, at "
                f"**{len(accounts):,}** accounts.")
    if len(moved):
        link = st.column_config.LinkColumn("Account id", display_text=r"account=(.*)")
        # The accounts table below links to each account; here the opportunity's columns fit without scrolling.
        st.dataframe(moved.head(500), hide_index=True, key=f"dg_moved_{where}", width="stretch",
                     column_order=["name", "account_name", "value", "nature_before", "nature_after", "rule_after"],
                     column_config={"name": "Opportunity", "account_name": "Account",
                                    "value": st.column_config.NumberColumn(f"Value ({cur})", format="compact"),
                                    "nature_before": "Nature before", "nature_after": "Nature after",
                                    "rule_after": "Rule after"})
        st.dataframe(accounts.head(500).assign(link=session.account_links(accounts["account_id"], "/account")),
                     hide_index=True, key=f"dg_accounts_{where}", width="stretch",
                     column_order=["link", "account_name", "opportunities", "value"],
                     column_config={"link": link, "account_name": "Account", "opportunities": "Opportunities changing",
                                    "value": st.column_config.NumberColumn(f"Value ({cur})", format="compact")})


with rules_preview:
    _draw_preview("rules")
with maps_preview:
    _draw_preview("maps")

# ------------------------------------------------------------------ questionnaire
opp_names: dict[str, str] = {}  # labels of the opportunities offered on this run (not of a million)


def _pick_opportunity(label: str, key: str, help: str) -> str | None:
    """Find an opportunity by name, account or id; the not yet diagnosed come first, largest first."""
    query = st.text_input("Find an opportunity", key=f"{key}_find", placeholder="Part of a name, account or id")
    options = coverage.pick_list(before, query)
    kept = st.session_state.get(key)
    if not query.strip() and kept is not None and kept not in options:
        options.insert(0, kept)  # the opportunity just decided stays chosen even when it leaves the default list
    # The id first: a long name is cut at the end of a narrow selectbox, never the id.
    opp_names.update(coverage.labels(before, options))
    options = [o for o in options if o in opp_names]  # a kept id no longer stored drops out
    if not options:
        st.warning(f"No opportunity matches '{plain(query)}'.")
        return None
    chosen: str = st.selectbox(label, options, format_func=lambda o: opp_names.get(o, o), key=key, help=help)
    return chosen


with tab_quiz:
    st.caption(f"Answer in plain words; the active rules (**{plain(table_name)}**) classify as you go.")
    left, right = st.columns(2)
    with left:
        name = st.text_input("The opportunity's name", key="dg_q_name", placeholder="e.g. Line 4 turnkey plant")
        answers: dict[str, object] = {}
        for signal, spec in table.signals.items():
            if spec.type == "bool":
                answers[signal] = st.radio(rule_table.question(spec), ["no", "yes"], horizontal=True,
                                           key=f"dg_q_{signal}")
            else:
                answers[signal] = st.number_input(rule_table.question(spec), min_value=0, step=1,
                                                  key=f"dg_q_{signal}")
    with right:
        result = rule_table.classify(table, name, answers, active_mappings)
        with st.container(border=True, key="dg_q_result"):
            st.caption("Nature")
            st.markdown(f"### {plain(LABELS[result.nature]) if result.nature else 'Not yet diagnosed'}")
            st.markdown(f"Rule **{plain(result.rule)}**: {plain(result.wording)}")
        opp = (_pick_opportunity("Apply to the opportunity", "dg_q_opp",
                                 "Opportunities not yet diagnosed come first, largest first.") if has_data else None)
        if opp is not None:
            row = before.loc[before["opportunity_id"] == opp].iloc[0]
            current = str(row["approach"]) if pd.notna(row["approach"]) else portfolio.assumed_approach()
            approach = st.selectbox("Approach", list(APPROACHES.codes), index=APPROACHES.codes.index(current),
                                    format_func=APPROACHES.label, key=f"dg_q_approach_{opp}",
                                    help="The account's current approach; change it to try another.")
            if result.nature:
                fit, _steps = d.matrix.fit(result.nature, approach)
                st.markdown(f"**{plain(charts.fit_badge(fit))}** · {plain(d.matrix.explain(result.nature, approach))}")
            else:
                st.caption("No nature, so no place on the matrix yet.")
            if may_diagnose and st.button("Apply to this opportunity", type="primary", key="dg_q_apply",
                                          disabled=not result.nature):
                widgets.run_action(lambda: diagnosis.override_nature(s, who, opp, result.nature,
                                                                     f"Questionnaire: {result.wording}"),
                                   toast=f"Nature set for {plain(opp_names.get(opp, opp))}")

# ------------------------------------------------------------------ to-do and overrides
WITHDRAW = "withdraw the override (back to the rules)"
with tab_todo:
    if not has_data:
        st.info("No opportunities yet, so nothing to diagnose.", icon=":material/inbox:")
    else:
        todo = portfolio.undiagnosed_todo(d.assessed)
        st.subheader(f"Not yet diagnosed: {len(todo):,} ({money(todo['value'].sum(), cur)})", anchor=False)
        if todo.empty:
            st.success("Every opportunity has a nature.")
        else:
            st.dataframe(todo.head(1000).assign(link=session.account_links(todo["account_id"], "/account")),
                         hide_index=True, key="dg_todo", width="stretch",
                         column_order=["opportunity_id", "name", "value", "link", "account_name",
                                       *(["product_family"] if todo["product_family"].notna().any() else [])],
                         column_config={"opportunity_id": "Id", "name": "Opportunity",
                                        "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)"),
                                        "account_name": "Account", "product_family": "Product family",
                                        "value": st.column_config.NumberColumn(f"Value ({cur})", format="compact")})
        st.subheader("Set an opportunity's nature", anchor=False)
        pick = _pick_opportunity("Opportunity", "dg_ov_opp", "Opportunities not yet diagnosed come first, largest first.")
        if pick is None:
            st.stop()
        chosen = before.loc[before["opportunity_id"] == pick].iloc[0]
        st.markdown(f"Now: **{plain(LABELS.get(str(chosen['nature']), 'not yet diagnosed'))}** "
                    f"({plain(chosen['nature_source'])}) · {plain(chosen['diagnosis_reason'])}")
        if not may_diagnose:
            st.caption("Sales leaders, facilitators and administrators set an opportunity's nature.")
        else:
            with st.form("dg_ov_form", border=True):
                nature = st.selectbox("Nature", [*NATURES.labels, WITHDRAW], key="dg_ov_nature")
                reason = st.text_area("Reason", key="dg_ov_reason",
                                      placeholder="What you know that the data does not say")
                if st.form_submit_button("Record", type="primary", key="dg_ov_save"):
                    widgets.run_action(lambda: diagnosis.override_nature(s, who, pick, None if nature == WITHDRAW
                                                                         else nature, reason),
                                       toast="Recorded")
        history = coverage.override_history(s.nature_overrides(), pick)
        st.caption("Overrides of this opportunity, newest first")
        if history.empty:
            st.caption("None yet.")
        else:
            st.dataframe(history, hide_index=True, key="dg_ov_history", width="stretch",
                         column_config={"nature": "Nature", "reason": "Reason", "author": "By",
                                        "created_at": st.column_config.DatetimeColumn("When")})
