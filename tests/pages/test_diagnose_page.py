"""AppTest: the Diagnose page on the demo and on an empty database; rules, mappings, questionnaire and overrides."""

from __future__ import annotations

from acting import act_as  # tests/acting.py: act as a stored user
from test_apptest import ROOT, run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.domain.permissions import Actor, Role
from gtm.services import diagnosis
from gtm.services import imports as importer
from gtm.storage.repository import Store

PAGE = "pages/diagnose.py"




def metric(at, label: str) -> str:  # type: ignore[no-untyped-def]
    return next(m.value for m in at.metric if m.label == label)


def test_runs_on_the_demo_with_the_active_rules(demo_db: str) -> None:
    at = run(PAGE)
    assert at.title[0].value == "Diagnose"
    assert not at.error
    assert metric(at, "Coverage").endswith("%")
    # the questionnaire starts with "no" everywhere and no name: nothing says which nature
    assert any("Not yet diagnosed" in m.value for m in at.markdown)


def test_empty_database_says_what_to_do(empty_db: str) -> None:
    at = run(PAGE)
    assert at.info
    assert any("import" in i.value.lower() for i in at.info)
    assert not at.error


def test_questionnaire_classifies_live_and_applies(demo_db: str) -> None:
    at = run(PAGE)
    at.radio(key="dg_q_turnkey").set_value("yes").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Turnkey solutions" in text and "turnkey\\-delivery" in text
    act_as(at, "sales_leader", "Dana Reyes")
    opp = at.selectbox(key="dg_q_opp").value
    at.button(key="dg_q_apply").click().run()
    assert not at.exception
    found = Store(demo_db).nature_overrides()
    last = found[found["opportunity_id"] == opp].iloc[-1]
    assert last["nature"] == "turnkey"
    assert last["reason"].startswith("Questionnaire: The customer wants")
    assert last["author"] == "Dana Reyes"


def test_override_and_withdraw_show_in_the_history(demo_db: str) -> None:
    at = run(PAGE)
    act_as(at, "sales_leader", "Dana Reyes")
    before = metric(at, "Not yet diagnosed")
    opp = at.selectbox(key="dg_ov_opp").value  # the largest undiagnosed opportunity comes first
    at.selectbox(key="dg_ov_nature").set_value("Cross-sell / referral")
    at.text_area(key="dg_ov_reason").input("The buyer asked for the other BU's drives")
    at.button(key="dg_ov_save").click().run()
    assert not at.exception and not at.error
    assert int(metric(at, "Not yet diagnosed").replace(",", "")) == int(before.replace(",", "")) - 1
    assert at.selectbox(key="dg_ov_opp").value == opp  # the form stays on the opportunity just decided
    history = at.dataframe[-1].value  # the last table: this opportunity's overrides
    assert history.iloc[0]["nature"] == "Cross-sell / referral"
    assert history.iloc[0]["author"] == "Dana Reyes"
    resolved = diagnosis.diagnosed_opportunities(Store(demo_db)).set_index("opportunity_id")
    assert resolved.loc[opp, "nature_source"] == "person"


def test_override_without_a_reason_is_refused(demo_db: str) -> None:
    at = run(PAGE)
    act_as(at, "sales_leader", "Dana Reyes")
    at.button(key="dg_ov_save").click().run()
    assert any("reason" in e.value.lower() for e in at.error)
    assert Store(demo_db).nature_overrides().empty


def test_a_bu_head_may_not_set_a_nature(demo_db: str) -> None:
    at = run(PAGE)
    act_as(at, "bu_head", "Pat", bus=["BU-AUT"])
    at.run()
    at.radio(key="dg_q_turnkey").set_value("yes").run()
    assert not [b for b in at.button if b.key in ("dg_q_apply", "dg_diagnosis_save", "dg_ov_save")]
    assert Store(demo_db).nature_overrides().empty  # and the service refuses it: tests/services


def test_a_saved_mapping_version_raises_coverage_and_can_be_reset(demo_db: str) -> None:
    store = Store(demo_db)
    at = run(PAGE)
    first = metric(at, "Not yet diagnosed")
    # a family -> nature mapping saved through the service shows on the page as the active mapping
    opps = store.opportunities()
    assert len(opps)
    content = diagnosis.mapping_content(diagnosis.FAMILY_NATURE, [{"product_family": "Drives", "nature": "cross_sell"}])
    diagnosis.save_version(store, Actor("Dana", Role.SALES_LEADER), diagnosis.FAMILY_NATURE, "drives", content)
    at.run()
    assert not at.exception
    assert at.selectbox(key=f"dg_{diagnosis.FAMILY_NATURE}_version_1").value == "drives"
    act_as(at, "sales_leader", "Dana")
    at.button(key=f"dg_{diagnosis.FAMILY_NATURE}_reset").click().run()
    assert not at.exception
    assert store.rule_version(diagnosis.FAMILY_NATURE) is None
    assert metric(at, "Not yet diagnosed") == first


def _edit(at, key: str, edited_rows: dict) -> None:  # type: ignore[no-untyped-def]
    """Edit cells of a data editor as the browser reports it (AppTest has no data editor API)."""
    at.session_state[key] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def test_a_rule_edit_previews_the_changed_natures_before_saving(demo_db: str) -> None:
    at = run(PAGE)
    before = metric(at, "Coverage")
    rows = at.session_state.get("dg_rules_0", None)
    assert rows is None or not rows["edited_rows"]
    # row 13 (index 12) is one-time-purchase: make it say cross-sell instead
    _edit(at, "dg_rules_0", {12: {"nature": "Cross-sell / referral"}})
    text = " ".join(m.value for m in at.markdown)
    assert "change nature" in text
    assert not at.error
    assert at.button(key="dg_diagnosis_save").disabled is False
    assert metric(at, "Coverage") == before  # same opportunities diagnosed, other nature
    assert Store(demo_db).rule_version(diagnosis.DIAGNOSIS) is None  # nothing saved yet


def test_an_invalid_rule_edit_names_the_cell_and_keeps_the_active_rules(demo_db: str) -> None:
    at = run(PAGE)
    _edit(at, "dg_rules_0", {0: {"op": "contains_word", "value": ""}})
    message = " ".join(e.value for e in at.error)
    assert "row 1" in message and "value" in message and "accepted" in message
    assert at.button(key="dg_diagnosis_save").disabled
    assert not any("change nature" in m.value for m in at.markdown)


def _import_crm(store: Store) -> None:
    """A name-keyed Salesforce-style export: accounts by name, then opportunities (one names an unknown account)."""
    actor = Actor("importer", Role.SALES_LEADER)
    for kind, path in (("accounts", ROOT / "tests/fixtures/crm/sf_accounts_by_name_fixed.csv"),
                       ("opportunities", ROOT / "tests/fixtures/diagnose/opportunities_by_name.csv")):
        plan = importer.plan_import(store, kind, path)
        importer.commit_import(store, plan, actor, skip_invalid=True)  # Fabrikam Inc is no stored account


def test_a_family_mapping_edit_raises_coverage_in_the_preview(demo_db: str) -> None:
    at = run(PAGE)  # seeds the demo
    _import_crm(Store(demo_db))
    at.run()
    before = float(metric(at, "Coverage").rstrip("%"))
    editor = f"dg_{diagnosis.FAMILY_NATURE}_editor_0_0"
    # the families of the data come pre-filled with a blank nature: fill in the first (Robotics Cells, largest)
    _edit(at, editor, {0: {"nature": "Turnkey solutions"}})
    assert not at.error
    after = float(metric(at, "Coverage").rstrip("%"))
    assert after > before
    assert any("change nature" in m.value for m in at.markdown)
    assert at.button(key=f"dg_{diagnosis.FAMILY_NATURE}_save").disabled is False
    act_as(at, "sales_leader", "Dana")
    at.text_input(key=f"dg_{diagnosis.FAMILY_NATURE}_name").input("robotics")
    at.button(key=f"dg_{diagnosis.FAMILY_NATURE}_save").click().run()
    assert not at.exception and not at.error
    saved = Store(demo_db).rule_version(diagnosis.FAMILY_NATURE)
    assert saved is not None and saved[0] == "robotics"
    assert saved[1]["rows"] == [{"product_family": "Robotics Cells", "nature": "turnkey"}]
    assert float(metric(at, "Coverage").rstrip("%")) == after  # the saved mapping is now the active one


def test_find_an_opportunity_by_id_to_set_its_nature(demo_db: str) -> None:
    at = run(PAGE)
    target = Store(demo_db).opportunities().sort_values("value")["opportunity_id"].iloc[0]  # the smallest: far down
    at.text_input(key="dg_ov_opp_find").input(target).run()
    assert at.selectbox(key="dg_ov_opp").value == target
    at.text_input(key="dg_ov_opp_find").input("no opportunity is called this").run()
    assert any("No opportunity matches" in w.value for w in at.warning)


def test_a_viewer_has_no_upload_and_a_leader_s_mapping_file_is_read_when_asked(demo_db: str) -> None:
    at = run(PAGE)
    act_as(at, "viewer", "Vic Viewer").run()
    assert not at.exception
    assert len(at.get("file_uploader")) == 0  # mapping and rule files are for who may save them
    act_as(at, "sales_leader", "Dana Reyes").run()
    uploaders = at.get("file_uploader")
    assert len(uploaders) == 3  # the rules, and both mappings
    bu_upload = next(u for u in uploaders if "family_bu" in str(u.key))
    bu_upload.upload("families.csv", b"Product family;BU\r\nRobotics Cells;Automation\r\n", "text/csv").run()
    assert not at.exception
    key = next(b.key for b in at.button if str(b.key).endswith("__read_button"))
    at.button(key=key).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.session_state[f"dg_imported_{diagnosis.FAMILY_BU}"] == [
        {"product_family": "Robotics Cells", "bu": "Automation"}]
