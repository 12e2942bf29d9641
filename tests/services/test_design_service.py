"""Organisation design's use cases on a real database (SQLite, and PostgreSQL in CI): who may save assumptions and
scenarios, versions, all-or-nothing saves with the row and value named, plans by name, a comparison and its exports,
and a demo reset that takes the scenarios with the accounts they named."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import func, insert, select

from gtm.domain import economics as econ
from gtm.domain import portfolio
from gtm.domain.errors import InputError, PermissionDenied
from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.services import audit, design
from gtm.services.portfolio import frames
from gtm.storage.models import Account, BusinessUnit, Opportunity, ScenarioStructure
from gtm.storage.repository import Store

SAL = Actor("Sal", Role.SALES_LEADER)
FAY = Actor("Fay", Role.FACILITATOR)
VIC = Actor("Vic", Role.VIEWER)
ANA = Actor("Ana", Role.BU_HEAD, "BU-A")
# account -> (nature, value, current structure)
BOOK = {"ACC-1": ("cross_sell", 10_000_000.0, "traditional_sales"),
        "ACC-2": ("info_exchange", 1_000_000.0, "market_bu"),
        "ACC-3": ("turnkey", 50_000_000.0, "lead_unit"),
        "ACC-4": (None, 2_000_000.0, None),
        "ACC-5": ("=HYPERLINK(\"x\")", 0.0, None)}  # a name that would be a formula in a spreadsheet (see below)


@pytest.fixture
def filled(store: Store) -> Store:
    """Five accounts with one opportunity each; ACC-5 is named like a spreadsheet formula and has no nature."""
    with store.engine.begin() as conn:
        bu = conn.execute(insert(BusinessUnit).values(external_id="BU-A", name="BU A").returning(BusinessUnit.id)
                          ).scalar_one()
        for i, (ext, (nature, value, current)) in enumerate(BOOK.items(), start=1):
            name = "=cmd|' /C calc'!A0" if ext == "ACC-5" else f"Account {i}"
            key = conn.execute(insert(Account).values(external_id=ext, name=name, current_approach=current)
                               .returning(Account.id)).scalar_one()
            conn.execute(insert(Opportunity).values(
                external_id=f"OPP-{i}", account_id=key, bu_id=bu, value=value,
                nature=nature if nature and not nature.startswith("=") else None))
    return store


def _tables(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The account summary and the assessed opportunities, as the pages have them."""
    data = frames(store, snapshots=False)
    matrix = store.active_matrix().matrix
    assessed = portfolio.assess_portfolio(data["opportunities"], matrix)
    recs = portfolio.recommendations(assessed, matrix)
    return portfolio.account_summary(data["accounts"], assessed, recs), assessed


def _design(store: Store, key: str, ids: list[str] | None = None) -> design.Design:
    accounts, assessed = _tables(store)
    named = design.plan_named(store, key, accounts, store.decisions())
    every = ids or named.account_ids or list(accounts["account_id"])
    plan, _ = design.over_accounts(named, accounts, every)
    return design.design(accounts, assessed, store.active_matrix().matrix, plan,
                         design.assumptions(store).assumptions, account_ids=every)


def test_the_defaults_are_in_force_until_someone_saves_and_each_save_is_a_version(filled: Store) -> None:
    first = design.assumptions(filled)
    assert first.version == 0 and first.assumptions == design.playbook().defaults
    raw = {**first.assumptions.as_dict(), "uplift": 0.35}
    assert design.save_assumptions(filled, SAL, raw, note="workshop 1") == 1
    assert design.save_assumptions(filled, FAY, {**raw, "margin": 0.4}) == 2
    now = design.assumptions(filled)
    assert now.version == 2 and now.assumptions.uplift == 0.35 and now.assumptions.margin == 0.4
    assert now.saved_by == "Fay"
    entries = audit.entries(filled, ADMIN)
    assert entries["action"].tolist().count("assumptions.saved") == 2


@pytest.mark.parametrize("who", [VIC, ANA])
def test_viewers_and_bu_heads_may_not_save_assumptions_or_scenarios(filled: Store, who: Actor) -> None:
    with pytest.raises(PermissionDenied):
        design.save_assumptions(filled, who, design.playbook().defaults)
    with pytest.raises(PermissionDenied):
        design.save_scenario(filled, who, "Mine", pd.DataFrame({"account_id": ["ACC-1"], "approach": ["lead_unit"]}))
    assert design.assumptions(filled).version == 0 and design.scenarios(filled).empty


def test_wrong_assumptions_are_refused_whole_naming_the_value(filled: Store) -> None:
    raw = design.playbook().defaults.as_dict()
    raw["cost_to_serve"]["market_bu"] = 5.0
    with pytest.raises(InputError, match="Market-oriented BU with complete P&L authority costs 5 a year"):
        design.save_assumptions(filled, SAL, raw)
    assert design.assumptions(filled).version == 0


def test_a_scenario_is_saved_whole_in_versions_by_code_or_label(filled: Store) -> None:
    rows = pd.DataFrame({"account_id": ["ACC-1", "ACC-2"],
                         "approach": ["lead_unit", "Traditional sales representatives and distributors"]})
    assert design.save_scenario(filled, SAL, "Lean", rows, scope="Focus", base="current", note="first try") == 1
    assert design.save_scenario(filled, SAL, "Lean", rows.iloc[:1]) == 2
    saved = design.scenarios(filled)
    assert saved[["name", "version", "accounts"]].values.tolist() == [["Lean", 2, 1], ["Lean", 1, 2]]
    first = int(saved.loc[saved["version"] == 1, "scenario_id"].iloc[0])
    assert design.scenario_structures(filled, first).values.tolist() == [["ACC-1", "lead_unit"],
                                                                          ["ACC-2", "traditional_sales"]]
    assert "scenario:" + str(first) in design.plan_choices(filled)
    assert audit.entries(filled, ADMIN)["action"].tolist().count("scenario.saved") == 2


@pytest.mark.parametrize(("rows", "says"), [
    ({"account_id": ["ACC-1", "ACC-1"], "approach": ["lead_unit", "lead_unit"]}, "row 2, column 'account_id'"),
    ({"account_id": ["ACC-1", "ACC-2"], "approach": ["lead_unit", "sales bots"]}, "value 'sales bots'"),
    ({"account_id": ["ACC-1", "ACC-99"], "approach": ["lead_unit", "lead_unit"]}, "value 'ACC-99'"),
])
def test_a_wrong_row_is_named_and_nothing_is_written(filled: Store, rows: dict[str, list[str]], says: str) -> None:
    with pytest.raises(InputError) as err:
        design.save_scenario(filled, SAL, "Bad", pd.DataFrame(rows))
    assert says in str(err.value)
    assert design.scenarios(filled).empty
    with filled.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ScenarioStructure)).scalar() == 0


@pytest.mark.parametrize("name", ["", "   ", "x" * 129])
def test_a_scenario_needs_a_name_of_1_to_128_characters(filled: Store, name: str) -> None:
    with pytest.raises(InputError, match="1 to 128 characters"):
        design.save_scenario(filled, SAL, name, pd.DataFrame({"account_id": ["ACC-1"], "approach": ["lead_unit"]}))


def test_the_recommended_plan_over_the_portfolio_says_what_was_assumed(filled: Store) -> None:
    d = _design(filled, design.RECOMMENDED)
    e = d.economics.set_index("account_id")
    assert e.loc["ACC-1", "plan"] in ("lead_unit", "overlay_advisory")
    assert e.loc["ACC-2", "current"] == "market_bu" and e.loc["ACC-2", "plan"] == "traditional_sales"
    assert e.loc["ACC-2", "extra_cost"] < 0  # an overkill account moved to its band costs less
    # ACC-4 and ACC-5: nothing diagnosed, no current structure: kept at the assumed lightest one, and said.
    assert e.loc["ACC-4", "plan"] == "traditional_sales" and not e.loc["ACC-4", "moved"]
    assert any("no recorded current structure" in n for n in d.notes)
    assert any("not yet diagnosed" in n for n in d.notes)
    # The totals are the sums of the accounts' figures.
    assert d.totals["cost_plan"] == pytest.approx(e["cost_plan"].sum())
    assert d.totals.moved == int(e["moved"].sum())


def test_two_scenarios_compared_side_by_side_and_exported_with_formulas_neutralised(filled: Store) -> None:
    design.save_scenario(filled, SAL, "Heavy", pd.DataFrame({"account_id": list(BOOK),
                                                              "approach": ["market_bu"] * len(BOOK)}))
    heavy = f"scenario:{int(design.scenarios(filled)['scenario_id'].iloc[0])}"
    a, b = _design(filled, design.CURRENT), _design(filled, heavy)
    c = design.compare(a, b, ("Today", "Heavy"))
    summary = c.summary.set_index("figure")
    assert summary.loc["Accounts moved from their current structure", "b"] == 4  # ACC-2 is a market BU already
    assert summary.loc["Cost to serve a year", "change"] == pytest.approx(
        summary.loc["Cost to serve a year", "b"] - summary.loc["Cost to serve a year", "a"])
    assert set(c.moved["account_id"]) == {"ACC-1", "ACC-3", "ACC-4", "ACC-5"}
    assert c.roles.set_index("role").loc["front_end_seller", "b"] == 10  # 5 accounts at 0.5 each
    book = openpyxl.load_workbook(io.BytesIO(design.comparison_xlsx(c, "USD")))
    assert book.sheetnames == ["Summary", "Roles", "Accounts moved"]
    # Figures as the pages say them: whole units of money, whole months, never 14.868.
    cells = [cell.value for row in book["Summary"].iter_rows(min_row=2, min_col=2) for cell in row]
    assert all(v is None or isinstance(v, int) for v in cells), cells
    names = [r[1].value for r in book["Accounts moved"].iter_rows(min_row=2)]
    assert "'=cmd|' /C calc'!A0" in names or any(str(n).startswith("'=") for n in names)
    text = design.comparison_csv(c, "USD", european=True).decode("utf-8-sig")
    assert "Structure in A;Structure in B" in text and "\n=cmd" not in text and ";=cmd" not in text


def test_a_scenario_of_a_few_accounts_leaves_the_others_at_their_current_structure(filled: Store) -> None:
    design.save_scenario(filled, SAL, "One", pd.DataFrame({"account_id": ["ACC-1"], "approach": ["lead_unit"]}))
    key = f"scenario:{int(design.scenarios(filled)['scenario_id'].iloc[0])}"
    accounts, _ = _tables(filled)
    named = design.plan_named(filled, key, accounts, filled.decisions())
    assert named.account_ids == ["ACC-1"]
    plan, notes = design.over_accounts(named, accounts, ["ACC-1", "ACC-3"])
    assert plan.tolist() == ["lead_unit", "lead_unit"] and "1 account not in this plan keeps its current structure" in notes[-1]
    with pytest.raises(InputError, match="No saved scenario with id 999"):
        design.plan_named(filled, "scenario:999", accounts, filled.decisions())


def test_a_portfolio_reset_deletes_the_scenarios_that_named_its_accounts(filled: Store) -> None:
    design.save_scenario(filled, SAL, "Lean", pd.DataFrame({"account_id": ["ACC-1"], "approach": ["lead_unit"]}))
    design.save_assumptions(filled, SAL, design.playbook().defaults)
    filled.write(filled.clear_portfolio)
    assert design.scenarios(filled).empty
    assert design.assumptions(filled).version == 1  # the assumptions name no account: they stay


def test_the_design_workbook_holds_every_account_the_roles_and_the_assumptions(filled: Store) -> None:
    d = _design(filled, design.RECOMMENDED)
    book = openpyxl.load_workbook(io.BytesIO(design.design_xlsx(d, "USD", plan="The recommendation per account",
                                                                for_accounts="Every account")))
    assert book.sheetnames == ["Accounts", "Roles", "Assumptions"]
    assert book["Accounts"].max_row == len(BOOK) + 1
    assumptions = {r[0].value: r[1].value for r in book["Assumptions"].iter_rows(min_row=2)}
    assert assumptions["Uplift"] == 0.2 and assumptions["Horizon (years)"] == 3
    assert assumptions["Plan"] == "The recommendation per account" and assumptions["Accounts"] == "Every account"
    assert assumptions["Coverage: Overlay account managers"] == 3


def test_the_moves_that_pay_keep_only_the_recommended_moves_with_a_positive_net(filled: Store) -> None:
    # A small uplift: moving up wins too little to pay; moving the overkill market BU down saves cost at once.
    design.save_assumptions(filled, SAL, {**design.playbook().defaults.as_dict(), "uplift": 0.01})
    accounts, assessed = _tables(filled)
    a = design.assumptions(filled).assumptions
    with pytest.raises(InputError, match="needs assumptions"):
        design.plan_named(filled, design.PAYING, accounts, filled.decisions())
    rec = _design(filled, design.RECOMMENDED).economics.set_index("account_id")
    named = design.plan_named(filled, design.PAYING, accounts, filled.decisions(), assessed=assessed,
                              matrix=filled.active_matrix().matrix, a=a)
    pays = rec["moved"] & (rec["net"] > 0)
    for account, row in rec.iterrows():
        assert named.structures[account] == (row["plan"] if pays[account] else row["current"]), account
    assert pays.tolist() == [False, True, False, False, False]  # only ACC-2 (market BU -> traditional sales)
    # The sentences count the accounts shown: ACC-1 and ACC-3 stay, ACC-2 moves.
    _, notes = design.over_accounts(named, accounts, ["ACC-1", "ACC-2", "ACC-3"])
    assert "2 accounts whose recommended move does not pay back within 3 years" in " ".join(notes)
    _, notes = design.over_accounts(named, accounts, ["ACC-2"])
    assert not any("does not pay back" in n for n in notes)
    paying = design.design(accounts, assessed, filled.active_matrix().matrix, named.structures, a)
    assert paying.totals.paying == paying.totals.moved  # every move kept pays


@pytest.mark.parametrize(("moved", "paying", "said"), [
    (12, 12, "All 12 moves pay back within 3 years at these assumptions (net $5.0M together)."),
    (12, 0, "None of the 12 moves pays back within 3 years at these assumptions: together they net −$2.0M."),
    (12, 5, "Of the 12 moves, 5 pay back within 3 years at these assumptions (net $5.0M together); the other 7 cost "
            "more than they bring (net −$2.0M)."),
    (12, 11, "Of the 12 moves, 11 pay back within 3 years at these assumptions (net $5.0M together); the other 1 "
             "costs more than it brings (net −$2.0M)."),
    (2, 1, "Of the 2 moves, 1 pays back within 3 years at these assumptions (net $5.0M); the other 1 costs more than "
           "it brings (net −$2.0M)."),
    (1, 1, "The one move pays back within 3 years at these assumptions (net $5.0M)."),
    (1, 0, "The one move does not pay back within 3 years at these assumptions (net −$2.0M)."),
    (0, 0, ""),
])
def test_the_moves_that_pay_are_said_without_a_sentence_about_zero_moves(moved: int, paying: int, said: str) -> None:
    totals = econ.Totals(accounts=20, moved=moved, sums={}, payback_months=None, unknown_waste=0, paying=paying,
                         paying_net=5e6 if paying else 0.0, losing_net=-2e6 if paying < moved else 0.0)
    assert design.moves_that_pay(totals, 3, "USD") == said
    assert "the other 0" not in said
