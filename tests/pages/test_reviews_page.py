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


def test_each_bu_with_value_approves_before_a_decision_is_approved(demo_db: str) -> None:
    store = Store(demo_db)
    account, bus = _multi_bu_account(store)
    _decide(demo_db, account)
    decision_id = int(store.decisions(account).iloc[0]["decision_id"])
    for i, bu in enumerate(bus):
        at = act_as(run("pages/review.py"), "bu_head", f"Head of {bu}", bus=[bu])
        at.selectbox(key="rv_bu").set_value(bu).run()
        at.selectbox(key="rv_decision").set_value(decision_id).run()
        assert any("Where the BUs stand" in c.value for c in at.caption)
        at.radio(key="rv_verdict").set_value("approved")
        next(b for b in at.button if b.label == "Submit review").click().run()
        assert not at.error, [e.value for e in at.error]
        row = store.decisions(account).iloc[0]
        expected = "approved" if i == len(bus) - 1 else "pending"
        assert row["review_status"] == expected, (bu, row["approvals"])
    assert row["approvals"] == " · ".join(f"{b} ✓" for b in bus)
    # Back on the approved decision, the page warns before a new verdict, and the status shows it is approved.
    at.selectbox(key="rv_decision").set_value(decision_id).run()
    assert any("already **approved**" in w.value for w in at.warning), [w.value for w in at.warning]
    assert "(approved)" in at.selectbox(key="rv_decision").format_func(decision_id)  # type: ignore[misc]


def test_the_second_of_two_reviewers_sees_the_first_verdict_before_writing(demo_db: str) -> None:
    store = Store(demo_db)
    account, bus = _multi_bu_account(store)
    _decide(demo_db, account)
    decision_id = int(store.decisions(account).iloc[0]["decision_id"])
    pages = []
    for name in ("Ann", "Ben"):
        at = act_as(run("pages/review.py"), "bu_head", name, bus=[bus[0]])
        at.selectbox(key="rv_bu").set_value(bus[0]).run()
        at.selectbox(key="rv_decision").set_value(decision_id).run()
        pages.append(at)
    first, second = pages
    first.radio(key="rv_verdict").set_value("approved")
    next(b for b in first.button if b.label == "Submit review").click().run()
    assert not first.error
    second.radio(key="rv_verdict").set_value("challenged")
    second.text_area(key="rv_comment").input("Not convinced")
    next(b for b in second.button if b.label == "Submit review").click().run()
    assert any("Someone reviewed this decision meanwhile" in e.value for e in second.error), (
        [e.value for e in second.error], [w.value for w in second.warning], second.exception)
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
