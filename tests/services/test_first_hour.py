"""The first hour with a real CRM export, on SQLite and PostgreSQL: a Salesforce report keyed by name (parents by
name; no BU, no nature; a third Closed Lost) and a HubSpot deals export, imported as an analyst would.

Each deal's outcome is read at import and stored; the import preview counts what the import then gives.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from fixtures_import import LEADER

from gtm.cli import main
from gtm.domain import portfolio
from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.outcomes import WON_WEIGHT_DEFAULT
from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.export import headers
from gtm.ingest import columns
from gtm.services import decisions, diagnosis, outcomes
from gtm.services import design as design_service
from gtm.services import portfolio as portfolio_service
from gtm.services.diagnosis import diagnosed_opportunities
from gtm.services.imports import commit_import, plan_import
from gtm.storage.repository import Store

CRM = Path(__file__).resolve().parents[1] / "fixtures" / "crm"
ACCOUNTS = CRM / "sf_first_hour_accounts.csv"
OPPORTUNITIES = CRM / "sf_first_hour_opportunities.csv"
HUBSPOT = CRM / "hubspot_deals.csv"


def _file_stages() -> pd.Series:
    return pd.read_csv(OPPORTUNITIES, encoding="utf-8-sig")["Stage"].value_counts()


def _with_accounts(store: Store) -> None:
    commit_import(store, plan_import(store, "accounts", ACCOUNTS), LEADER)


def test_parent_accounts_named_in_a_report_link_to_the_account_of_that_name(store: Store) -> None:
    plan = plan_import(store, "accounts", ACCOUNTS)
    assert plan.columns.fields["parent_name"] == "Parent Account" and plan.ok, plan.problems
    commit_import(store, plan, LEADER)
    stored = store.accounts().set_index("account_id")
    assert stored.loc["name:acme corporation emea", "parent_id"] == "name:acme corporation"
    assert stored.loc["name:globex rail systems", "parent_id"] == "name:globex industries"
    assert stored["parent_id"].dropna().isin(stored.index).all()  # every parent is an account: they link
    assert stored["parent_id"].notna().sum() == 8

    # A later report names a parent that is stored, and one that is nowhere.
    later = b"Account Name,Parent Account\r\nAcme Research,ACME Corporation\r\nLone Co,Nobody Holdings\r\n"
    commit_import(store, plan_import(store, "accounts", later, name="later.csv"), LEADER, skip_invalid=True)
    stored = store.accounts().set_index("account_id")
    assert stored.loc["name:acme research", "parent_id"] == "name:acme corporation"
    again = plan_import(store, "accounts", b"Account Name,Parent Account\r\nLone Co,Nobody Holdings\r\n", name="x.csv")
    (problem,) = again.problems
    assert (problem.row, problem.column, problem.value) == (2, "Parent Account", "Nobody Holdings")
    assert "not the name of a stored account nor of an account in this file" in problem.reason


def test_a_parent_name_mapped_to_the_parent_id_still_links_and_says_so(store: Store) -> None:
    _with_accounts(store)
    data = b"Account Name,Parent Account ID\r\nAcme Labs,Acme Corporation\r\nNew Co,0015g00000XYZ\r\n"
    plan = plan_import(store, "accounts", data, name="labs.csv")
    assert plan.ok, plan.problems
    assert any("1 parent id in 'Parent Account ID' is an account name, not an id" in n
               and "'Acme Corporation' -> 'name:acme corporation'" in n
               for n in plan.notes)
    commit_import(store, plan, LEADER)
    stored = store.accounts().set_index("account_id")
    assert stored.loc["name:acme labs", "parent_id"] == "name:acme corporation"
    assert stored.loc["name:new co", "parent_id"] == "0015g00000XYZ"  # an id whose account may come later


def test_every_opportunity_s_outcome_is_read_from_its_stage_and_stored(store: Store) -> None:
    _with_accounts(store)
    plan = plan_import(store, "opportunities", OPPORTUNITIES)
    assert plan.ok, plan.problems
    stages = plan.stages().set_index("stage")
    counts = _file_stages()
    assert (stages.loc["Closed Lost", "outcome"], stages.loc["Closed Lost", "how"]) == ("lost", "stage")
    assert stages.loc["Closed Lost", "opportunities"] == counts["Closed Lost"]
    assert stages.loc["Closed Won", "outcome"] == "won" and stages.loc["Prospecting", "outcome"] == "open"
    assert stages.loc["Prospecting", "read_by"] == "nothing says it is closed"
    commit_import(store, plan, LEADER)
    stored = store.opportunities()
    assert stored["outcome"].value_counts().to_dict() == {
        "open": int(counts.drop(["Closed Lost", "Closed Won"]).sum()), "lost": int(counts["Closed Lost"]),
        "won": int(counts["Closed Won"])}
    assert 0.28 < (stored["outcome"] == "lost").mean() < 0.40  # about a third, as real exports


def test_hubspot_dealstages_read_as_won_lost_and_open(store: Store) -> None:
    _with_accounts(store)
    plan = plan_import(store, "opportunities", HUBSPOT)
    assert plan.ok, plan.problems
    assert plan.columns.fields["stage"] == "dealstage"
    read = plan.stages().set_index("stage")
    assert read.loc["closedwon", "outcome"] == "won" and read.loc["closedlost", "outcome"] == "lost"
    assert read.loc["appointmentscheduled", "outcome"] == "open"
    commit_import(store, plan, LEADER)
    by_stage = store.opportunities().groupby("stage")["outcome"].agg(set)
    assert by_stage["closedwon"] == {"won"} and by_stage["closedlost"] == {"lost"}
    assert by_stage["contractsent"] == {"open"}


def test_a_person_s_stage_mapping_wins_and_a_reimport_without_stages_keeps_the_outcome(store: Store) -> None:
    _with_accounts(store)
    mapping = columns.Mapping(stages={"negotiation/review": "Won", "Closed Won": "lost"})
    plan = plan_import(store, "opportunities", OPPORTUNITIES, mapping=mapping)
    read = plan.stages().set_index("stage")
    assert (read.loc["Negotiation/Review", "outcome"], read.loc["Negotiation/Review", "how"]) == ("won", "mapping")
    assert (read.loc["Closed Won", "outcome"], read.loc["Closed Won", "read_by"]) == ("lost", "your stage mapping")
    commit_import(store, plan, LEADER)
    stored = store.opportunities().set_index("opportunity_id")
    assert set(stored.loc[stored["stage"] == "Negotiation/Review", "outcome"]) == {"won"}
    # A file with ids and amounts only says nothing of how the deals stand: their outcomes stay.
    first = stored.index[stored["stage"] == "Negotiation/Review"][0]
    commit_import(store, plan_import(store, "opportunities",
                                     f"Opportunity ID,Account Name,Amount\r\n{first},Acme Corporation,5\r\n".encode(),
                                     name="amounts.csv"), LEADER)
    assert store.opportunities().set_index("opportunity_id").loc[first, "outcome"] == "won"


def test_closed_deals_whose_file_says_neither_won_nor_lost_are_reported_never_guessed(store: Store) -> None:
    _with_accounts(store)
    data = (b"Opportunity ID,Account Name,Amount,Stage,IsClosed,IsWon\r\n"
            b"C1,Acme Corporation,10,Closed,true,false\r\nC2,Acme Corporation,10,Closed,true,\r\n"
            b"C3,Acme Corporation,10,Negotiation,false,\r\nC4,Acme Corporation,10,Closed,true,true\r\n")
    plan = plan_import(store, "opportunities", data, name="flags.csv")
    (problem,) = plan.problems
    assert (problem.row, problem.column, problem.value) == (3, "IsClosed", "yes")
    assert plan.valid["outcome"].tolist() == ["lost", "open", "won"]
    fixed = plan_import(store, "opportunities", data, name="flags.csv",
                        mapping=columns.Mapping(stages={"Closed": "lost"}))
    assert fixed.ok and fixed.valid["outcome"].tolist() == ["lost", "lost", "open", "lost"]  # a person mapped it


def test_gtm_import_prints_the_stage_table_and_reads_stages_from_the_mapping_file(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(db_url)
    _with_accounts(store)
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"stages": {"Perception Analysis": "lost"}}), encoding="utf-8")
    assert main(["import", "opportunities", str(OPPORTUNITIES), "--database", db_url, "--mapping", str(mapping),
                 "--no-snapshot"]) == 0
    out = capsys.readouterr().out
    counts = _file_stages()
    assert f"'Closed Lost' -> lost (a word of the stage): {counts['Closed Lost']} opportunities" in out
    assert f"'Perception Analysis' -> lost (your stage mapping): {counts['Perception Analysis']} opportunities" in out
    stored = store.opportunities()
    assert set(stored.loc[stored["stage"] == "Perception Analysis", "outcome"]) == {"lost"}
    store.dispose()


def _broken(with_bu: bool) -> bytes:
    """The opportunities report with three rows the import rejects, and optionally a Business Unit column."""
    frame = pd.read_csv(OPPORTUNITIES, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    frame.loc[3, "Amount"] = "n/a"
    frame.loc[10, "Account Name"] = "Nobody Holdings"
    frame.loc[20, "Close Date"] = "31/02/2026"
    if with_bu:
        bus = {"Automation": "BU Automation", "Drives": "BU Automation", "Sensors": "BU Sensing",
               "Power Systems": "BU Power", "Service Contracts": "BU Service", "Spare Parts": "BU Service"}
        frame["Business Unit"] = frame["Product Family"].map(bus)
    return frame.to_csv(index=False).encode("utf-8")


@pytest.mark.parametrize("with_bu", [False, True], ids=["no BU column", "a BU column"])
def test_the_preview_counts_what_the_import_then_gives(store: Store, with_bu: bool) -> None:
    """One count: diagnosed, not yet diagnosed and rejected in the preview are what the portfolio holds after the
    commit, with the active mapping and rules applied, and the rejected rows left out."""
    _with_accounts(store)
    content = diagnosis.mapping_content(diagnosis.FAMILY_NATURE, [
        {"product_family": "Spare Parts", "nature": "qualification"},
        {"product_family": "Power Systems", "nature": "Unique technical solutions"}])
    diagnosis.save_version(store, ADMIN, diagnosis.FAMILY_NATURE, "families", content)
    plan = plan_import(store, "opportunities", _broken(with_bu), name="broken.csv")
    assert plan.diagnosis is not None
    assert plan.diagnosis.rejected == 3 == len(plan.rejected_rows)
    result = commit_import(store, plan, LEADER, skip_invalid=True)
    after = diagnosed_opportunities(store)
    assert result.rejected == plan.diagnosis.rejected
    assert len(after) == plan.diagnosis.diagnosed + plan.diagnosis.undiagnosed == len(plan.valid)
    assert int(after["nature"].notna().sum()) == plan.diagnosis.diagnosed > 0
    assert int(after["nature"].isna().sum()) == plan.diagnosis.undiagnosed
    assert f"{plan.diagnosis.diagnosed:,} are diagnosed and {plan.diagnosis.undiagnosed:,} stay not yet diagnosed" \
        in " ".join(plan.notes)
    # The preview's nature of each row is the one the portfolio then gives it.
    preview = plan.records.loc[plan.valid.index].set_index("external_id")["preview_nature"]
    stored = after.set_index("opportunity_id")["nature"].astype(object)
    assert preview.reindex(stored.index).fillna("-").tolist() == stored.fillna("-").tolist()
    assert (plan.records.loc[sorted(plan.rejected_rows), "preview_rule"] == "rejected: not imported").all()
    outcomes = after["outcome"].value_counts()
    assert (plan.diagnosis.open, plan.diagnosis.won, plan.diagnosis.lost) == \
        (outcomes.get("open", 0), outcomes.get("won", 0), outcomes.get("lost", 0))


def test_lost_deals_leave_the_figures_and_recommendations_and_the_export_says_each_outcome(store: Store) -> None:
    _with_accounts(store)
    commit_import(store, plan_import(store, "opportunities", OPPORTUNITIES), LEADER)
    opps = portfolio_service.export_frame(store, "opportunities")
    assert set(opps["outcome"]) == {"open", "won", "lost"}
    lost = opps[opps["outcome"] == "lost"]
    assert lost["fit"].isna().all() and (lost["expected_value"] == 0).all()
    assert (lost["rationale"] == portfolio.LOST_RATIONALE).all()
    assessed = portfolio.assess_portfolio(diagnosed_opportunities(store), store.active_matrix().matrix)
    figures = portfolio.figures(assessed)
    assert (figures.lost_count, figures.opportunities) == (len(lost), len(opps) - len(lost))
    assert figures.lost_value == pytest.approx(lost["value"].sum())
    assert f"{len(lost):,} lost deals" in figures.left_out()
    accounts = portfolio_service.export_frame(store, "accounts").set_index("account_id")
    assert accounts["lost_count"].sum() == len(lost)
    assert accounts["opportunities"].sum() == len(opps) - len(lost)
    # The people's export and gtm export --labels: the same column, under the page's header.
    people = headers.for_people(opps, headers.OPPORTUNITIES, "USD")
    assert people["Outcome"].tolist() == opps["outcome"].tolist()


def test_gtm_export_opportunities_writes_the_outcome_and_imports_back(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    _with_accounts(store)
    commit_import(store, plan_import(store, "opportunities", OPPORTUNITIES), LEADER)
    before = store.opportunities().set_index("opportunity_id")["outcome"]
    out = tmp_path / "opps.csv"
    assert main(["export", "opportunities", "-o", str(out), "--database", db_url]) == 0
    written = pd.read_csv(out)
    assert written.set_index("opportunity_id")["outcome"].sort_index().tolist() == before.sort_index().tolist()
    # Read back as it was written: the outcome column is the file's word for it, whatever the stage says.
    back = plan_import(store, "opportunities", out, name="opps.csv")
    assert back.columns.fields["outcome"] == "outcome"
    assert set(back.stages()["how"]) == {"outcome"}
    store.dispose()


def test_the_won_deal_weight_is_a_facilitator_s_setting_and_every_recommendation_follows(store: Store) -> None:
    _with_accounts(store)
    commit_import(store, plan_import(store, "opportunities", OPPORTUNITIES), LEADER)
    content = diagnosis.mapping_content(diagnosis.FAMILY_NATURE, [
        {"product_family": f, "nature": n} for f, n in (("Spare Parts", "qualification"), ("Drives", "qualification"),
                                                         ("Sensors", "cross_sell"), ("Automation", "turnkey"),
                                                         ("Power Systems", "turnkey"),
                                                         ("Service Contracts", "coordinated_strategy"))])
    diagnosis.save_version(store, ADMIN, diagnosis.FAMILY_NATURE, "families", content)
    assert outcomes.won_weight(store) == WON_WEIGHT_DEFAULT
    with pytest.raises(PermissionDenied):
        outcomes.set_won_weight(store, LEADER, 1.0)
    with pytest.raises(InputError, match="from 0% to 100%"):
        outcomes.set_won_weight(store, Actor("Fay", Role.FACILITATOR), "150 %")
    before = store.portfolio_version()
    recs = {}
    for weight in ("0 %", "100%"):
        assert outcomes.set_won_weight(store, Actor("Fay", Role.FACILITATOR), weight) in (0.0, 1.0)
        table = portfolio_service.export_frame(store, "accounts").set_index("account_id")
        recs[weight] = table["recommended_approach"].astype(str)
    assert store.portfolio_version() > before  # the pages' frames are judged again
    assert (recs["0 %"] != recs["100%"]).any()  # won deals weigh in: some recommendations move
    assert outcomes.won_weight(store) == 1.0
    assert store.audit_log(1)["action"].tolist() == ["outcomes.won_weight_set"]


def test_a_bu_whose_only_deal_at_an_account_is_lost_is_not_asked_to_approve(store: Store) -> None:
    _with_accounts(store)
    data = (b"Opportunity ID,Account Name,Amount,Business Unit,Stage\r\n"
            b"R1,Acme Corporation,1000,BU Power,Proposal\r\nR2,Acme Corporation,5000,BU Drives,Closed Lost\r\n")
    commit_import(store, plan_import(store, "opportunities", data, name="r.csv"), LEADER)
    decisions.record_decision(store, ADMIN, "name:acme corporation", "lead_unit", "Power leads")
    (decision,) = store.decisions().itertuples()
    assert decision.approvals == "BU Power awaiting"  # BU Drives lost its deal: nothing of it is at stake


def test_the_design_says_what_won_deals_weigh_and_how_many_lost_deals_it_leaves_out(store: Store) -> None:
    _with_accounts(store)
    commit_import(store, plan_import(store, "opportunities", OPPORTUNITIES), LEADER)
    matrix = store.active_matrix().matrix
    assessed = portfolio.assess_portfolio(diagnosed_opportunities(store), matrix, 0.3)
    accounts = store.accounts()
    plan = accounts.set_index("account_id")["current_approach"].fillna("traditional_sales")
    made = design_service.design(accounts, assessed, matrix, plan, design_service.playbook().defaults,
                                 won_weight=0.3)
    notes = " ".join(made.notes)
    won, gone = (int((assessed["outcome"] == o).sum()) for o in ("won", "lost"))
    assert f"{won:,} won deals weigh 30% of their amount" in notes
    assert f"{gone:,} lost deals" in notes and "left out of the value in band" in notes
