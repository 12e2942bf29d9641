"""Diagnose: edit the diagnosis rules (as sentences, or as the advanced grid) and the product family mappings beside
their evidence, with a live preview; ask the questions about one opportunity; let a person decide the rest."""

from typing import Any

import pandas as pd
import streamlit as st

from gtm import display
from gtm.display import money, plain
from gtm.domain import coverage, portfolio, rule_table, rule_words
from gtm.domain.types import APPROACHES, NATURES, Action, DiagnosisTable, GtmError, Mappings
from gtm.export import charts, headers, tables
from gtm.services import diagnosis
from pages.common import address, cache, capture, fragments, identity, rule_editor, session, uploads, widgets

s = session.store()
d = session.data()
cur = session.currency()
who = identity.actor()
may_diagnose = who.can(Action.DIAGNOSE)  # what the role cannot use is not shown; the services refuse it anyway
table, table_name = diagnosis.active_table(s)
st.title("Diagnose")
if refusal := diagnosis.refused_rules(s):
    st.error(plain(refusal), icon=":material/gpp_bad:")
st.caption("What nature is each opportunity? In this order: a person's decision, the nature the CRM file gives, the "
           "product family → nature mapping, then the rules, first match from the top. Edits below are previewed "
           "on the whole portfolio and saved only when you save.")
has_data = not d.opportunities.empty
if not has_data:
    st.info("No opportunities to diagnose yet; import some on the Import page. You can still edit the rules.",
            icon=":material/inbox:")


def _active_name(kind: str) -> str:
    found = s.rule_version(kind)
    return "default" if found is None else found[0]


KINDS = (diagnosis.DIAGNOSIS, diagnosis.FAMILY_BU, diagnosis.FAMILY_NATURE)
active_names = {diagnosis.DIAGNOSIS: table_name, diagnosis.FAMILY_BU: _active_name(diagnosis.FAMILY_BU),
                diagnosis.FAMILY_NATURE: _active_name(diagnosis.FAMILY_NATURE)}


def _generations() -> dict[str, int]:
    """Per rule table, a generation that moves on when its active version changes (a save, switch or reset): only
    that table's editor starts again from the new version; the others keep their unsaved edits."""
    gens: dict[str, int] = st.session_state.setdefault("dg_gens", {kind: 0 for kind in KINDS})
    seen: dict[str, str] = st.session_state.setdefault("dg_seen", dict(active_names))
    for kind in KINDS:
        if seen.get(kind) != active_names[kind]:
            gens[kind] = gens.get(kind, 0) + 1
            seen[kind] = active_names[kind]
            st.session_state.pop(f"dg_imported_{kind}", None)
    return gens


gens = _generations()


def _versions(kind: str, active: str, label: str) -> None:
    """Switch the active version of one rule table, or reset it to the default (who may diagnose)."""
    if not may_diagnose:
        st.caption(f"Active {label}: **{plain(active)}**.")
        return
    names = ["default", *s.rule_versions(kind)["name"].tolist()]
    target = st.selectbox(f"Active {label}", names, index=names.index(active) if active in names else 0,
                          key=f"dg_{kind}_version_{gens[kind]}")
    c1, c2 = st.columns(2)
    if c1.button("Activate", key=f"dg_{kind}_activate", disabled=target == active, width="stretch"):
        widgets.run_action(lambda: diagnosis.activate_version(s, who, kind, target), toast=f"Activated '{plain(target)}'")
    if c2.button("Reset to default", key=f"dg_{kind}_reset", disabled=active == "default", width="stretch"):
        widgets.run_action(lambda: diagnosis.activate_version(s, who, kind, "default"), toast="Back to the default")


def _save(kind: str, content: dict[str, Any] | None, changed: bool, placeholder: str) -> None:
    """A version name and a save button (the draft is saved and becomes active), for who may diagnose."""
    if not may_diagnose:
        st.caption(f"Your edits here are a what-if: {display.roles_allowed(Action.DIAGNOSE)} save versions.")
        return
    name = st.text_input("Save as version", key=f"dg_{kind}_name", placeholder=placeholder)
    if st.button("Save and activate", type="primary", key=f"dg_{kind}_save", disabled=content is None or not changed,
                 width="stretch"):
        widgets.run_action(lambda: diagnosis.save_version(s, who, kind, name, content or {}),
                           toast=f"Saved and activated '{plain(name.strip())}'", flags=lambda created: {
                               "dg_created_bus": created} if created else {})


TABS = {"rules": "Rules", "families": "Product families", "questionnaire": "Questionnaire",
        "todo": "To-do and overrides"}
# ?tab=families: a link whose fix is mapping product families (the first hour's BUs and natures) opens that tab.
tab_rules, tab_maps, tab_quiz, tab_todo = st.tabs(list(TABS.values()),
                                                  default=TABS.get(str(st.query_params.get("tab", "")), TABS["rules"]))

# ------------------------------------------------------------------ rules
columns_said = diagnosis.column_words()
rules_gen = gens[diagnosis.DIAGNOSIS]
rule_editor.start(table, rules_gen)


with tab_rules:
    st.caption(f"Active rules: **{plain(table_name)}**. Each rule as a sentence, first match wins from the top; pick "
               "one to edit it. The rules decide only where no person, no CRM file and no product family mapping "
               "has said which nature.")
    if may_diagnose:  # rules as data: a JSON file shaped like data/diagnosis.json, or its rules
        picked = uploads.read_upload("Import rules (JSON)", f"dg_rules_file_{rules_gen}", types=["json"],
                                     max_bytes=diagnosis.RULES_MAX_BYTES,
                                     help="A file shaped like data/diagnosis.json (python -m gtm rules export), or "
                                          "only its rules: they load into the editor below to preview, then save.",
                                     what=" (it loads into the editor; nothing is saved until you save)")
        if picked is not None and picked.read and st.session_state.get("dg_rules_loaded") != picked.digest:
            try:
                content = diagnosis.rules_file(picked.data, picked.name, table)
            except GtmError as exc:
                widgets.show_error(exc)
            else:
                rule_editor.load(diagnosis.parse_table(content), rules_gen)
                st.session_state["dg_imported_diagnosis"] = True
                st.session_state["dg_rules_loaded"] = picked.digest
    if st.session_state.get("dg_imported_diagnosis"):
        st.caption("Loaded from the file: preview it, then save it as a version.")
    column_names = [*cache.rule_columns(session.database_url(), session.workspace(), d.portfolio_version,
                                  d.opportunities),
                    *diagnosis.rule_columns(pd.DataFrame(), table)]
    rule_editor.show_sentences(rules_gen, table, cur, columns_said, list(dict.fromkeys(column_names)))
    with st.expander("Advanced: the rules as a grid (one row per condition)"):
        st.caption("The same draft as the sentences above: an edit here shows there. Lists are comma-separated; "
                   "the last rule has no condition.")
        grid_pending = rule_editor.show_grid(rules_gen, table)
    draft = rule_editor.validated(rules_gen, table, grid_pending)
    if draft.problem is not None:
        widgets.show_error(draft.problem)
        st.caption("The preview keeps the active rules until the edit can be used.")
    draft_table: DiagnosisTable | None = draft.table if not draft.grid_pending else None
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
draft_rows: dict[str, list[dict[str, Any]] | None] = {}
map_changed: dict[str, bool] = {}


def _evidence_of(key: str) -> pd.DataFrame:
    return cache.evidence(session.database_url(), session.workspace(), d.portfolio_version, d.list_id, key,
                     d.opportunities)


def _held(key: str, fresh: pd.DataFrame) -> pd.DataFrame:
    """The table an editor edits: kept as it was while it holds unsaved edits (an edit is kept against the rows it
    was made on), else the newest (the portfolio may have changed)."""
    state = st.session_state.get(key)
    pending = isinstance(state, dict) and any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))
    held = st.session_state.get(f"{key}__base")
    if held is None or (not pending and not held.equals(fresh)):
        st.session_state[f"{key}__base"] = fresh
    base: pd.DataFrame = st.session_state[f"{key}__base"]
    return base


EVIDENCE_MONEY = ["value", "median_value"]  # written as the page's figures: "$165.0M", not "165M"
EVIDENCE_CONFIG = {
    "opportunities": st.column_config.NumberColumn("Opportunities", disabled=True, format="%d", width="small"),
    "value": st.column_config.NumberColumn(f"Value ({cur})", disabled=True, width="small"),
    "median_value": st.column_config.NumberColumn(f"Median deal ({cur})", disabled=True, width="small"),
    "won": st.column_config.TextColumn("Won", disabled=True, width="small",
                                       help="The share of its closed deals that were won, from the opportunities' "
                                            "outcome (open, won, lost): unknown without an outcome, or while all are "
                                            "open"),
    "bus": st.column_config.TextColumn("BUs it touches", disabled=True, width="medium"),
    "accounts": st.column_config.NumberColumn("Accounts", disabled=True, format="%d", width="small"),
}

with tab_maps:
    st.caption("Fill each product family in beside what the data says about it. Its BU counts as the BU of every "
               "opportunity whose file names none (several BUs at one account suggest cross-selling; a BU not "
               "stored yet is created when you save). Its nature decides before the rules (a person and the CRM "
               "file still come first). Blank rows are families in the data without a mapping, largest first.")
    for kind, target, label in ((diagnosis.FAMILY_BU, "bu", "Product family → BU"),
                                (diagnosis.FAMILY_NATURE, "nature", "Product family → nature")):
        gen = gens[kind]
        st.subheader(label, anchor=False)
        picked = (uploads.read_upload("Import a CSV or XLSX", f"dg_{kind}_csv_{gen}", types=["csv", "xlsx"],
                                      max_bytes=diagnosis.mapping_limits().max_bytes.value,
                                      help=f"Columns: product_family, {target}",
                                      what=" (it loads into the table; nothing is saved until you save)")
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
        fresh = coverage.mapping_table(start, _evidence_of("product_family"))
        for column in EVIDENCE_MONEY:  # an editor takes no Styler: its read-only amounts as text (widgets.money_text)
            fresh[column] = widgets.money_text(fresh[column], cur)
        if target == "nature":
            fresh["nature"] = fresh["nature"].map(lambda v: LABELS.get(v, v))
        if imported is not None:
            st.caption("Loaded from the CSV: preview it, then save it as a version.")
        key = f"dg_{kind}_editor_{gen}_{st.session_state.get(f'dg_{kind}_gen', 0)}"
        edited = st.data_editor(
            _held(key, fresh), key=key, num_rows="dynamic", hide_index=True, width="stretch",
            column_order=["product_family", target, *coverage.EVIDENCE_COLUMNS],
            column_config={"product_family": st.column_config.TextColumn("Product family", required=True),
                           target: (st.column_config.SelectboxColumn("Nature", options=list(NATURES.labels),
                                                                     width="medium")
                                    if target == "nature" else st.column_config.TextColumn("BU", width="medium")),
                           **EVIDENCE_CONFIG,
                           **{c: st.column_config.TextColumn(EVIDENCE_CONFIG[c]["label"], disabled=True, width="small")
                              for c in EVIDENCE_MONEY}})
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
        left, middle, right = st.columns(3)
        with left:
            # The editor's headers and words; commas always, since the import above reads this file back.
            st.download_button("Export as CSV", tables.people_csv(export, headers.MAPPINGS[kind], cur),
                               file_name=f"{kind}.csv", mime="text/csv", key=f"dg_{kind}_export",
                               icon=":material/download:", help="Comma-separated, as the import above reads it back")
        with middle:
            _save(kind, {"rows": draft_rows[kind]} if draft_rows[kind] is not None else None, map_changed[kind],
                  "e.g. Families 2026")
        with right:
            _versions(kind, active_names[kind], "mapping")
    if created := st.session_state.pop("dg_created_bus", None):
        st.success(f"New business units from the mapping: {plain(', '.join(created))}. Review and Admin list them.",
                   icon=":material/add_business:")
    others = [(c, w) for c, w in (("type", "Type"), ("stage", "Stage")) if not _evidence_of(c).empty]
    if others:
        with st.expander(f"Evidence by {' and '.join(w for _, w in others)} (for rules on those columns)"):
            for column, words in others:
                st.dataframe(widgets.money_table(_evidence_of(column), EVIDENCE_MONEY, cur), hide_index=True,
                             key=f"dg_evidence_{column}", width="stretch", column_config={column: words, **EVIDENCE_CONFIG})
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
draft_key = ("", "", "")  # the draft previewed (none: the active rules and mappings)
if changed and has_data:
    draft_key = (preview_table.model_dump_json(), draft_mappings.model_dump_json(), who.role.value)
    preview = cache.diagnosed(session.database_url(), session.workspace(), session.portfolio_version(), *draft_key,
                              session.stored_opportunities())
    after, sampled = preview.opportunities, preview.sampled
    if sampled:  # the same accounts on both sides
        before = cache.sampled(session.database_url(), session.workspace(), d.portfolio_version, d.list_id, *draft_key,
                          before, after)
        sample_note = (f"A what-if on a sample of {before['account_id'].nunique():,} whole accounts ({len(after):,} of "
                       f"{preview.total:,} opportunities): {display.roles_allowed(Action.DIAGNOSE)} preview the whole "
                       "portfolio.")
compared = (cache.compared(session.database_url(), session.workspace(), d.portfolio_version, d.list_id, *draft_key,
                      before, after) if has_data else None)

dominant = compared.dominant if compared is not None else None
dominant_note = ""
if dominant is not None:
    ruling = next((r for r in preview_table.rules if r.id == dominant.rule), None)
    said = f" {rule_words.rule_sentence(ruling, preview_table, cur, columns_said)}" if ruling else ""
    dominant_note = (f"One rule decides {dominant.share:.0%} of the diagnosed value ({money(dominant.value, cur)}): "
                     f"check it. {dominant.rule}:{said} A rule that decides most of a portfolio usually describes "
                     "the accounts rather than each deal: a product family mapping or a narrower rule says more.")


def _draw_preview(where: str) -> None:
    """Coverage and the nature distribution before → after, and what changes."""
    st.subheader(("Preview on a sample" if sampled else "Preview on the whole portfolio") if changed
                 else "The portfolio under the active rules", anchor=False)
    if changed and sampled:
        st.caption(sample_note)
    if not has_data:
        st.info("Nothing to preview: no opportunities yet.", icon=":material/inbox:")
        return
    assert compared is not None
    cov_before, cov_after = compared.before, compared.after
    m = st.columns(3)
    delta = (cov_after.share - cov_before.share) * 100
    m[0].metric("Coverage", f"{cov_after.share:.1%}", f"{delta:+.1f} pts" if changed and round(delta, 1) else None,
                help="Share of the value the CRM file gave no nature for that a rule, a mapping or a person "
                     "diagnoses (lost deals left out).")
    undiagnosed_delta = cov_after.undiagnosed_count - cov_before.undiagnosed_count
    m[1].metric("Not yet diagnosed", f"{cov_after.undiagnosed_count:,}",
                f"{undiagnosed_delta:+,}" if undiagnosed_delta else None, delta_color="inverse")
    m[2].metric("Value not yet diagnosed", money(cov_after.undiagnosed_value, cur))
    if lost_note := coverage.left_out(cov_after, cur):
        st.caption(plain(lost_note))
    if dominant_note:
        st.warning(plain(dominant_note), icon=":material/rule:")
    if changed:
        st.caption(f"Coverage {cov_before.share:.1%} → {cov_after.share:.1%}")
    shown = (["nature", "count_before", "count_after", "count_change", "value_before", "value_after"] if changed
             else ["nature", "count_after", "value_after"])
    # Amounts as the figures above write them ("$178.8M", not "179M"): widgets.money_table.
    st.dataframe(widgets.money_table(compared.distribution, ["value_before", "value_after"], cur),
                 hide_index=True, key=f"dg_dist_{where}", width="stretch", column_order=shown,
                 column_config={"nature": "Nature", "count_before": "Before",
                                "count_after": "After" if changed else "Opportunities", "count_change": "Change",
                                "value_before": st.column_config.NumberColumn(f"Value before ({cur})"),
                                "value_after": st.column_config.NumberColumn(f"Value after ({cur})" if changed
                                                                             else f"Value ({cur})")})
    if not changed:
        return
    moved, accounts = compared.changes, compared.accounts
    st.markdown(f"**{len(moved):,}** opportunities ({plain(money(moved['value'].sum(), cur))}) change nature, at "
                f"**{len(accounts):,}** accounts.")
    if len(moved):
        link = st.column_config.LinkColumn("Account id", display_text=r"account=(.*)")
        # The accounts table below links to each account; here the opportunity's columns fit without scrolling.
        st.dataframe(widgets.money_table(moved.head(500), ["value"], cur), hide_index=True, key=f"dg_moved_{where}",
                     width="stretch",
                     column_order=["name", "account_name", "value", "nature_before", "nature_after", "rule_after"],
                     column_config={"name": "Opportunity", "account_name": "Account",
                                    "value": st.column_config.NumberColumn(f"Value ({cur})"),
                                    "nature_before": "Nature before", "nature_after": "Nature after",
                                    "rule_after": "Found after"})
        st.dataframe(widgets.money_table(accounts.head(500).assign(
                         link=address.account_links(accounts["account_id"], "/account")), ["value"], cur),
                     hide_index=True, key=f"dg_accounts_{where}", width="stretch",
                     column_order=["link", "account_name", "opportunities", "value"],
                     column_config={"link": link, "account_name": "Account", "opportunities": "Opportunities changing",
                                    "value": st.column_config.NumberColumn(f"Value ({cur})")})


with rules_preview:
    _draw_preview("rules")
with maps_preview:
    _draw_preview("maps")

# ------------------------------------------------------------------ questionnaire
opp_names: dict[str, str] = {}  # labels of the opportunities offered on this run (not of a million)


def _pick_opportunity(label: str, key: str, help: str) -> str | None:
    """Find an opportunity by name, account or id; the not yet diagnosed come first, largest first."""
    query = st.text_input("Find an opportunity", key=f"{key}_find", placeholder="Part of a name, account or id")
    found, names = cache.picks(session.database_url(), session.workspace(), d.portfolio_version, d.list_id, *draft_key,
                          query.strip(), before)
    options = list(found)
    opp_names.update(names)
    kept = st.session_state.get(key)
    if not query.strip() and kept is not None and kept not in options:
        options.insert(0, kept)  # the opportunity just decided stays chosen even when it leaves the default list
        opp_names.update(coverage.labels(before, [kept]))
    # The id first: a long name is cut at the end of a narrow selectbox, never the id.
    options = [o for o in options if o in opp_names]  # a kept id no longer stored drops out
    if not options:
        st.warning(f"No opportunity matches '{plain(query)}'.")
        return None
    # The widget keeps the dict's bound method (and so the labels), never this page's namespace.
    chosen: str = st.selectbox(label, options, format_func=opp_names.__getitem__, key=key, help=help)
    return chosen


def _start_questions(opp: str | None, row: pd.Series | None) -> None:
    """A newly chosen opportunity: its name and the answers its file gives fill the questions (before they are
    drawn); the person answers the rest."""
    if st.session_state.get("dg_q_for", "") == (opp or ""):
        return
    st.session_state["dg_q_for"] = opp or ""
    given = rule_table.given_answers(row["signals"] if row is not None and "signals" in row else None, table)
    st.session_state["dg_q_name"] = "" if row is None or pd.isna(row["name"]) else str(row["name"])
    for signal, spec in table.signals.items():
        st.session_state[f"dg_q_{signal}"] = given.get(signal, "no" if spec.type == "bool" else 0)
    st.session_state["dg_q_given"] = sorted(given)


def _row(opp: str) -> pd.Series:
    """The opportunity ``opp`` as the page shows it (before any draft)."""
    return before.loc[before["opportunity_id"] == opp].iloc[0]


# Answering a question, or picking another opportunity, reruns only the questionnaire (a fragment), not the editors
# and previews of the other tabs.
@fragments.fragment("Diagnose: questionnaire")
def questionnaire() -> None:
    """Pick an opportunity, answer in plain words, and see the nature the active rules give it and its fit."""
    st.caption(f"Pick an opportunity: what the data already says about it is filled in; answer the rest in plain "
               f"words and the active rules (**{plain(table_name)}**) classify as you go.")
    opp = (_pick_opportunity("The opportunity", "dg_q_opp", "Opportunities not yet diagnosed come first, largest "
                             "first.") if has_data else None)
    row = _row(opp) if opp is not None else None
    account = d.opportunities[d.opportunities["account_id"] == row["account_id"]] if row is not None else None
    _start_questions(opp, row)
    left, right = st.columns(2)
    with left:
        if row is not None and account is not None:
            known = rule_table.known_facts(account, str(opp), cur)
            st.markdown("**What the data says**\n\n" + "\n".join(f"- {plain(what)}: {plain(said)}"
                                                                  for what, said in known))
        name = st.text_input("The opportunity's name", key="dg_q_name", placeholder="e.g. Line 4 turnkey plant")
        given = set(st.session_state.get("dg_q_given", []))
        answers: dict[str, object] = {}
        for signal, spec in table.signals.items():
            asked = rule_table.question(spec) + (" (the CRM file says)" if signal in given else "")
            if spec.type == "bool":
                answers[signal] = st.radio(asked, ["no", "yes"], horizontal=True, key=f"dg_q_{signal}")
            else:
                answers[signal] = st.number_input(asked, min_value=0, step=1, key=f"dg_q_{signal}")
    with right:
        result = rule_table.classify(table, name, answers, active_mappings, account=account, opportunity_id=opp)
        with st.container(border=True, key="dg_q_result"):
            st.caption("Nature by the rules")
            st.markdown(f"### {plain(LABELS[result.nature]) if result.nature else 'Not yet diagnosed'}")
            st.markdown(f"Rule **{plain(result.rule)}**: {plain(result.wording)}")
            if result.mapped:
                family = row["product_family"] if row is not None else ""
                st.caption(plain(f"Its product family '{family}' is mapped to {LABELS[result.mapped]}: the mapping "
                                 "decides before the rules. Applying your answer records a person's decision, which "
                                 "decides before both."))
        if row is not None and opp is not None:
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


with tab_quiz:
    questionnaire()


# ------------------------------------------------------------------ to-do and overrides
WITHDRAW = "withdraw the override (back to the rules)"


# Picking an opportunity to set its nature reruns only this tab's part (a fragment).
@fragments.fragment("Diagnose: to-do and overrides")
def todo_and_overrides() -> None:
    """The opportunities not yet diagnosed, and a person's decision on one opportunity's nature."""
    if not has_data:
        st.info("No opportunities yet, so nothing to diagnose.", icon=":material/inbox:")
        return
    todo = cache.todo(session.database_url(), session.workspace(), d.portfolio_version, d.list_id, d.assessed)
    st.subheader(f"Not yet diagnosed: {len(todo):,} ({money(todo['value'].sum(), cur)})", anchor=False)
    if todo.empty:
        st.success("Every opportunity has a nature.")
    else:
        shown = todo.head(1000)
        st.dataframe(widgets.money_table(shown.assign(link=address.account_links(shown["account_id"], "/account")),
                                         ["value"], cur),
                     hide_index=True, key="dg_todo", width="stretch",
                     column_order=["opportunity_id", "name", "value", "link", "account_name",
                                   *(["product_family"] if todo["product_family"].notna().any() else [])],
                     column_config={"opportunity_id": "Id", "name": "Opportunity",
                                    "link": st.column_config.LinkColumn("Account id", display_text=r"account=(.*)"),
                                    "account_name": "Account", "product_family": "Product family",
                                    "value": st.column_config.NumberColumn(f"Value ({cur})")})
    capture.show_cross_sell(d)  # the biggest whitespace cells: evidence for the cross-sell natures
    st.subheader("Set an opportunity's nature", anchor=False)
    pick = _pick_opportunity("Opportunity", "dg_ov_opp", "Opportunities not yet diagnosed come first, largest first.")
    if pick is None:
        return
    chosen = _row(pick)
    st.markdown(f"Now: **{plain(LABELS.get(str(chosen['nature']), 'not yet diagnosed'))}** "
                f"({plain(chosen['nature_source'])}) · {plain(chosen['diagnosis_reason'])}")
    if not may_diagnose:
        st.caption(display.first_upper(f"{display.roles_allowed(Action.DIAGNOSE)} set an opportunity's nature."))
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


with tab_todo:
    todo_and_overrides()
