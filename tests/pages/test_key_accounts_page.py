"""AppTest: the Key accounts page on the demo and on an empty database; a facilitator saves the shortlist, a BU
head picks on it, the facilitator saves the focus list; every page can then be filtered to a list."""

from __future__ import annotations

import pytest
from acting import act_as
from test_apptest import ROOT, run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.domain import funnel, portfolio
from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.services import lists, outcomes
from gtm.services.diagnosis import diagnosed_opportunities
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store

PAGE = "pages/key_accounts.py"


def _metrics(at) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.label: m.value for m in at.metric}


def test_the_page_runs_on_an_empty_database_with_a_clear_message(empty_db: str) -> None:
    at = run(PAGE)
    assert at.title[0].value == "Key accounts"
    assert any("No accounts yet" in i.value for i in at.info)
    assert not at.error


def test_the_demo_funnel_from_400_to_50_to_15(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    at = run(PAGE)
    assert _metrics(at)["Long list"] == "400" and _metrics(at)["Shortlist"] == "0"
    assert any("No shortlist saved yet" in i.value for i in at.info)
    assert any("50 accounts** in the preview" in m.value for m in at.markdown)
    at.button(key="ka_save_short").click().run()  # the local administrator facilitates
    assert not at.exception
    store = Store(demo_db)
    short = lists.list_accounts(store, stage="short")
    assert len(short) == 50
    assert _metrics(at)["Shortlist"] == "50"

    # A BU head ticks accounts of interest for their BU in the table; the picks carry author and time.
    bu = "BU-AUT"
    at = act_as(at, "bu_head", "Hal", bus=[bu]).run()
    assert at.selectbox(key="ka_bu").value == bu and len(at.selectbox(key="ka_bu").options) == 1  # own BU only
    hal = Actor("Hal", Role.BU_HEAD, bu)
    for a in short[:16]:
        lists.pick_focus(store, hal, "Shortlist", a, bu)
    at.run()
    assert any("16 from 1 BU" in c.value for c in at.caption)
    assert "ka_save_focus" not in [b.key for b in at.button]  # the facilitator saves the focus list
    assert "ka_save_marks" in [b.key for b in at.button]

    # Back as the facilitator: the focus list of 15 from the picks, with the deck's target.
    at.session_state["local_view_as"] = ""
    at.run()
    at.number_input(key="ka_target").set_value(3_500_000_000.0).run()
    at.button(key="ka_save_focus").click().run()
    assert not at.exception
    assert len(lists.list_accounts(store, stage="focus")) == 15
    assert lists.focus_target(store) == (3_500_000_000.0, 3)
    assert _metrics(at)["Focus list"] == "15"
    assert len(at.dataframe[-1].value) == 2  # the saved versions: the shortlist and the focus list


def test_every_page_can_be_filtered_to_a_list(demo_db: str) -> None:
    at = run()
    store = Store(demo_db)
    ids = store.accounts()["account_id"].head(7).tolist()
    lists.save_list(store, Actor("Fay", Role.FACILITATOR), "Seven", "short", ids)
    at = run("pages/key_accounts.py", list="Seven")
    # The session keeps the choice (the sidebar's chooser is not in AppTest's tree after a page switch; the Chromium
    # flow picks it there).
    assert at.session_state["gtm_list"] == "Seven"
    # The funnel starts from every account, whatever the sidebar's list, and says so.
    assert any("does not filter this page" in c.value for c in at.caption)
    assert _metrics(at)["Long list"] == "400"
    for page in ("pages/portfolio.py", "pages/account.py", "pages/review.py", "pages/diagnose.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        assert any("Filtered to the list" in c.value for c in at.caption), page
    at.query_params["list"] = ""  # "all accounts" (the sidebar is not in AppTest's tree after a page switch)
    at.run()
    assert not any("Filtered to the list" in c.value for c in at.caption)


def test_presentation_mode_hides_the_editing_controls(demo_db: str) -> None:
    at = run(PAGE, present="1")
    assert not at.exception
    keys = {b.key for b in at.button}
    assert "ka_save_short" not in keys and "ka_save_focus" not in keys


def _open_tab(at) -> str:  # type: ignore[no-untyped-def]
    """The label of the tab the page opens on (the tab container's default)."""
    def containers(node):  # type: ignore[no-untyped-def]
        for child in getattr(node, "children", {}).values():
            proto = getattr(child, "proto", None)
            if "Block" in type(proto).__name__ and proto.WhichOneof("type") == "tab_container":
                yield proto.tab_container
            yield from containers(child)
    index = next(containers(at.main)).default_tab_index
    return str(at.tabs[index].label)


def test_the_page_goes_one_stage_at_a_time_and_opens_on_the_current_one(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    at = run(PAGE)
    assert [t.label for t in at.tabs] == ["1 · Long list → shortlist", "2 · Shortlist: the BUs' picks",
                                          "3 · Focus list", "The funnel and saved lists"]
    assert _open_tab(at) == "1 · Long list → shortlist"
    assert any("Now: step 1 of 3" in c.value for c in at.caption)
    at.button(key="ka_save_short").click().run()
    assert _open_tab(at) == "2 · Shortlist: the BUs' picks"  # the BU leaders pick on the saved shortlist
    assert any("Now: step 2 of 3" in c.value for c in at.caption)
    store, fay = Store(demo_db), Actor("Fay", Role.FACILITATOR)
    short = lists.list_accounts(store, stage="short")
    lists.save_bu_marks(store, Actor("Ana", Role.ADMIN), "BU-AUT", picks={a: True for a in short[:5]},
                        list_name="Shortlist")
    at.run()
    at.button(key="ka_save_focus").click().run()
    assert not at.exception and _open_tab(at) == "3 · Focus list"
    assert any("the three steps are done" in c.value for c in at.caption)
    lists.save_list(store, fay, "Shortlist", "short", short[:20])  # a new shortlist starts the steps again
    at.run()
    assert _open_tab(at) == "2 · Shortlist: the BUs' picks"


def test_the_expected_value_axis_weighs_won_deals_by_the_workspace_s_won_deal_weight(empty_db: str) -> None:
    store = Store(empty_db)
    for kind in ("accounts", "opportunities"):
        commit_import(store, plan_import(store, kind, ROOT / f"tests/fixtures/crm/sf_first_hour_{kind}.csv"), ADMIN)
    outcomes.set_won_weight(store, ADMIN, 1.0)  # a won deal weighs its whole amount here (the default: half)
    judged = portfolio.assess_portfolio(diagnosed_opportunities(store), store.active_matrix().matrix, 1.0)
    expected = funnel.account_pipeline(judged)["expected_value"]
    at = run(PAGE, workspace="main")
    at.selectbox(key="ka_size").set_value("expected_value").run()
    assert not at.exception
    shown = next(t.value for t in at.dataframe if "size" in t.value and "reason" in t.value)
    shown = shown[shown["account_id"].isin(judged.loc[judged["outcome"] == "won", "account_id"])]
    assert len(shown)  # accounts with a won deal are in the preview
    assert shown.set_index("account_id")["size"].to_dict() == pytest.approx(
        expected.reindex(shown["account_id"]).to_dict())
