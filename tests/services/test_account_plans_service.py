"""Account plans through the services, on SQLite and PostgreSQL: versions, who may edit which account, focus
accounts only, BUs checked, a save meanwhile refused, open actions and the XLSX export."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pandas as pd
import pytest
from fixtures_import import text_bytes

from gtm.domain.account_plans import AccountPlan, PlanAction, Stakeholder, Target
from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.services import account_plans, lists
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store

FAY = Actor("Fay Chen", Role.FACILITATOR, email="fay@example.com")
DANA = Actor("Dana Reyes", Role.SALES_LEADER, email="dana@example.com")
SAM = Actor("Sam Okafor", Role.SALES_LEADER, email="sam@example.com")
TODAY = date.today()
PLAN = AccountPlan(
    objectives=("Win the next plant programme with one offer",),
    targets=(Target(bu="Automation", value=2e6),),  # by name: stored as the BU's id
    stakeholders=(Stakeholder(name="Ana Lima", role="CTO", strength="strong", owner="Dana Reyes"),
                  Stakeholder(name="Bo Chen", role="Buyer")),
    actions=(PlanAction(action="Map the buying centre", owner="Dana Reyes", due=TODAY - timedelta(days=3),
                        status="in progress"),
             PlanAction(action="Kick-off call", owner="Fay Chen", due=TODAY - timedelta(days=30), status="done"),
             PlanAction(action="Joint account review", status="not started")))


@pytest.fixture
def focus(store: Store) -> Store:
    """Two accounts owned by Dana, one by Sam; BU-AUT (Automation); A1 and A3 on the focus list."""
    commit_import(store, plan_import(store, "accounts", text_bytes(
        ["account_id", "name", "owner"], [["A1", "Acme", "Dana Reyes"], ["A2", "Globex", "dana@example.com"],
                                         ["A3", "Initech", "Sam Okafor"]])), ADMIN)
    commit_import(store, plan_import(store, "opportunities", text_bytes(
        ["opportunity_id", "account_id", "bu", "value"], [["O1", "A1", "BU-AUT", 10]])), ADMIN)
    with store.transaction() as tx:
        store.upsert_business_units(tx, pd.DataFrame({"bu_id": ["BU-AUT"], "name": ["Automation"],
                                                      "description": [None]}))
    lists.save_list(store, FAY, "Focus list", "focus", ["A1", "A3"])
    return store


def test_each_save_is_a_new_version_and_the_latest_counts(focus: Store) -> None:
    assert account_plans.save_plan(focus, DANA, "A1", PLAN) == 1
    changed = PLAN.model_copy(update={"objectives": ("Open Acme to a second BU",)})
    assert account_plans.save_plan(focus, FAY, "A1", changed, expected_version=1) == 2
    latest = account_plans.latest_plan(focus, "A1")
    assert latest is not None and latest.version == 2 and latest.saved_by == "Fay Chen"
    assert latest.plan.objectives == ("Open Acme to a second BU",)
    first = account_plans.plan_version(focus, "A1", 1)
    assert first is not None and first.plan.targets[0].bu == "BU-AUT"  # the BU by name, stored by its id
    assert account_plans.versions(focus, "A1")["version"].tolist() == [2, 1]
    entries = focus.audit_log()
    assert entries.loc[entries["action"] == "account_plan.saved", "target"].tolist() == ["A1", "A1"]


def test_a_save_made_meanwhile_is_not_overwritten(focus: Store) -> None:
    account_plans.save_plan(focus, DANA, "A1", PLAN)
    with pytest.raises(InputError, match=r"Someone saved version 1 of this plan meanwhile .Dana Reyes"):
        account_plans.save_plan(focus, FAY, "A1", PLAN, expected_version=0)
    assert account_plans.versions(focus, "A1")["version"].tolist() == [1]


@pytest.mark.parametrize("who", [Actor("Vi Ewer", Role.VIEWER), Actor("Hans Berg", Role.BU_HEAD, "BU-AUT")])
def test_viewers_and_bu_heads_read_plans_and_may_not_save_one(focus: Store, who: Actor) -> None:
    with pytest.raises(PermissionDenied, match="may not edit account plan"):
        account_plans.save_plan(focus, who, "A1", PLAN)
    assert account_plans.latest_plan(focus, "A1") is None and not account_plans.may_edit(who, "Dana Reyes")


def test_a_sales_leader_plans_only_the_accounts_they_own(focus: Store) -> None:
    with pytest.raises(PermissionDenied, match="A3 is owned by Sam Okafor, not Dana Reyes"):
        account_plans.save_plan(focus, DANA, "A3", PLAN)
    assert account_plans.save_plan(focus, SAM, "A3", PLAN) == 1
    assert account_plans.may_edit(DANA, "dana@example.com") and not account_plans.may_edit(DANA, "Sam Okafor")
    assert "owned by Sam Okafor" in account_plans.why_not_edit(DANA, "Sam Okafor")


def test_plans_are_for_focus_accounts_and_name_bus_this_portfolio_has(focus: Store) -> None:
    with pytest.raises(InputError, match="A2 is on no focus list"):
        account_plans.save_plan(focus, DANA, "A2", PLAN)
    unknown = PLAN.model_copy(update={"targets": (Target(bu="Quantum", value=1.0),)})
    with pytest.raises(InputError, match="a BU this portfolio does not have") as caught:
        account_plans.save_plan(focus, FAY, "A1", unknown)
    problem = caught.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (1, "Whitespace targets per BU: BU", "Quantum")
    assert "BU-AUT" in problem.reason
    with pytest.raises(InputError, match="No account with id 'A9'"):
        account_plans.save_plan(focus, FAY, "A9", PLAN)
    assert focus.audit_log().query("action == 'account_plan.saved'").empty


def test_open_actions_of_the_focus_accounts_and_their_xlsx(focus: Store) -> None:
    account_plans.save_plan(focus, DANA, "A1", PLAN)
    opened = account_plans.open_actions(focus, ["A1", "A3"])
    assert opened["action"].tolist() == ["Map the buying centre", "Joint account review"]  # overdue first, done out
    assert opened["overdue"].tolist() == [True, False]
    summary = account_plans.summary(focus, ["A1", "A3"]).set_index("account_id")
    assert summary.loc["A1", ["version", "open_actions", "overdue_actions"]].tolist() == [1, 2, 1]
    assert summary.loc["A3", "version"] == 0
    book = openpyxl.load_workbook(io.BytesIO(account_plans.export_xlsx(focus, ["A1", "A3"])))
    assert book.sheetnames == list(account_plans.SHEETS)
    rows = list(book["Open actions"].values)
    assert rows[0][:4] == ("Account id", "Account", "Version", "Action")
    assert [r[3] for r in rows[1:]] == ["Map the buying centre", "Joint account review"]
    people = list(book["Stakeholders"].values)
    assert people[2][5] == "not known"  # a relationship nobody judged is said to be unknown, not left blank
