"""Lead units, point persons and the whitespace through the services, on SQLite and PostgreSQL: a Salesforce report
with a third closed-lost and some closed-won deals, BUs from the product family mapping, owners per deal."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixtures_import import LEADER

from gtm.cli import main
from gtm.domain import lead, whitespace
from gtm.domain.errors import InputError
from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.services import audit, capture, decisions, diagnosis
from gtm.services import portfolio as portfolio_service
from gtm.services.diagnosis import diagnosed_opportunities
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store

CRM = Path(__file__).resolve().parents[1] / "fixtures" / "crm"
FAMILIES = {"Automation": "BU Automation", "Drives": "BU Automation", "Sensors": "BU Sensing",
            "Power Systems": "BU Power", "Service Contracts": "BU Service", "Spare Parts": "BU Service"}
FACILITATOR = Actor("Fay Chen", Role.FACILITATOR)


def _first_hour(store: Store) -> pd.DataFrame:
    """The first hour's report imported, its BUs from the product family mapping; the diagnosed opportunities."""
    commit_import(store, plan_import(store, "accounts", CRM / "sf_first_hour_accounts.csv"), LEADER)
    content = diagnosis.mapping_content(diagnosis.FAMILY_BU, [{"product_family": f, "bu": b}
                                                              for f, b in FAMILIES.items()])
    diagnosis.save_version(store, ADMIN, diagnosis.FAMILY_BU, "families", content)
    commit_import(store, plan_import(store, "opportunities", CRM / "sf_first_hour_opportunities.csv"), LEADER)
    return diagnosed_opportunities(store)


def _won_by(opps: pd.DataFrame, column: str) -> pd.DataFrame:
    won = opps[opps["outcome"] == "won"]
    return won.groupby(["account_id", column])["value"].sum().unstack(fill_value=0.0)


def test_each_multi_bu_account_names_its_lead_bu_and_point_person_with_the_evidence(store: Store) -> None:
    opps = _first_hour(store)
    table = portfolio_service.export_frame(store, "accounts").set_index("account_id")
    assert {"lead_bu", "lead_bu_name", "point_person", "lead_reason"} <= set(table.columns)
    play = opps[opps["outcome"] != "lost"]
    bus = play.groupby("account_id")["bu"].nunique()
    won_bu, won_owner = _won_by(play, "bu"), _won_by(play, "owner")
    proposed = 0
    for account, n in bus.items():
        row = table.loc[account]
        if n >= 2 and account in won_bu.index and won_bu.loc[account].max() > 0:
            best = won_bu.loc[account]
            assert best[row["lead_bu"]] == best.max()  # the BU with the most won value here
            assert row["lead_reason"].startswith(f"Lead BU {row['lead_bu_name']}: ")
            assert "won here" in row["lead_reason"] and "of the account's won value" in row["lead_reason"]
            owners = won_owner.loc[account]
            assert owners[row["point_person"]] == owners.max()
            proposed += 1
        else:  # one BU, or nothing won: nothing proposed, and said
            assert pd.isna(row["lead_bu"]) and pd.isna(row["point_person"])
            assert row["lead_reason"] in lead.BOTH_WORDS.values() or "no won deals" in row["lead_reason"].lower()
    assert proposed >= 5
    # The BUs come from the product family mapping: the lead BU is a mapped BU of the account.
    assert set(table["lead_bu"].dropna()) <= set(FAMILIES.values())


def test_a_decision_may_choose_another_lead_with_a_reason_and_then_it_wins(store: Store) -> None:
    opps = _first_hour(store)
    proposals = lead.propose(opps)
    row = proposals[proposals["lead_status"] == lead.PROPOSED].iloc[0]
    account = str(row["account_id"])
    others = sorted(set(opps.loc[(opps["account_id"] == account) & (opps["outcome"] != "lost"), "bu"].dropna())
                    - {row["lead_bu"]})
    other = others[0]
    with pytest.raises(InputError, match="needs a reason"):
        decisions.record_decision(store, FACILITATOR, account, "lead_unit", "Lead unit for cross-selling",
                                  lead_bu=other, proposed_lead_bu=row["lead_bu"],
                                  proposed_point_person=row["point_person"], point_person=row["point_person"])
    with pytest.raises(InputError, match=r"does not sell at this account; accepted: ") as refused:
        decisions.record_decision(store, FACILITATOR, account, "lead_unit", "Lead unit", lead_bu="BU Nowhere",
                                  lead_reason="because", proposed_lead_bu=row["lead_bu"])
    assert other in str(refused.value) and "BU Nowhere" in str(refused.value)
    assert store.decisions().empty  # nothing written: all or nothing

    decided = decisions.record_decision(
        store, FACILITATOR, account, "lead_unit", "Lead unit for cross-selling", lead_bu=other,
        point_person="Kim Novak", lead_reason="They own the plant relationship.", proposed_lead_bu=row["lead_bu"],
        proposed_point_person=row["point_person"])
    stored = store.decisions().set_index("decision_id").loc[decided]
    assert (stored["lead_bu"], stored["point_person"], stored["lead_bu_proposed"]) == (other, "Kim Novak",
                                                                                        row["lead_bu"])
    table = portfolio_service.export_frame(store, "accounts").set_index("account_id")
    mine = table.loc[account]
    assert (mine["lead_bu"], mine["point_person"]) == (other, "Kim Novak")
    assert "chosen by Fay Chen" in mine["lead_reason"] and "They own the plant relationship" in mine["lead_reason"]
    assert f"The evidence proposes {row['lead_bu_name']}" in mine["lead_reason"]
    detail = audit.entries(store, ADMIN).iloc[0]["detail"]
    assert other in detail and "Kim Novak" in detail
    # A later decision that keeps the evidence's proposal needs no reason, and says it followed the evidence.
    decisions.record_decision(store, FACILITATOR, account, "lead_unit", "Back to the evidence",
                              lead_bu=row["lead_bu"], proposed_lead_bu=row["lead_bu"])
    again = capture.account_leads(store).set_index("account_id").loc[account]
    assert again["lead_bu"] == row["lead_bu"] and "as the evidence proposed" in again["lead_reason"]


def test_gtm_export_whitespace_and_accounts_write_the_new_columns(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    opps = _first_hour(store)
    out = tmp_path / "whitespace.csv"
    assert main(["export", "whitespace", "-o", str(out), "--database", db_url]) == 0
    written = pd.read_csv(out, encoding="utf-8-sig")
    assert list(written.columns) == ["account_id", "account_name", "bu", "bu_name", "won_value", "open_value",
                                     "potential", "whitespace"]
    won = opps["outcome"] == "won"
    expected_open = opps["value"] * opps["probability"].fillna(100) / 100
    assert written["won_value"].sum() == pytest.approx(opps.loc[won, "value"].sum())
    assert written["open_value"].sum() == pytest.approx(expected_open[opps["outcome"] == "open"].sum())
    known = written["potential"].notna()
    assert (written.loc[known, "whitespace"] >= 0).all() and written.loc[~known, "whitespace"].isna().all()
    people = tmp_path / "people.csv"
    assert main(["export", "whitespace", "-o", str(people), "--labels", "--database", db_url]) == 0
    header = pd.read_csv(people, encoding="utf-8-sig", nrows=0).columns.tolist()
    assert header[:4] == ["Account id", "Account", "BU id", "BU"] and "Whitespace (USD)" in header
    accounts = tmp_path / "accounts.csv"
    assert main(["export", "accounts", "-o", str(accounts), "--database", db_url]) == 0
    columns = pd.read_csv(accounts, encoding="utf-8-sig", nrows=0).columns.tolist()
    assert columns[-4:] == ["lead_bu", "lead_bu_name", "point_person", "lead_reason"]
    store.dispose()


def test_the_whitespace_comes_from_peers_across_the_whole_portfolio(store: Store) -> None:
    opps = _first_hour(store)
    cells = capture.whitespace_export(store)
    grid = whitespace.grid(store.accounts(), opps, store.business_units())
    assert len(cells) == len(grid)
    # Largest whitespace first, the unknown ones last.
    ws = cells["whitespace"].to_numpy(dtype=float)
    known = ws[~np.isnan(ws)]
    assert (np.diff(known) <= 0).all() and np.isnan(ws[len(known):]).all()
    # Every BU of the mapping is a column of the grid, at every account.
    assert set(FAMILIES.values()) <= set(cells["bu"].dropna())
    assert cells.groupby("account_id")["bu"].count().min() >= len(set(FAMILIES.values()))
