"""AppTest: a multi-BU decision waits for every BU's head; a second reviewer sees the first; the audit log shows it."""

from __future__ import annotations

from acting import act_as
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.storage.repository import Store


def _multi_bu_account(store: Store) -> tuple[str, list[str]]:
    """An account of the demo with value in several BUs (the first run of the app seeds the demo)."""
    if store.is_empty():
        run()
    opps = store.opportunities()
    per_bu = opps[opps["value"] > 0].groupby(["account_id", "bu"])["value"].sum().reset_index()
    counts = per_bu.groupby("account_id")["bu"].agg(list)
    account = next(a for a, bus in counts.items() if len(bus) >= 2)
    return str(account), sorted(counts[account])


def _decide(store_url: str, account: str) -> None:
    at = act_as(run("pages/account.py", account=account), "facilitator", "Dana Reyes")
    at.text_area(key="dec_rationale").input("One unit leads")
    next(b for b in at.button if b.label == "Record decision").click().run()
    assert not at.error, [e.value for e in at.error]


def _select_account(at, account_name: str):  # type: ignore[no-untyped-def]
    """Select the table row of this account (the page's rows are approved or challenged from the table)."""
    table = next(df.value for df in at.dataframe if df.key == "rv_table")
    at.session_state["rv_table"] = {"selection": {"rows": [int(table.index[table["account_name"] == account_name][0])],
                                                  "columns": []}}
    return at.run()


def test_each_bu_with_value_approves_before_a_decision_is_approved(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    store = Store(demo_db)
    account, bus = _multi_bu_account(store)
    _decide(demo_db, account)
    name = str(store.decisions(account).iloc[0]["account_name"])
    for i, bu in enumerate(bus):
        at = act_as(run("pages/review.py"), "bu_head", f"Head of {bu}", bus=[bu]).run()  # no BU to choose
        assert at.radio(key="rv_show").value == "waiting"  # the decision waits for this BU's verdict
        _select_account(at, name)
        assert any("Where the BUs stand" in c.value for c in at.caption)
        at.button(key="rv_approve").click().run()
        assert not at.error, [e.value for e in at.error]
        row = store.decisions(account).iloc[0]
        expected = "approved" if i == len(bus) - 1 else "pending"
        assert row["review_status"] == expected, (bu, row["approvals"])
    assert row["approvals"] == " · ".join(f"{b} ✓" for b in bus)
    # Back on the approved decision, the page warns before a new verdict, and the status shows it is approved.
    assert at.radio(key="rv_show").value == "all"  # nothing waits for this BU any more
    _select_account(at, name)
    assert any("already carr" in w.value for w in at.warning), [w.value for w in at.warning]
    table = next(df.value for df in at.dataframe if df.key == "rv_table")
    assert table.loc[table["account_name"] == name, "review_status"].tolist() == ["approved"]


def test_the_second_of_two_reviewers_sees_the_first_verdict_before_writing(demo_db: str) -> None:
    store = Store(demo_db)
    account, bus = _multi_bu_account(store)
    _decide(demo_db, account)
    decision_id = int(store.decisions(account).iloc[0]["decision_id"])
    name = str(store.decisions(account).iloc[0]["account_name"])
    pages = []
    for who in ("Ann", "Ben"):
        at = act_as(run("pages/review.py"), "bu_head", who, bus=[bus[0]]).run()
        pages.append(_select_account(at, name))
    first, second = pages
    first.button(key="rv_approve").click().run()
    assert not first.error
    second.text_input(key="rv_comment").input("Not convinced")
    second.button(key="rv_challenge").click().run()
    # Ann's verdict took the decision out of Ben's inbox: his selection no longer means what he saw.
    assert any("The list changed since you selected rows" in i.value for i in second.info), (
        [e.value for e in second.error], [i.value for i in second.info], second.exception)
    assert store.reviews(decision_id)["verdict"].tolist() == ["approved"]


def test_the_admin_page_shows_and_exports_the_audit_log(demo_db: str) -> None:
    store = Store(demo_db)
    account, _ = _multi_bu_account(store)
    _decide(demo_db, account)
    at = run("pages/admin.py")
    assert not at.exception
    log = next(df for df in at.dataframe if "action" in df.value.columns).value
    assert log["action"].tolist()[0] == "decision.recorded"
    assert log["target"].tolist()[0] == account
    assert set(log["workspace"]) == {"demo"}
    assert [b for b in at.get("download_button") if b.proto.label == "Export the audit log (CSV)"]


def test_a_viewer_cannot_open_the_audit_log(demo_db: str) -> None:
    at = act_as(run("pages/admin.py"), "viewer", "Vic").run()
    assert not at.exception
    assert not [df for df in at.dataframe if "action" in df.value.columns]
