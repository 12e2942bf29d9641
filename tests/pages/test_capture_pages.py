"""Lead units, point persons and the whitespace on the pages (AppTest, a real SQLite file): the Account page's
section and decision form, the Design page's point persons by name, the Diagnose page's cross-sell evidence and the
Whitespace page, on the demo as committed (every deal open: each says so) and with a third of its deals won."""

from __future__ import annotations

import pandas as pd
import pytest
from acting import act_as
from fixtures_capture import win_some
from streamlit.testing.v1 import AppTest
from test_apptest import run

from gtm.domain import lead
from gtm.services import lists
from gtm.services.diagnosis import diagnosed_opportunities
from gtm.storage.repository import Store


def _said(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.warning, *at.subheader])


TABLES = {  # a table by the columns only it holds (AppTest does not give a table's key)
    "acc_lead_bus": {"bu_name", "won_deals", "open_deals"}, "acc_whitespace": {"bu_name", "potential", "why"},
    "dz_point_persons": {"point_person", "lead_reason", "source"},
    "dg_cross_sell": {"open_deals", "cross_sell", "undiagnosed"},
    "ws_biggest": {"account_id", "link", "whitespace", "peers"},
    "ws_table": {"account_name", "bu_name", "whitespace", "peers"},
}


def _frame(at: AppTest, key: str) -> pd.DataFrame:
    frames = [d.value.data if hasattr(d.value, "data") else d.value for d in at.dataframe]  # a Styler: its .data
    found = [f for f in frames if TABLES[key] <= set(f.columns)]
    assert found, f"no table {key}: {[list(f.columns) for f in frames]}"
    return found[0]


@pytest.fixture
def won(bare_demo_db: str) -> tuple[str, pd.DataFrame]:
    """The demo (seeded by a first run) with every third deal won; the evidence's proposals."""
    run()
    store = Store(bare_demo_db)
    win_some(store)
    proposals = lead.propose(diagnosed_opportunities(store))
    store.dispose()
    return bare_demo_db, proposals


def _proposed(proposals: pd.DataFrame) -> pd.Series:
    mine = proposals[(proposals["lead_status"] == lead.PROPOSED) & (proposals["point_status"] == lead.PROPOSED)]
    return mine.sort_values("won_value", ascending=False).iloc[0]


def test_without_won_deals_every_new_section_says_so(bare_demo_db: str) -> None:
    at = run("pages/account.py", account="ACC-0002")
    assert "Lead unit, point person and whitespace" in _said(at)
    assert "No won deals at this account yet: the lead BU and the point person are those with the most won value " \
           "here, so neither is proposed." in _said(at).replace("\\", "")
    page = run("pages/whitespace.py")
    assert any("No won deals yet, so no whitespace" in i.value for i in page.info)
    diagnose = run("pages/diagnose.py")
    assert "No won deals yet, so no whitespace" in _said(diagnose)


def test_the_account_page_names_the_lead_bu_and_point_person_with_the_evidence(won: tuple[str, pd.DataFrame]) -> None:
    _, proposals = won
    best = _proposed(proposals)
    at = run("pages/account.py", account=str(best["account_id"]))
    said = _said(at).replace("\\", "")
    assert f"**{best['lead_bu_name']}** (from the CRM's won deals)" in said
    assert f"**{best['point_person']}** (from the CRM's won deals)" in said
    assert f"Lead BU {best['lead_why']}" in said and f"Point person {best['point_why']}" in said
    by_bu = _frame(at, "acc_lead_bus")
    assert by_bu.iloc[0]["bu_name"] == best["lead_bu_name"]
    assert "Whitespace here:" in said
    assert len(_frame(at, "acc_whitespace")) >= 2  # a row per BU


def test_the_decision_form_offers_the_evidence_and_records_another_choice_with_a_reason(
        won: tuple[str, pd.DataFrame]) -> None:
    db, proposals = won
    best = _proposed(proposals)
    account = str(best["account_id"])
    at = act_as(run("pages/account.py", account=account), "facilitator", "Dana Reyes")
    choice = at.selectbox(key="dec_lead_bu")
    assert choice.value == best["lead_bu"]  # the evidence's proposal, marked ★
    assert choice.format_func(best["lead_bu"]).startswith("★ ")
    assert at.selectbox(key="dec_point_person").value == best["point_person"]
    assert choice.options[0] == "— none chosen" and len(choice.options) >= 3
    bus = Store(db).opportunities().query("account_id == @account")["bu"].dropna()
    other = sorted(set(bus) - {best["lead_bu"]})[0]
    at.selectbox(key="dec_lead_bu").set_value(other)
    at.text_area(key="dec_rationale").input("A lead unit for the cross-selling")
    next(b for b in at.button if b.label == "Record decision").click().run()
    assert any("needs a reason" in e.value for e in at.error)
    assert Store(db).decisions().empty
    at.selectbox(key="dec_lead_bu").set_value(other)
    at.text_input(key="dec_lead_reason").input("They run the plant's relationship")
    next(b for b in at.button if b.label == "Record decision").click().run()
    assert not at.error, [e.value for e in at.error]
    stored = Store(db).decisions().iloc[0]
    assert (stored["lead_bu"], stored["lead_bu_proposed"], stored["point_person"]) == (
        other, best["lead_bu"], best["point_person"])
    assert "(chosen in a decision)" in _said(at) and "They run the plant's relationship" in _said(at)


def test_the_design_page_names_the_lead_unit_point_persons(won: tuple[str, pd.DataFrame]) -> None:
    _, proposals = won
    at = run("pages/design.py")
    at.selectbox(key="dz_plan").set_value("current").run()  # today's structures: the demo's lead-unit accounts
    assert "Lead-unit point persons, named" in _said(at)
    people = _frame(at, "dz_point_persons")
    assert len(people) > 0 and people["point_person"].ne("— none proposed").any()
    named = people[people["point_person"] != "— none proposed"].iloc[0]
    assert named["point_person"] in set(proposals["point_person"].dropna())


def test_the_diagnose_page_says_where_the_cross_sell_is(won: tuple[str, pd.DataFrame]) -> None:
    at = run("pages/diagnose.py")
    assert "Where the cross-sell is" in _said(at)
    top = _frame(at, "dg_cross_sell")
    assert 0 < len(top) <= 15 and (top["whitespace"] > 0).all()
    assert top["whitespace"].is_monotonic_decreasing
    assert {"open_deals", "cross_sell", "undiagnosed"} <= set(top.columns)


def test_the_whitespace_page_draws_the_heatmap_and_opens_a_cell(won: tuple[str, pd.DataFrame]) -> None:
    at = run("pages/whitespace.py")
    assert not at.error and at.get("plotly_chart")
    biggest = _frame(at, "ws_biggest")
    assert (biggest["whitespace"] > 0).all() and biggest["whitespace"].is_monotonic_decreasing
    picker = at.selectbox(key="ws_account")
    heat = _frame(at, "ws_table")  # the heatmap as a table: its first row is the account with the most whitespace
    assert picker.format_func(picker.value) == heat.iloc[0]["account_name"]  # and it opens first
    bus = at.selectbox(key="ws_bu").options
    at.selectbox(key="ws_bu").set_value(at.selectbox(key="ws_bu").options[-1]).run()
    assert not at.exception and len(bus) >= 2
    assert any("buying peer" in m.value or "potential not known" in m.value for m in at.markdown)
    assert "The peers the potential comes from" in _said(at)
    assert [b for b in at.get("download_button")]


def test_the_whitespace_page_follows_the_sidebars_list(demo_db: str) -> None:
    run()
    store = Store(demo_db)
    win_some(store)
    store.dispose()
    at = run("pages/whitespace.py", list="Focus list")
    assert "Filtered to the list" in _said(at)
    members = set(lists.list_accounts(Store(demo_db), "Focus list"))
    shown = _frame(at, "ws_biggest")
    assert set(shown["account_id"]) <= members and len(shown)
