"""AppTest: the Results page, the Account page's "Account plan" section and the Plan page's pilot account planning,
on the demo (its workshop under way), on the demo without its workshop, and on an empty database."""

from __future__ import annotations

import pandas as pd
from acting import act_as
from streamlit.testing.v1 import AppTest
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.domain.fmt import money
from gtm.services import account_plans, lists, results
from gtm.storage.repository import Store

RESULTS, ACCOUNT, PLAN = "pages/results.py", "pages/account.py", "pages/plan.py"


def _text(at: AppTest) -> str:
    text = " ".join(e.value for e in [*at.markdown, *at.caption, *at.info, *at.subheader])
    return text.replace("\\", "").replace("**", "")


def _table(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table holding these columns (AppTest keeps no key of a table that is not an editor)."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_demo_shows_the_focus_lists_gain_against_the_targets_pace(demo_db: str) -> None:
    at = run(RESULTS)
    store = Store(demo_db)
    expected = results.programme_results(store)
    store.dispose()
    assert expected.summary is not None
    assert _metric(at, "Won since the baseline") == money(expected.summary.gained)
    assert _metric(at, "Target's pace by now") == money(expected.summary.pace or 0)
    assert _metric(at, "Cross-BU wins") == f"{expected.summary.cross_bu} accounts"
    text = _text(at)
    assert "in force when Focus list v1 was saved" in text and "of its pace" in text
    assert at.get("plotly_chart") and len(at.dataframe[0].value) == 15  # the table per account (styled: no key)
    at.selectbox(key="rs_list").set_value("— every account —").run()
    assert not at.exception
    assert "Accounts: every account" in _text(at)


def test_a_date_as_baseline_counts_from_the_latest_import_dated_on_or_before_it(demo_db: str) -> None:
    at = run(RESULTS)
    at.segmented_control(key="rs_rule").set_value("date").run()
    assert not at.exception
    # today: the latest import is the baseline too, so there is nothing to compare yet, and the page says so
    assert any("Only the baseline import so far" in i.value for i in at.info)
    at.segmented_control(key="rs_rule").set_value("first").run()
    assert "The first import, of the export of" in _text(at)
    assert _metric(at, "Won since the baseline").startswith("$")


def test_with_one_import_the_page_says_to_import_a_later_export(bare_demo_db: str) -> None:
    at = run(RESULTS)
    assert any("Only the baseline import so far" in i.value for i in at.info)
    assert "data" in [e.proto.page for e in at.main.get("page_link")]
    assert not at.metric


def test_on_an_empty_database_the_page_says_what_to_import(empty_db: str) -> None:
    at = run(RESULTS)
    assert at.title[0].value == "Results" and at.info and "import" in at.info[0].value.lower()
    assert {"data", "start"} <= {e.proto.page for e in at.main.get("page_link")}


def _open_focus_account(at: AppTest, url: str) -> str:
    """Open the Account page on the demo's first focus account (the app seeds the demo on its first run)."""
    store = Store(url)
    first = lists.list_accounts(store, stage="focus")[0]
    store.dispose()
    at.query_params["account"] = first
    at.switch_page(ACCOUNT).run()
    assert not at.exception, [e.message for e in at.exception]
    return first


def test_a_focus_accounts_plan_shows_its_open_actions_and_a_facilitator_saves_a_new_version(demo_db: str) -> None:
    at = run()
    account = _open_focus_account(at, demo_db)
    assert "Account plan" in [s.value for s in at.subheader]
    text = _text(at)
    assert "Version 1, saved by Fay Chen" in text and "Open actions:" in text
    assert _table(at, "action", "overdue")["action"].tolist()
    at.button(key="ap_save").click().run()  # the editors as loaded: a new version of the same plan
    assert not at.exception and not at.error
    store = Store(demo_db)
    saved = account_plans.latest_plan(store, account)
    store.dispose()
    assert saved is not None and saved.version == 2 and saved.saved_by != "Fay Chen"


def test_a_viewer_reads_the_plan_and_is_told_who_edits_it(demo_db: str) -> None:
    at = run()
    act_as(at, "viewer", "Vi Ewer")
    _open_focus_account(at, demo_db)
    assert "ap_save" not in [b.key for b in at.button]
    assert "Account plans are edited by the account's sales leader" in _text(at)
    assert _table(at, "name", "strength")["strength"].tolist()


def test_an_account_on_no_focus_list_says_plans_are_for_focus_accounts(bare_demo_db: str) -> None:
    at = run(ACCOUNT)
    assert "this account is on no focus list" in _text(at)
    assert "ap_save" not in [b.key for b in at.button]


def test_the_plan_pages_pilot_account_planning_links_to_each_focus_accounts_plan(demo_db: str) -> None:
    at = run(PLAN)
    assert "Pilot account planning" in [s.value for s in at.subheader]
    assert "15 of the 15 focus accounts of Focus list have a plan" in _text(at)
    table = _table(at, "link", "open_actions")
    assert len(table) == 15 and table["link"].str.contains("account=ACC-").all()
    assert table["link"].str.endswith("#account-plan").all()


def test_without_a_focus_list_the_plan_page_says_plans_come_with_it(bare_demo_db: str) -> None:
    at = run(PLAN)
    assert "No focus list yet: account plans are written for the focus accounts" in _text(at)


def _edit(at: AppTest, key: str, **changes: object) -> None:
    """Edit a data editor as the browser reports it (AppTest has no data editor API)."""
    at.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **changes}
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def test_an_edited_plan_is_saved_whole_and_a_bu_the_portfolio_lacks_is_refused_naming_it(demo_db: str) -> None:
    at = run()
    account = _open_focus_account(at, demo_db)
    gen = f"{account}_1_0"
    _edit(at, f"ap_objectives_{gen}", added_rows=[{"objective": "Sign a frame contract across sites"}])
    _edit(at, f"ap_targets_{gen}", added_rows=[{"bu": "BU-QUANTUM", "value": 5.0, "source": "entered"}])
    at.button(key="ap_save").click().run()
    shown = " ".join(e.value for e in at.error).replace("\\", "")
    assert "a BU this portfolio does not have" in shown and "BU-QUANTUM" in shown
    store = Store(demo_db)
    assert account_plans.latest_plan(store, account).version == 1  # type: ignore[union-attr]  # nothing saved
    store.dispose()
    _edit(at, f"ap_targets_{gen}")  # the target taken back: the objective stays
    at.button(key="ap_save").click().run()
    assert not at.error
    store = Store(demo_db)
    saved = account_plans.latest_plan(store, account)
    store.dispose()
    assert saved is not None and saved.version == 2
    assert saved.plan.objectives[-1] == "Sign a frame contract across sites" and len(saved.plan.objectives) == 4
