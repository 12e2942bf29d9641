"""A BU head of several BUs reviews a decision once for every BU of theirs the account touches: a review row and
the audit per BU, all in one transaction, all or nothing; a verdict per BU stays possible. SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import insert

from gtm.domain import portfolio
from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.matrix import default_matrix
from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.services import audit, decisions
from gtm.storage.models import Account, BusinessUnit, Opportunity
from gtm.storage.repository import Store

FAY = Actor("Fay", Role.FACILITATOR)
BO = Actor("Bo", Role.BU_HEAD, ("BU-A", "BU-B"))  # heads two BUs
CY = Actor("Cy", Role.BU_HEAD, "BU-C")


def _decided(store: Store) -> dict[str, int]:
    """ACC-1 sells in BU-A and BU-B; ACC-2 in BU-A, BU-B and BU-C; ACC-3 in BU-C only. A decision on each."""
    with store.engine.begin() as conn:
        keys = {bu: conn.execute(insert(BusinessUnit).values(external_id=bu, name=f"Unit {bu[-1]}")
                                 .returning(BusinessUnit.id)).scalar_one() for bu in ("BU-A", "BU-B", "BU-C")}
        for ext, bus in (("ACC-1", ("BU-A", "BU-B")), ("ACC-2", ("BU-A", "BU-B", "BU-C")), ("ACC-3", ("BU-C",))):
            acc = conn.execute(insert(Account).values(external_id=ext, name=f"{ext} Ltd").returning(Account.id)).scalar_one()
            for bu in bus:
                conn.execute(insert(Opportunity).values(external_id=f"{ext}-{bu}", account_id=acc, bu_id=keys[bu],
                                                        nature="turnkey", value=10.0))
    return {a: decisions.record_decision(store, FAY, a, "lead_unit", "why") for a in ("ACC-1", "ACC-2", "ACC-3")}


def _verdicts(store: Store, decision_id: int) -> list[tuple[str, str]]:
    rows = store.reviews(decision_id)
    return sorted(zip(rows["bu"].astype(str), rows["verdict"]))


def _queue(store: Store, bus: list[str]) -> pd.DataFrame:
    assessed = portfolio.assess_portfolio(store.opportunities(), default_matrix())
    return portfolio.review_queue(store.accounts(), assessed, store.decisions(), bus, default_matrix(),
                                  store.reviews()).set_index("account_id")


def test_one_approval_is_recorded_for_each_of_the_heads_bus_the_account_touches(store: Store) -> None:
    ids = _decided(store)
    inbox = _queue(store, list(BO.bus))
    assert sorted(inbox.index) == ["ACC-1", "ACC-2"]  # each decision once, not once per BU
    assert inbox.loc["ACC-1", "waiting_on"] == "BU-A, BU-B" and bool(inbox.loc["ACC-1", "waiting"])
    decisions.review_decision(store, BO, ids["ACC-1"], "approved", "", expected_latest=0)
    assert _verdicts(store, ids["ACC-1"]) == [("BU-A", "approved"), ("BU-B", "approved")]
    row = store.decisions("ACC-1").iloc[0]
    assert (row["review_status"], row["approvals"]) == ("approved", "BU-A ✓ · BU-B ✓")  # no BU left to ask
    entry = audit.entries(store, ADMIN).iloc[0]
    assert entry["action"] == "review.approved" and '"BU-A", "BU-B"' in entry["detail"]
    after = _queue(store, list(BO.bus))
    assert after.loc["ACC-1", "waiting_on"] == "" and after.loc["ACC-1", "my_verdict"] == "approved"
    assert not bool(after.loc["ACC-1", "waiting"])
    assert after.loc["ACC-2", "my_bus"] == "BU-A, BU-B"  # BU-C is Cy's: not asked of Bo


def test_several_decisions_for_the_bus_each_waits_on_in_one_transaction(store: Store) -> None:
    ids = _decided(store)
    decisions.review_decision(store, BO, ids["ACC-2"], "approved", "", bu="BU-A")  # BU-B still to say on ACC-2
    inbox = _queue(store, list(BO.bus))
    assert inbox.loc["ACC-2", "waiting_on"] == "BU-B" and inbox.loc["ACC-2", "my_verdict"] == "approved"
    wanted = {ids[a]: inbox.loc[a, "waiting_on"].split(", ") for a in ("ACC-1", "ACC-2")}
    decisions.review_decisions(store, BO, list(wanted), "approved", "fine", bus=wanted)
    assert _verdicts(store, ids["ACC-1"]) == [("BU-A", "approved"), ("BU-B", "approved")]
    assert _verdicts(store, ids["ACC-2"]) == [("BU-A", "approved"), ("BU-B", "approved")]  # BU-A not asked twice
    assert store.decisions("ACC-2").iloc[0]["approvals"] == "BU-A ✓ · BU-B ✓ · BU-C awaiting"


def test_a_bu_that_is_not_the_heads_refuses_the_whole_act(store: Store) -> None:
    ids = _decided(store)
    with pytest.raises(PermissionDenied, match=r"ACC-2 Ltd: BU head of BU-A, BU-B may not review for BU BU-C\. "
                                               r"Nothing was recorded for the 2 chosen decisions"):
        decisions.review_decisions(store, BO, [ids["ACC-1"], ids["ACC-2"]], "approved", "",
                                   bus={ids["ACC-1"]: ["BU-A", "BU-B"], ids["ACC-2"]: ["BU-A", "BU-C"]},
                                   names={ids["ACC-1"]: "ACC-1 Ltd", ids["ACC-2"]: "ACC-2 Ltd"})
    with pytest.raises(PermissionDenied, match="no opportunity in that BU"):
        decisions.review_decision(store, CY, ids["ACC-1"], "approved", "", bus=["BU-C"])
    with pytest.raises(InputError, match="at least one BU"):
        decisions.review_decision(store, BO, ids["ACC-1"], "approved", "", bus=[])
    assert store.reviews().empty and audit.entries(store, ADMIN)["action"].str.startswith("review").sum() == 0


def test_a_head_may_approve_for_one_bu_and_challenge_for_another_at_once(store: Store) -> None:
    ids = _decided(store)
    with pytest.raises(InputError, match="A challenge needs a comment"):
        decisions.review_by_bu(store, BO, ids["ACC-1"], {"BU-A": "approved", "BU-B": "challenged"}, "")
    with pytest.raises(PermissionDenied, match="may not review for BU BU-C"):
        decisions.review_by_bu(store, BO, ids["ACC-2"], {"BU-A": "approved", "BU-C": "approved"}, "")
    assert store.reviews().empty  # all or nothing
    decisions.review_by_bu(store, BO, ids["ACC-1"], {"BU-A": "approved", "BU-B": "challenged"},
                           "Drives has no say in a lead unit", expected_latest=0)
    assert _verdicts(store, ids["ACC-1"]) == [("BU-A", "approved"), ("BU-B", "challenged")]
    row = store.decisions("ACC-1").iloc[0]
    assert (row["review_status"], row["approvals"]) == ("challenged", "BU-A ✓ · BU-B ✗ challenged")
    assert _queue(store, list(BO.bus)).loc["ACC-1", "my_verdict"] == "mixed"
    actions = audit.entries(store, ADMIN)["action"].tolist()
    assert actions[:2] == ["review.challenged", "review.approved"]  # one entry per verdict, newest first
    with pytest.raises(InputError, match="Someone reviewed this decision meanwhile"):
        decisions.review_by_bu(store, BO, ids["ACC-1"], {"BU-B": "approved"}, "", expected_latest=0)


def test_an_administrator_stands_in_for_several_bus_at_once(store: Store) -> None:
    ids = _decided(store)
    decisions.review_decision(store, ADMIN, ids["ACC-2"], "approved", "", bus=["BU-A", "BU-B", "BU-C"])
    assert store.decisions("ACC-2").iloc[0]["review_status"] == "approved"
