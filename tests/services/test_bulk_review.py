"""Several decisions reviewed at once: the same rules as one at a time, in one transaction, all or nothing."""

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
ANA = Actor("Ana", Role.BU_HEAD, "BU-A")
BEN = Actor("Ben", Role.BU_HEAD, "BU-B")
SAL = Actor("Sal", Role.SALES_LEADER)


def _three_decisions(store: Store) -> list[int]:
    """ACC-1 and ACC-2 only in BU-A; ACC-3 in BU-A and BU-B. One decision on each."""
    with store.engine.begin() as conn:
        keys = {bu: conn.execute(insert(BusinessUnit).values(external_id=bu, name=bu).returning(BusinessUnit.id))
                .scalar_one() for bu in ("BU-A", "BU-B")}
        for ext, opps in (("ACC-1", ("BU-A",)), ("ACC-2", ("BU-A",)), ("ACC-3", ("BU-A", "BU-B"))):
            acc = conn.execute(insert(Account).values(external_id=ext, name=f"{ext} Ltd").returning(Account.id)).scalar_one()
            for bu in opps:
                conn.execute(insert(Opportunity).values(external_id=f"{ext}-{bu}", account_id=acc, bu_id=keys[bu],
                                                        nature="turnkey", value=2.0))
    return [decisions.record_decision(store, FAY, a, "lead_unit", "why") for a in ("ACC-1", "ACC-2", "ACC-3")]


def _status(store: Store) -> dict[str, str]:
    return store.decisions().set_index("account_id")["review_status"].to_dict()


def test_one_verdict_on_several_decisions_is_recorded_for_each(store: Store) -> None:
    ids = _three_decisions(store)
    done = decisions.review_decisions(store, ANA, ids, "approved", "fine", bu="BU-A",
                                      expected_latest={i: 0 for i in ids})
    assert sorted(done) == sorted(ids)
    assert _status(store) == {"ACC-1": "approved", "ACC-2": "approved", "ACC-3": "pending"}  # BU-B still to say
    assert store.decisions("ACC-3").iloc[0]["approvals"] == "BU-A ✓ · BU-B awaiting"
    log = audit.entries(store, ADMIN)
    assert log["action"].tolist().count("review.approved") == 3


def test_one_stale_decision_refuses_them_all(store: Store) -> None:
    ids = _three_decisions(store)
    seen = {i: 0 for i in ids}
    decisions.review_decision(store, BEN, ids[2], "challenged", "BU-B is not in")  # meanwhile, on ACC-3
    with pytest.raises(InputError, match=r"ACC-3 Ltd: Someone reviewed this decision meanwhile.*Nothing was "
                                         r"recorded for the 3 chosen decisions"):
        decisions.review_decisions(store, ANA, ids, "approved", "", bu="BU-A", expected_latest=seen,
                                   names={i: f"ACC-{n} Ltd" for n, i in enumerate(ids, 1)})
    assert [len(store.reviews(i)) for i in ids] == [0, 0, 1]  # the first two were rolled back with the third
    assert audit.entries(store, ADMIN)["action"].tolist().count("review.approved") == 0


def test_a_newer_decision_on_one_account_refuses_them_all(store: Store) -> None:
    ids = _three_decisions(store)
    decisions.record_decision(store, FAY, "ACC-2", "market_bu", "changed our mind")
    with pytest.raises(InputError, match="A newer decision was recorded"):
        decisions.review_decisions(store, ANA, ids, "approved", "", bu="BU-A")
    assert [len(store.reviews(i)) for i in ids] == [0, 0, 0]


def test_who_may_review_several_is_who_may_review_one(store: Store) -> None:
    ids = _three_decisions(store)
    with pytest.raises(PermissionDenied):
        decisions.review_decisions(store, SAL, ids, "approved", "", bu="BU-A")
    with pytest.raises(PermissionDenied, match="may not review for BU BU-A"):
        decisions.review_decisions(store, BEN, ids, "approved", "", bu="BU-A")
    with pytest.raises(PermissionDenied, match="no opportunity in that BU"):  # ACC-1 has nothing in BU-B
        decisions.review_decisions(store, BEN, ids, "approved", "", bu="BU-B")
    assert [len(store.reviews(i)) for i in ids] == [0, 0, 0]
    decisions.review_decisions(store, Actor("Ada", Role.ADMIN), ids[:2], "approved", "for BU-A", bu="BU-A")
    assert _status(store)["ACC-1"] == "approved"


def test_a_challenge_of_several_needs_a_comment_and_a_choice(store: Store) -> None:
    ids = _three_decisions(store)
    with pytest.raises(InputError, match="A challenge needs a comment"):
        decisions.review_decisions(store, ANA, ids, "challenged", "  ", bu="BU-A")
    with pytest.raises(InputError, match="Choose at least one decision"):
        decisions.review_decisions(store, ANA, [], "approved", "", bu="BU-A")
    decisions.review_decisions(store, ANA, ids, "challenged", "not yet", bu="BU-A")
    assert set(_status(store).values()) == {"challenged"}


def test_the_queue_lists_what_waits_for_the_bu_first(store: Store) -> None:
    ids = _three_decisions(store)
    opps = store.opportunities()
    assessed = portfolio.assess_portfolio(opps, default_matrix())
    decisions.review_decision(store, ANA, ids[0], "approved", "")
    decisions.record_decision(store, FAY, "ACC-2", "common_front_end", "fits turnkey")  # realistic: nothing at stake

    def queue(bu: str) -> pd.DataFrame:
        return portfolio.review_queue(store.accounts(), assessed, store.decisions(), bu, default_matrix(),
                                      store.reviews()).set_index("account_id")

    mine = queue("BU-A")
    # Every decision is listed, flagged or not; ACC-1 has BU-A's verdict, the others wait for it, first.
    assert mine.loc["ACC-2", "value_at_stake"] == 0 and mine.loc["ACC-3", "value_at_stake"] > 0
    assert mine["waiting"].to_dict() == {"ACC-2": True, "ACC-3": True, "ACC-1": False}
    assert list(mine.index) == ["ACC-3", "ACC-2", "ACC-1"]  # waiting first, then by value at stake
    assert mine.loc["ACC-1", "my_verdict"] == "approved" and mine.loc["ACC-2", "my_verdict"] == ""
    assert queue("BU-B")["waiting"].to_dict() == {"ACC-3": True}
    filtered = portfolio.filter_queue(mine.reset_index(), fits=["overkill"], min_steps=3)
    # ACC-3 (insufficient) is not what the filter asks for; ACC-2 fits and waits: a filter on misfits keeps it.
    assert filtered["account_id"].tolist() == ["ACC-2"]
    assert portfolio.waiting_rows(mine.reset_index(), True)["account_id"].tolist() == list(mine.index[:2])
