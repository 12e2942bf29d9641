"""Reviews on multi-BU accounts, the version a review carries, and the audit log every change writes."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import insert

from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.matrix import default_matrix
from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.domain.reviews import review_status
from gtm.services import accounts, audit, decisions, demo, diagnosis, matrices, users
from gtm.storage.models import Account, BusinessUnit, Opportunity
from gtm.storage.repository import Store

FAY = Actor("Fay", Role.FACILITATOR, email="fay@example.com")
ANA = Actor("Ana", Role.BU_HEAD, "BU-A")
BEN = Actor("Ben", Role.BU_HEAD, "BU-B")
CY = Actor("Cy", Role.BU_HEAD, "BU-C")


def _portfolio(store: Store) -> None:
    """ACC-1 has value in BU-A and BU-B, and a zero-value opportunity in BU-C; ACC-2 only in BU-A."""
    with store.engine.begin() as conn:
        keys = {bu: conn.execute(insert(BusinessUnit).values(external_id=bu, name=bu).returning(BusinessUnit.id))
                .scalar_one() for bu in ("BU-A", "BU-B", "BU-C")}
        for ext, opps in (("ACC-1", (("BU-A", 5.0), ("BU-B", 3.0), ("BU-C", 0.0))), ("ACC-2", (("BU-A", 1.0),))):
            acc = conn.execute(insert(Account).values(external_id=ext, name=ext).returning(Account.id)).scalar_one()
            for bu, value in opps:
                conn.execute(insert(Opportunity).values(external_id=f"{ext}-{bu}", account_id=acc, bu_id=keys[bu],
                                                        nature="turnkey", value=value))


def _status(store: Store, account: str) -> pd.Series:
    return store.decisions(account).iloc[0]


def test_a_multi_bu_decision_is_approved_only_when_every_bu_with_value_approved(store: Store) -> None:
    _portfolio(store)
    decision = decisions.record_decision(store, FAY, "ACC-1", "lead_unit", "one unit leads")
    assert _status(store, "ACC-1")[["review_status", "approvals"]].tolist() == [
        "pending", "BU-A awaiting · BU-B awaiting"]
    decisions.review_decision(store, ANA, decision, "approved", "")
    row = _status(store, "ACC-1")
    assert (row["review_status"], row["approvals"]) == ("pending", "BU-A ✓ · BU-B awaiting")
    decisions.review_decision(store, CY, decision, "approved", "")  # BU-C touches the account with no value
    assert _status(store, "ACC-1")["review_status"] == "pending"
    decisions.review_decision(store, BEN, decision, "approved", "ok")
    row = _status(store, "ACC-1")
    assert (row["review_status"], row["approvals"], row["reviewer"]) == ("approved", "BU-A ✓ · BU-B ✓", "Ben")
    decisions.review_decision(store, ANA, decision, "challenged", "BU-A wants more")
    row = _status(store, "ACC-1")
    assert (row["review_status"], row["approvals"]) == ("challenged", "BU-A ✗ challenged · BU-B ✓")


def test_a_head_of_two_bus_reviews_for_both_or_for_one(store: Store) -> None:
    _portfolio(store)
    both = Actor("Bo", Role.BU_HEAD, ("BU-A", "BU-B"))
    decision = decisions.record_decision(store, FAY, "ACC-1", "lead_unit", "why")
    decisions.review_decision(store, both, decision, "approved", "", bu="BU-B")
    assert _status(store, "ACC-1")["approvals"] == "BU-A awaiting · BU-B ✓"
    decisions.review_decision(store, both, decision, "approved", "")
    assert _status(store, "ACC-1")["review_status"] == "approved"
    with pytest.raises(PermissionDenied, match="may not review for BU BU-C"):
        decisions.review_decision(store, both, decision, "approved", "", bu="BU-C")


def test_an_administrator_stands_in_for_a_bu_only_when_naming_it(store: Store) -> None:
    _portfolio(store)
    admin = Actor("Ada", Role.ADMIN)
    decision = decisions.record_decision(store, FAY, "ACC-2", "lead_unit", "why")
    decisions.review_decision(store, admin, decision, "approved", "looks fine")
    assert _status(store, "ACC-2")["review_status"] == "pending"  # no BU named: not BU-A's approval
    decisions.review_decision(store, admin, decision, "challenged", "wait")
    assert _status(store, "ACC-2")["review_status"] == "challenged"  # a challenge counts from anyone
    decisions.review_decision(store, admin, decision, "approved", "for BU-A", bu="BU-A")
    assert _status(store, "ACC-2")["review_status"] == "challenged"  # the unresolved challenge still stands
    with pytest.raises(PermissionDenied, match="no opportunity in that BU"):
        decisions.review_decision(store, admin, decision, "approved", "", bu="BU-B")


def test_a_review_carries_the_version_it_saw(store: Store) -> None:
    _portfolio(store)
    first = decisions.record_decision(store, FAY, "ACC-2", "lead_unit", "why")
    seen = 0
    decisions.review_decision(store, ANA, first, "approved", "", expected_latest=seen)
    with pytest.raises(InputError, match="Someone reviewed this decision meanwhile"):
        decisions.review_decision(store, ANA, first, "challenged", "no", expected_latest=seen)
    assert len(store.reviews(first)) == 1
    decisions.record_decision(store, FAY, "ACC-2", "market_bu", "changed our mind")
    with pytest.raises(InputError, match="A newer decision was recorded on this account meanwhile"):
        decisions.review_decision(store, ANA, first, "approved", "")


def test_review_status_without_reviews_or_bus() -> None:
    frame = pd.DataFrame({"decision_id": [1, 2], "account_id": ["A", "B"]})
    reviews = pd.DataFrame(columns=["review_id", "decision_id", "verdict", "comment", "reviewer", "bu"])
    out = review_status(frame, reviews, pd.DataFrame(columns=["account_id", "bu"]))
    assert out["review_status"].tolist() == ["pending", "pending"]
    assert out["approvals"].tolist() == ["", ""]
    one = pd.DataFrame({"review_id": [1], "decision_id": [2], "verdict": ["approved"], "comment": ["ok"],
                        "reviewer": ["Ada"], "bu": [None]})
    out = review_status(frame, one, pd.DataFrame(columns=["account_id", "bu"]))
    assert out.set_index("decision_id")["review_status"].to_dict() == {1: "pending", 2: "approved"}


def test_every_change_is_in_the_audit_log_with_who_when_what_and_workspace(store: Store) -> None:
    _portfolio(store)
    users.add_user(store, ADMIN, "ana@example.com", "bu head", "Ana", ["BU-A"])
    decision = decisions.record_decision(store, FAY, "ACC-2", "lead_unit", "why")
    decisions.review_decision(store, ANA, decision, "challenged", "not yet")
    matrices.save_matrix(store, FAY, default_matrix(), "workshop")
    matrices.activate_matrix(store, FAY, "default")
    accounts.set_current_approaches(store, FAY, {"ACC-1": "lead_unit"})
    diagnosis.override_nature(store, FAY, "ACC-2-BU-A", "turnkey", "we saw the tender")
    log = audit.entries(store, ADMIN)
    assert log["action"].tolist() == ["nature.overridden", "accounts.approach_set", "matrix.activated",
                                      "matrix.saved", "review.challenged", "decision.recorded", "user.added"]
    newest = log.iloc[0]
    assert (newest["actor"], newest["actor_email"], newest["actor_role"], newest["workspace"], newest["target"]) == (
        "Fay", "fay@example.com", "facilitator", store.workspace, "ACC-2-BU-A")
    assert '"reason": "we saw the tender"' in newest["detail"]
    assert log["at"].notna().all()
    assert log.set_index("action").loc["matrix.activated", "detail"] == '{"previous": "workshop"}'
    with pytest.raises(PermissionDenied, match="Workshop facilitator may not view audit"):
        audit.entries(store, FAY)


def test_a_refused_change_leaves_no_audit_entry(store: Store) -> None:
    _portfolio(store)
    decisions.record_decision(store, FAY, "ACC-2", "lead_unit", "why")
    with pytest.raises(InputError):
        decisions.record_decision(store, FAY, "ACC-2", "lead_unit", "why", expected_latest=0)
    with pytest.raises(InputError):
        matrices.save_matrix(store, FAY, default_matrix(), "default")
    assert audit.entries(store, ADMIN)["action"].tolist() == ["decision.recorded"]


def test_a_demo_reset_keeps_the_audit_log(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store(f"sqlite:///{tmp_path / 'gtm.db'}", workspace="demo")
    demo.seed_demo(store)
    decisions.record_decision(store, FAY, store.accounts()["account_id"].iloc[0], "lead_unit", "why")
    demo.seed_demo(store, reset=True, actor=FAY, confirm="demo")
    log = audit.entries(store, ADMIN)
    assert log["action"].tolist() == ["import.opportunities", "import.accounts", "demo.reset", "decision.recorded",
                                      "import.opportunities", "import.accounts", "demo.seeded"]
    assert set(log["workspace"]) == {"demo"}
    assert store.decisions().empty


def test_the_command_line_exports_the_audit_log(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from gtm.cli import main

    url = f"sqlite:///{tmp_path / 'gtm.db'}"
    store = Store(url)
    _portfolio(store)
    decisions.record_decision(store, FAY, "ACC-2", "lead_unit", "=HYPERLINK(\"http://x\")")
    matrices.save_matrix(store, FAY, default_matrix(), "=cmd|' /C calc'!A0")
    out = tmp_path / "audit.csv"
    assert main(["export", "audit", "--database", url, "-o", str(out)]) == 0
    log = pd.read_csv(out, encoding="utf-8-sig")
    assert log["action"].tolist() == ["matrix.saved", "decision.recorded"]
    assert log["target"].iloc[0].startswith("'=")  # formulas are neutralised in every export
