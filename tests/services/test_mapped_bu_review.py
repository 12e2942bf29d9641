"""A BU that comes only from the product family -> BU mapping reviews decisions like a BU the file named."""

from __future__ import annotations

from gtm.domain.permissions import Actor, Role
from gtm.services import decisions, diagnosis
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store

FAY = Actor("Fay", Role.FACILITATOR)


def _portfolio(store: Store) -> None:
    for kind, text in (("accounts", "account_id,name\nA1,Acme\n"),
                       ("opportunities", "opportunity_id,account_id,product_family,value\n"
                                         "O1,A1,Drives,500000\nO2,A1,Sensors,300000\nO3,A1,Spares,0\n")):
        commit_import(store, plan_import(store, kind, text.encode(), name=f"{kind}.csv"), FAY)


def test_a_head_of_a_mapped_bu_reviews_and_is_waited_for(store: Store) -> None:
    _portfolio(store)
    rows = [{"product_family": "Drives", "bu": "Motion"}, {"product_family": "Sensors", "bu": "Sensing"},
            {"product_family": "Spares", "bu": "Service"}]
    diagnosis.save_version(store, FAY, diagnosis.FAMILY_BU, "families", {"rows": rows})
    units = store.business_units().set_index("name")["bu_id"]
    motion, sensing = str(units["Motion"]), str(units["Sensing"])
    decision = decisions.record_decision(store, FAY, "A1", "lead_unit", "Two BUs sell here")
    # Both mapped BUs with value must approve; Service sells nothing of value here and is not waited for.
    waiting = store.decided_account_bus()
    assert sorted(waiting["bu"]) == sorted([motion, sensing])
    decisions.review_decision(store, Actor("Mo", Role.BU_HEAD, motion), decision, "approved", "")
    assert store.decisions().iloc[0]["review_status"] == "pending"
    decisions.review_decision(store, Actor("Sam", Role.BU_HEAD, sensing), decision, "approved", "")
    assert store.decisions().iloc[0]["review_status"] == "approved"
