"""Saving the engagement plan: who may, versions per name, the audit entry, the reads the deck relies on; on SQLite
and PostgreSQL (the ``store`` fixture runs both when GTM_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pandas as pd
import pytest

from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.permissions import Actor, Role
from gtm.domain.plan import Activity, Phase, Plan
from gtm.services import audit, plans
from gtm.storage.repository import Store

FAY = Actor("Fay Chen", Role.FACILITATOR, email="fay@example.com")
ADA = Actor("Ada Admin", Role.ADMIN)
START = date(2026, 1, 5)


def _edited(owner: str = "Fay", weeks: float = 5) -> Plan:
    """The default plan with its first activity owned, in progress and ``weeks`` long."""
    plan = plans.default_plan()
    first = plan.phases[0]
    act = first.activities[0].model_copy(update={"owner": owner, "status": "in progress", "weeks": weeks})
    return plan.model_copy(update={"phases": (first.model_copy(update={"activities": (act, *first.activities[1:])}),
                                              *plan.phases[1:])})


@pytest.mark.parametrize("role", [Role.SALES_LEADER, Role.VIEWER, Role.BU_HEAD])
def test_who_may_not_edit_the_plan_is_refused_and_nothing_is_written(store: Store, role: Role) -> None:
    with pytest.raises(PermissionDenied, match=r"may not edit plan; allowed: .*Workshop facilitator"):
        plans.save_plan(store, Actor("Someone", role, "BU-A"), "Workshop", START, plans.default_plan())
    assert plans.versions(store).empty and plans.latest_plan(store) is None
    assert store.audit_log().empty


def test_each_save_is_the_next_version_of_its_name_and_the_latest_is_read_back(store: Store) -> None:
    assert plans.save_plan(store, FAY, "Workshop", START, plans.default_plan(), "Focus list") == 1
    assert plans.save_plan(store, ADA, " Workshop ", date(2026, 2, 2), _edited()) == 2
    assert plans.save_plan(store, FAY, "Other", START, plans.default_plan()) == 1
    versions = plans.versions(store)
    assert versions[["name", "version"]].values.tolist() == [["Other", 1], ["Workshop", 2], ["Workshop", 1]]
    assert versions["created_by"].tolist() == ["Fay Chen", "Ada Admin", "Fay Chen"]
    assert versions["activities"].tolist() == [15, 15, 15]
    plan, start, list_name = plans.latest_plan(store, "Workshop")  # type: ignore[misc]
    assert (plan, start, list_name) == (_edited(), date(2026, 2, 2), None)
    assert plans.latest_plan(store) == (plans.default_plan(), START, None)  # the latest of any name: "Other"
    assert plans.plan_version(store, "Workshop", 1) == (plans.default_plan(), START, "Focus list")
    assert plans.plan_version(store, "Workshop", 9) is None


def test_a_save_writes_its_audit_entry(store: Store) -> None:
    plans.save_plan(store, FAY, "Workshop", START, _edited(weeks=8), "Focus list")
    entry = audit.entries(store, ADA).iloc[0]
    assert (entry["action"], entry["target"], entry["actor"], entry["actor_role"]) == \
           ("plan.saved", "Workshop v1", "Fay Chen", "facilitator")
    assert '"end_date": "2026-07-27"' in entry["detail"]  # 8 weeks instead of 6 in phase 1: 2 weeks later
    assert '"list_name": "Focus list"' in entry["detail"] and '"version": 1' in entry["detail"]


@pytest.mark.parametrize(("name", "start", "said"), [
    ("  ", START, "The plan's name is empty"),
    ("x" * 129, START, "129 characters; 128 at most"),
    ("Workshop", date(1999, 12, 31), "start date 1999-12-31 is not accepted; give a date from 2000-01-01"),
])
def test_bad_names_and_dates_are_said_and_nothing_is_written(store: Store, name: str, start: date, said: str) -> None:
    with pytest.raises(InputError, match=said.replace("(", r"\(").replace(")", r"\)")):
        plans.save_plan(store, FAY, name, start, plans.default_plan())
    assert plans.versions(store).empty and store.audit_log().empty


def test_a_plan_built_past_validation_is_still_refused(store: Store) -> None:
    bad = Plan.model_construct(phases=(Phase.model_construct(name="P", weeks=2, note="", activities=(
        Activity.model_construct(name="a", weeks=0, owner="", status="done", offset=None),)),))
    with pytest.raises(InputError, match="Phase 'P', activity 'a': weeks 0 is not accepted"):
        plans.save_plan(store, FAY, "Workshop", START, bad)
    assert plans.versions(store).empty


def test_saves_at_the_same_moment_each_get_their_own_version(store: Store) -> None:
    with ThreadPoolExecutor(4) as pool:
        got = sorted(pool.map(lambda _: plans.save_plan(store, FAY, "Workshop", START, plans.default_plan()),
                              range(6)))
    assert got == [1, 2, 3, 4, 5, 6]
    assert len(store.audit_log()) == 6


def test_schedule_frame_and_exports_in_the_pages_headers() -> None:
    frame = plans.schedule_frame(_edited(owner="=HYPERLINK(\"x\")"), START)
    assert list(frame.columns) == ["phase", "activity", "owner", "status", "start", "end", "weeks"]
    assert frame["end"].max() == date(2026, 7, 13)  # 5 weeks for the first activity stays within phase 1
    csv = plans.export_csv(_edited(owner="=HYPERLINK(\"x\")"), START, european=True).decode("utf-8-sig")
    assert csv.splitlines()[0] == "Phase;Activity;Owner;Status;Start;End;Weeks"
    assert "'=HYPERLINK" in csv and ";2026-01-05;2026-02-09;5" in csv  # neutralised; dates and weeks as people read
    sheet = pd.read_excel(io.BytesIO(plans.export_xlsx(_edited(owner="@me"), START)), sheet_name="Plan")
    assert list(sheet.columns) == ["Phase", "Activity", "Owner", "Status", "Start", "End", "Weeks"]
    assert sheet.loc[0, "Owner"] == "'@me" and pd.Timestamp(sheet.loc[0, "Start"]) == pd.Timestamp(START)
