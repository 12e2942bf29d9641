"""AppTest: the Diagnose page as the first hour with a real CRM export needs it: rules as sentences edited with
pickers (the same draft as the advanced grid), edits that survive another table's save, a warning when one rule
decides most of the value, the questionnaire from an opportunity, and BUs from the mapping reaching Review."""

from __future__ import annotations

from acting import act_as  # tests/acting.py
from test_apptest import ROOT, run  # tests/pages/test_apptest.py

from gtm.domain.permissions import Actor, Role
from gtm.services import diagnosis
from gtm.services import imports as importer
from gtm.storage.repository import Store

PAGE = "pages/diagnose.py"
LEADER = Actor("importer", Role.SALES_LEADER)


def _import_crm(store: Store) -> None:
    """A Salesforce-style export keyed by account name, with product families, no BU and no nature."""
    for kind, path in (("accounts", ROOT / "tests/fixtures/crm/sf_accounts_by_name_fixed.csv"),
                       ("opportunities", ROOT / "tests/fixtures/diagnose/opportunities_by_name.csv")):
        importer.commit_import(store, importer.plan_import(store, kind, path), LEADER, skip_invalid=True)


def _said(at) -> str:  # type: ignore[no-untyped-def]
    """Every markdown and warning of the page, unescaped (fmt.plain escapes Markdown's characters)."""
    return " ".join([m.value for m in at.markdown] + [w.value for w in at.warning]).replace("\\", "")


def _rev(at) -> int:  # type: ignore[no-untyped-def]
    return int(at.session_state["dg_rules_rev_0"])


def _edit(at, key: str, edited_rows: dict) -> None:  # type: ignore[no-untyped-def]
    at.session_state[key] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def _pick(at, rule_id: str) -> None:  # type: ignore[no-untyped-def]
    options = at.selectbox(key="dg_s_pick").options
    position = next(i for i, label in enumerate(options) if label.endswith(f". {rule_id}"))
    at.selectbox(key="dg_s_pick").set_value(position).run()
    assert not at.exception, [e.message for e in at.exception]


def test_rules_read_as_sentences_and_a_picker_edit_is_previewed_and_saved(demo_db: str) -> None:
    at = run(PAGE)
    said = _said(at)
    assert ("If the account buys from 2 or more BUs, the file gives no number of business units whose products could "
            "be sold into the same buyer and the deal is at least $100k, the nature is Cross-sell / referral.") in said
    assert "Otherwise, the opportunity is not yet diagnosed." in said
    _pick(at, "one-time-purchase")
    nature = at.selectbox(key=f"dg_s_{_rev(at)}_nature")
    assert "==" not in " ".join(at.selectbox(key=f"dg_s_{_rev(at)}_0_op").options)  # comparisons in words
    assert at.selectbox(key=f"dg_s_{_rev(at)}_0_op").value == "=="
    nature.set_value("Cross-sell / referral").run()
    assert not at.exception and not at.error
    assert "If it is a one-time purchase or a qualification step, the nature is Cross-sell / referral." in _said(at)
    assert "change nature" in _said(at)  # previewed on the whole portfolio
    act_as(at, "sales_leader", "Dana Reyes")
    at.text_input(key="dg_diagnosis_name").input("one-time is cross-sell")
    at.button(key="dg_diagnosis_save").click().run()
    assert not at.exception and not at.error
    saved = Store(demo_db).rule_version(diagnosis.DIAGNOSIS)
    assert saved is not None and saved[0] == "one-time is cross-sell"
    assert next(r for r in saved[1]["rules"] if r["id"] == "one-time-purchase")["nature"] == "cross_sell"


def test_a_grid_edit_shows_in_the_sentences_and_a_new_rule_is_built_with_pickers(demo_db: str) -> None:
    at = run(PAGE)
    _edit(at, "dg_rules_0", {13: {"value": "pump"}})  # one-time-words, in the advanced grid
    assert ("If the opportunity's name contains the word \"pump\", the nature is Qualification / one-time action."
            in _said(at))
    at.button(key="dg_s_add_rule").click().run()
    assert not at.exception
    assert at.selectbox(key="dg_s_pick").value == len(at.selectbox(key="dg_s_pick").options) - 2  # above the last
    assert "(a condition still to complete)" in _said(at)
    assert at.button(key="dg_diagnosis_save").disabled  # nothing half-done is saved
    at.selectbox(key=f"dg_s_{_rev(at)}_0_subject").set_value("fact:deal_size").run()
    assert at.selectbox(key=f"dg_s_{_rev(at)}_0_op").value == ">="  # a comparison that fits a deal size
    at.text_input(key=f"dg_s_{_rev(at)}_0_value").input("5000000").run()
    at.selectbox(key=f"dg_s_{_rev(at)}_nature").set_value("Turnkey solutions").run()
    at.text_input(key=f"dg_s_{_rev(at)}_wording").input("Deals this large are turnkey projects.").run()
    at.button(key="dg_s_up").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "If the deal is at least $5M, the nature is Turnkey solutions." in _said(at)
    act_as(at, "sales_leader", "Dana Reyes")
    at.text_input(key="dg_diagnosis_name").input("big deals").run()
    at.button(key="dg_diagnosis_save").click().run()
    saved = Store(demo_db).rule_version(diagnosis.DIAGNOSIS)
    assert saved is not None
    ids = [r["id"] for r in saved[1]["rules"]]
    assert ids[-3:] == ["new-rule-1", "cost-reduction-words", "not-yet-diagnosed"]
    assert [(c["fact"], c["op"], c["value"]) for c in saved[1]["rules"][-3]["when"]] == [("deal_size", ">=", 5000000)]
    assert next(r for r in saved[1]["rules"] if r["id"] == "one-time-words")["when"][0]["value"] == "pump"


def test_a_rule_on_the_account_alone_is_refused_on_the_page(demo_db: str) -> None:
    at = run(PAGE)
    _pick(at, "multi-bu-account")
    at.button(key=f"dg_s_{_rev(at)}_2_remove").click().run()  # its condition on the deal's size
    message = " ".join(e.value for e in at.error).replace("\\", "")
    assert "rule 'multi-bu-account' tests only the account (account_bu_count)" in message
    assert "a condition on the opportunity itself" in message
    assert at.button(key="dg_diagnosis_save").disabled


def test_one_rule_deciding_all_the_value_is_said_with_its_sentence(empty_db: str) -> None:
    _import_crm(Store(empty_db))
    at = run(PAGE)
    assert "One rule decides" not in _said(at)
    _edit(at, "dg_rules_0", {1: {"value": "retrofit, substation, skid, refit, licences"}})  # turnkey-words
    said = _said(at)
    assert "One rule decides 100% of the diagnosed value ($543.0M): check it. turnkey-words: If the opportunity's " \
           "name contains one of the words" in said


def test_saving_one_mapping_keeps_the_other_mapping_s_and_the_rules_unsaved_edits(demo_db: str) -> None:
    at = run(PAGE)  # seeds the demo
    _import_crm(Store(demo_db))
    at.run()
    nature_editor = f"dg_{diagnosis.FAMILY_NATURE}_editor_0_0"
    bu_editor = f"dg_{diagnosis.FAMILY_BU}_editor_0_0"
    _edit(at, nature_editor, {0: {"nature": "Turnkey solutions"}})  # Robotics Cells, the largest family
    _edit(at, "dg_rules_0", {12: {"nature": "Cross-sell / referral"}})  # one-time-purchase
    _edit(at, bu_editor, {0: {"bu": "Automation"}, 1: {"bu": "Energy"}})
    act_as(at, "sales_leader", "Dana")
    at.text_input(key=f"dg_{diagnosis.FAMILY_BU}_name").input("bus")
    at.button(key=f"dg_{diagnosis.FAMILY_BU}_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    store = Store(demo_db)
    assert store.rule_version(diagnosis.FAMILY_BU) == ("bus", {"rows": [
        {"product_family": "Robotics Cells", "bu": "Automation"}, {"product_family": "Grid Controls", "bu": "Energy"}]})
    # the family -> nature edit and the rules draft are still there, unsaved, ready to save
    assert at.session_state[nature_editor]["edited_rows"] == {0: {"nature": "Turnkey solutions"}}
    assert at.button(key=f"dg_{diagnosis.FAMILY_NATURE}_save").disabled is False
    assert at.button(key="dg_diagnosis_save").disabled is False
    at.text_input(key=f"dg_{diagnosis.FAMILY_NATURE}_name").input("natures")
    at.button(key=f"dg_{diagnosis.FAMILY_NATURE}_save").click().run()
    assert store.rule_version(diagnosis.FAMILY_NATURE) == ("natures", {"rows": [
        {"product_family": "Robotics Cells", "nature": "turnkey"}]})
    assert at.button(key="dg_diagnosis_save").disabled is False  # the rules draft survived both saves


def test_the_mapping_is_filled_in_beside_its_evidence(empty_db: str) -> None:
    _import_crm(Store(empty_db))
    at = run(PAGE)
    text = " ".join(c.value for c in at.caption)
    assert "Its BU counts as the BU of every opportunity whose file names none" in text
    held = at.session_state[f"dg_{diagnosis.FAMILY_BU}_editor_0_0__base"]
    robotics = held.set_index("product_family").loc["Robotics Cells"]
    assert (robotics["opportunities"], robotics["value"]) == (2, "$345.0M")  # as the page's figures write it
    assert robotics["won"] == "unknown (all open)"  # no deal of the file is closed yet


def test_the_questionnaire_starts_from_the_chosen_opportunity(empty_db: str) -> None:
    store = Store(empty_db)
    _import_crm(store)
    diagnosis.save_version(store, LEADER, diagnosis.FAMILY_BU, "bus", diagnosis.mapping_content(
        diagnosis.FAMILY_BU, [{"product_family": "Robotics Cells", "bu": "Automation"}]))
    at = run(PAGE)
    opp = at.selectbox(key="dg_q_opp").value
    assert opp == "DG-0001"  # not yet diagnosed, largest first
    assert at.text_input(key="dg_q_name").value == "Line 4 retrofit"
    said = _said(at)
    assert "Deal size: $250.0M" in said and "Product family: Robotics Cells" in said
    assert "BUs at its account: 1: Automation" in said
    at.selectbox(key="dg_q_opp").set_value("DG-0002").run()
    assert at.text_input(key="dg_q_name").value == "Grid substation"
    assert "BUs at its account: none known" in _said(at)


def test_a_bu_from_the_mapping_reaches_review_s_bu_choice(empty_db: str) -> None:
    store = Store(empty_db)
    _import_crm(store)
    at = run("pages/review.py")
    assert any("none has a BU" in i.value.replace("\\", "") for i in at.info)
    diagnosis.save_version(store, LEADER, diagnosis.FAMILY_BU, "bus", diagnosis.mapping_content(
        diagnosis.FAMILY_BU, [{"product_family": "Robotics Cells", "bu": "Automation"},
                              {"product_family": "Grid Controls", "bu": "Energy Systems"}]))
    at.run()
    assert not at.exception
    assert at.selectbox(key="rv_bu").options == ["Automation", "Energy Systems"]
