"""Product family mappings as a person saves them: BUs from the family -> BU mapping at read time, the BUs it names
created with it, and the family -> nature mapping deciding before the general rules; SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gtm.domain.errors import InputError
from gtm.domain.permissions import Actor, Role
from gtm.services import diagnosis
from gtm.services import imports as importer
from gtm.storage.repository import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LEADER = Actor("Dana", Role.SALES_LEADER)


def _import_crm(store: Store) -> None:
    """A Salesforce-style export keyed by account name, with product families and no BU (one row names an unknown
    account and is skipped)."""
    for kind, path in (("accounts", FIXTURES / "crm/sf_accounts_by_name_fixed.csv"),
                       ("opportunities", FIXTURES / "diagnose/opportunities_by_name.csv")):
        importer.commit_import(store, importer.plan_import(store, kind, path), LEADER, skip_invalid=True)


def _save_bu_mapping(store: Store, name: str, rows: list[dict[str, str]]) -> None:
    diagnosis.save_version(store, LEADER, diagnosis.FAMILY_BU, name,
                           diagnosis.mapping_content(diagnosis.FAMILY_BU, rows))


def test_a_family_bu_mapping_gives_opportunities_their_bu_and_creates_the_bus_it_names(store: Store) -> None:
    _import_crm(store)
    assert store.business_units().empty
    before = diagnosis.diagnosed_opportunities(store)
    assert before["bu"].isna().all() and before["bu_source"].isna().all()
    _save_bu_mapping(store, "families", [{"product_family": "Robotics Cells", "bu": "Automation"},
                                         {"product_family": "grid controls", "bu": "Energy Systems"}])
    bus = store.business_units()
    assert sorted(bus["bu_id"]) == ["Automation", "Energy Systems"]  # named as given, as an import names them
    assert sorted(bus["name"]) == ["Automation", "Energy Systems"]
    opps = diagnosis.diagnosed_opportunities(store).set_index("opportunity_id")
    assert opps.loc["DG-0001", "bu"] == "Automation" and opps.loc["DG-0001", "bu_name"] == "Automation"
    assert opps.loc["DG-0002", "bu"] == "Energy Systems"
    assert opps.loc["DG-0001", "bu_source"] == "mapping"
    assert pd.isna(opps.loc["DG-0003", "bu"]) and pd.isna(opps.loc["DG-0003", "bu_source"])  # Fluid Handling: none
    entry = store.audit_log(None)
    assert "business_units_created" in str(entry.iloc[0]["detail"])


def test_a_mapped_bu_that_exists_is_found_by_id_or_name_and_not_created_again(store: Store) -> None:
    _import_crm(store)
    with store.transaction() as tx:
        store.upsert_business_units(tx, pd.DataFrame({"bu_id": ["BU-AUT"], "name": ["Automation"]}))
    _save_bu_mapping(store, "families", [{"product_family": "Robotics Cells", "bu": "AUTOMATION"},
                                         {"product_family": "Grid Controls", "bu": "bu-aut"}])
    assert store.business_units()["bu_id"].tolist() == ["BU-AUT"]
    opps = diagnosis.diagnosed_opportunities(store).set_index("opportunity_id")
    assert opps.loc[["DG-0001", "DG-0002"], "bu"].tolist() == ["BU-AUT", "BU-AUT"]
    assert opps.loc["DG-0001", "bu_name"] == "Automation"


def test_a_refused_save_creates_no_bu(store: Store) -> None:
    _import_crm(store)
    _save_bu_mapping(store, "families", [{"product_family": "Robotics Cells", "bu": "Automation"}])
    with pytest.raises(InputError, match="already exists"):
        _save_bu_mapping(store, "families", [{"product_family": "Grid Controls", "bu": "Energy"}])
    assert store.business_units()["bu_id"].tolist() == ["Automation"]  # all or nothing
    with pytest.raises(Exception, match=r"may not|not allowed|cannot|Viewers"):
        diagnosis.save_version(store, Actor("Vic", Role.VIEWER), diagnosis.FAMILY_BU, "v",
                               diagnosis.mapping_content(diagnosis.FAMILY_BU,
                                                         [{"product_family": "Grid Controls", "bu": "Energy"}]))
    assert store.business_units()["bu_id"].tolist() == ["Automation"]


def test_activating_an_older_mapping_creates_its_bus_too(store: Store) -> None:
    _import_crm(store)
    _save_bu_mapping(store, "first", [{"product_family": "Robotics Cells", "bu": "Automation"}])
    with store.transaction() as tx:  # as a mapping saved before BUs were created with it
        tx.exec_driver_sql("DELETE FROM business_units")
    diagnosis.activate_version(store, LEADER, diagnosis.FAMILY_BU, "default")
    diagnosis.activate_version(store, LEADER, diagnosis.FAMILY_BU, "first")
    assert store.business_units()["bu_id"].tolist() == ["Automation"]


def test_a_family_nature_mapping_wins_over_a_rule_and_says_mapping(store: Store) -> None:
    _import_crm(store)
    opps = diagnosis.diagnosed_opportunities(store).set_index("opportunity_id")
    assert opps.loc["DG-0001", "nature_source"] == "undiagnosed"
    # a rule that would call every Robotics Cells deal an information exchange
    table = diagnosis.active_table(store)[0].model_dump(mode="json")
    table["rules"].insert(0, {"id": "robotics-info", "nature": "info_exchange", "wording": "Robotics.",
                              "when": [{"column": "product_family", "op": "equals", "value": "Robotics Cells"}]})
    diagnosis.save_version(store, LEADER, diagnosis.DIAGNOSIS, "generic", table)
    diagnosis.save_version(store, LEADER, diagnosis.FAMILY_NATURE, "families", diagnosis.mapping_content(
        diagnosis.FAMILY_NATURE, [{"product_family": "Robotics Cells", "nature": "Turnkey solutions"}]))
    opps = diagnosis.diagnosed_opportunities(store).set_index("opportunity_id")
    assert opps.loc["DG-0001", "nature"] == "turnkey"
    assert opps.loc["DG-0001", "nature_source"] == "mapping"
    assert opps.loc["DG-0001", "diagnosis_reason"] == ("The product family -> nature mapping maps 'Robotics Cells' "
                                                       "to Turnkey solutions.")
    assert opps.loc["DG-0002", "nature_source"] == "undiagnosed"  # Grid Controls: neither mapped nor ruled
    # a person still wins over the mapping
    diagnosis.override_nature(store, LEADER, "DG-0001", "cross_sell", "The buyer asked for the other BU")
    opps = diagnosis.diagnosed_opportunities(store).set_index("opportunity_id")
    assert (opps.loc["DG-0001", "nature"], opps.loc["DG-0001", "nature_source"]) == ("cross_sell", "person")
