"""AppTest: a portfolio whose opportunities carry no BU (a CRM export without a BU column, no product family -> BU
mapping yet) says so where BUs matter, with the way to the mapping, instead of "no business units or opportunities";
and a BU head cannot be saved without BUs."""

from __future__ import annotations

import os

from fixtures_import import small_portfolio  # tests/fixtures_import.py (rootdir-relative, no package)
from streamlit.testing.v1 import AppTest
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.storage.repository import Store

SAID = "The portfolio has 4 opportunities but none has a BU: map product families to BUs on the Diagnose page."


def _no_bu_portfolio() -> Store:
    """Main holds three accounts and four opportunities imported without a BU column."""
    store = Store(os.environ["GTM_DATABASE_URL"])
    small_portfolio(store)
    assert store.business_units().empty and store.opportunities()["bu"].isna().all()
    return store


def _said(at: AppTest) -> list[str]:
    return [e.value.replace("\\", "") for kind in ("info", "warning", "error", "caption") for e in at.get(kind)]


def _links(at: AppTest) -> list[tuple[str, str]]:
    return [(link.proto.page, link.proto.label) for link in at.get("page_link")]


def test_review_says_the_opportunities_have_no_bu_and_links_to_the_mapping(empty_db: str) -> None:
    _no_bu_portfolio()
    at = run("pages/review.py")
    assert SAID in _said(at), _said(at)
    assert not any("no business units or opportunities" in t for t in _said(at))
    link = next(x.proto for x in at.get("page_link") if "Diagnose" in x.proto.label)
    assert (link.page, link.query_string) == ("diagnose", "workspace=main")  # the fix, in the workspace on screen


def test_admin_says_there_is_no_bu_to_give_a_bu_head_and_refuses_one_without(empty_db: str) -> None:
    people = _no_bu_portfolio()
    at = run("pages/admin.py")
    at.selectbox(key="ad_role").set_value("bu_head").run()
    assert any(SAID in t for t in _said(at)), _said(at)
    assert any("Diagnose" in label for _, label in _links(at))
    at.text_input(key="ad_email").input("bo@example.com")
    at.text_input(key="ad_name").input("Bo Lind")
    at.button(key="ad_add").click().run()
    assert any("A BU head heads at least one BU" in e.value.replace("\\", "") for e in at.error), _said(at)
    assert people.users().empty
