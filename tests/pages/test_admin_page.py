"""AppTest: local single-user mode says so; the Admin page manages users; what a role cannot use is not shown."""

from __future__ import annotations

import os

import pytest
from acting import act_as
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.storage.repository import Store
from pages.common.auth import LOCAL_BANNER, LOCAL_HELP


def test_local_mode_says_you_act_as_administrator_in_one_line(empty_db: str) -> None:
    at = run()
    badge = [m for m in at.sidebar.markdown if LOCAL_BANNER in m.value]
    assert len(badge) == 1 and badge[0].value.startswith(":orange-badge["), [m.value for m in at.sidebar.markdown]
    assert badge[0].help == LOCAL_HELP and "Configure sign-in" in LOCAL_HELP and "before sharing this app" in LOCAL_HELP
    assert len(LOCAL_BANNER) <= 40  # one line of the sidebar; the help says the rest
    assert not at.sidebar.warning
    assert any("Local administrator" in m.value and "Administrator" in m.value for m in at.sidebar.markdown)


def _people() -> Store:
    return Store(os.environ["GTM_DATABASE_URL"])  # users live in the main workspace, whichever one is viewed


def test_the_admin_page_adds_a_user_and_changes_their_role(demo_db: str) -> None:
    at = run("pages/admin.py")
    assert not at.error
    at.text_input(key="ad_email").input("Fay.Chen@Example.com")
    at.text_input(key="ad_name").input("Fay Chen")
    at.selectbox(key="ad_role").set_value("facilitator")
    at.button(key="ad_add").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    people = _people().users().set_index("email")
    assert people.loc["fay.chen@example.com", "role"] == "facilitator"
    assert people.loc["fay.chen@example.com", "name"] == "Fay Chen"
    at.selectbox(key="ad_pick").set_value("fay.chen@example.com").run()
    at.selectbox(key="ad_new_role_fay.chen@example.com").set_value("bu_head").run()
    at.multiselect(key="ad_new_bus_fay.chen@example.com").select("BU-AUT")
    at.button(key="ad_save").click().run()
    assert not at.error, [e.value for e in at.error]
    row = _people().users().set_index("email").loc["fay.chen@example.com"]
    assert (row["role"], row["bus"]) == ("bu_head", ["BU-AUT"])


def test_a_bad_email_on_the_admin_page_is_a_message(demo_db: str) -> None:
    at = run("pages/admin.py")
    at.text_input(key="ad_email").input("not-an-address")
    at.button(key="ad_add").click().run()
    assert any("not an email address" in e.value for e in at.error)
    assert _people().users().empty


def test_matrix_editing_controls_only_for_facilitators(demo_db: str) -> None:
    at = act_as(run("pages/matrix.py"), "viewer", "Vic Viewer").run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "mx_save"]
    act_as(at, "facilitator", "Fay Chen").run()
    assert [b for b in at.button if b.key == "mx_save"]


def test_a_viewer_is_not_shown_the_admin_page(demo_db: str) -> None:
    at = act_as(run("pages/admin.py"), "viewer", "Vic Viewer").run()
    assert not [t for t in at.text_input if t.key == "ad_email"]


def test_header_mode_without_the_header_shows_no_portfolio(empty_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GTM_AUTH_HEADER", "X-Forwarded-Email")
    at = run()
    assert any("X-Forwarded-Email" in e.value for e in at.error), [e.value for e in at.error]
    assert not at.warning and not at.metric  # no local-mode banner, no figures


def _keys(at: object) -> set[str]:
    """The keys of every button, form button and data editor on the page."""
    found = set()
    for kind in ("button", "data_editor"):
        found |= {w.key for w in at.get(kind) if getattr(w, "key", None)}  # type: ignore[attr-defined]
    return found


@pytest.mark.parametrize(("role", "record", "override", "save_rules", "edit_approaches"), [
    ("viewer", False, False, False, False),
    ("bu_head", False, False, False, False),
    ("sales_leader", False, True, True, True),  # not the owner of ACC-0002: no decision form
    ("facilitator", True, True, True, True),
])
def test_each_role_is_shown_only_the_controls_it_may_use(demo_db: str, role: str, record: bool, override: bool,
                                                        save_rules: bool, edit_approaches: bool) -> None:
    at = act_as(run("pages/account.py", account="ACC-0002"), role, "Someone Else",
                bus=["BU-AUT"] if role == "bu_head" else []).run()
    assert not at.exception
    assert bool([b for b in at.button if b.label == "Record decision"]) is record
    if not record:
        assert any("record decisions" in c.value for c in at.caption)
    at.switch_page("pages/diagnose.py").run()
    assert not at.exception
    assert ("dg_diagnosis_save" in _keys(at)) is save_rules
    assert bool([b for b in at.button if b.label == "Record"]) is override
    at.switch_page("pages/portfolio.py").run()
    assert not at.exception
    assert ("pf_ap_editor" in _keys(at)) is edit_approaches


def test_a_viewer_exports_but_is_not_offered_an_import(demo_db: str) -> None:
    at = act_as(run("pages/data.py"), "viewer", "Vic").run()
    assert not at.exception
    assert not at.get("file_uploader")
    assert not [b for b in at.button if b.key in ("dt_demo", "dt_rates_save", "dt_reporting_set")]
    assert any("Importing is for sales leaders, workshop facilitators and administrators" in i.value for i in at.info)
    at.switch_page("pages/exports.py").run()  # the exports have a page of their own, open to everyone
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Accounts (CSV)" in labels and "Everything (XLSX)" in labels
    at.switch_page("pages/data.py").run()
    act_as(at, "facilitator", "Fay").run()
    assert at.get("file_uploader")
    assert [b for b in at.button if b.key == "dt_demo"]
