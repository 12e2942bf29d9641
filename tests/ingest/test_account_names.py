"""Accounts known by their name: derived ids, name matching with suggestions, names of rejected-rows files."""

from __future__ import annotations

import difflib
import os
import random
import subprocess
import sys

import pandas as pd
import pytest

from gtm.domain.vocabulary import normalise
from gtm.ingest import plan as ingest
from gtm.ingest.plan import name_account_id, plan_import, rejects_file_name

NO_BUS = pd.DataFrame(columns=["bu_id", "name"])
ACCOUNTS = pd.DataFrame({"account_id": ["ACC-0001", "ACC-0002", "ACC-0003", "name:acme corp"],
                         "name": ["Northwind Industrial", "Acme Corp.", "Contoso Ltd", "ACME Corp"]})


def csv(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_a_name_gives_the_same_readable_id_whatever_its_case_spacing_or_punctuation() -> None:
    assert name_account_id("Northwind Industrial") == "name:northwind industrial"
    assert name_account_id("  ACME   Corp. ") == name_account_id("Acme corp") == "name:acme corp"
    assert name_account_id("Société Générale Énergie") == "name:société générale énergie"


def test_a_very_long_name_gets_an_id_that_fits_and_stays_distinct() -> None:
    a, b = "Holding " * 30 + "Alpha", "Holding " * 30 + "Beta"
    assert len(name_account_id(a)) <= 128 and len(name_account_id(b)) <= 128
    assert name_account_id(a) != name_account_id(b) and name_account_id(a).startswith("name:holding holding")


def test_the_derived_id_is_the_same_in_another_process() -> None:
    name = "Société Générale Énergie " + "Holding " * 20
    code = f"from gtm.ingest.plan import name_account_id; print(name_account_id({name!r}))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": "123", "PYTHONIOENCODING": "utf-8"})
    assert other.stdout.strip() == name_account_id(name)


@pytest.mark.parametrize("source, expected", [
    ("deals.csv", "deals.rejected.csv"), ("export.xlsx", "export.rejected.csv"),
    ("deals.csv.csv", "deals.rejected.csv"), ("/home/dana/Q3 Opps.CSV", "Q3 Opps.rejected.csv"),
    ("upload", "upload.rejected.csv"), (".csv", "import.rejected.csv"),
])
def test_rejected_rows_file_name(source: str, expected: str) -> None:
    assert rejects_file_name(source) == expected


def test_an_accounts_file_without_ids_says_how_ids_are_made_and_reports_names_that_fold_alike() -> None:
    plan = plan_import("accounts", csv("Account Name,Industry", "Northwind Industrial ,Rail", "ACME Corp,Retail",
                                       "Fabrikam,Logistics", "Acme Corp.,Retail"),
                       known_accounts=ACCOUNTS.iloc[:0], business_units=NO_BUS, name="accounts.csv")
    assert any("No id column" in n and "'name:northwind industrial'" in n and "duplicates" in n for n in plan.notes)
    found = {(p.row, p.column, p.value): p.reason for p in plan.problems}
    assert set(found) == {(3, "Account Name", "ACME Corp"), (5, "Account Name", "Acme Corp.")}
    assert "row 5 ('Acme Corp.')" in found[(3, "Account Name", "ACME Corp")]
    assert "row 3 ('ACME Corp')" in found[(5, "Account Name", "Acme Corp.")]
    assert plan.valid["external_id"].tolist() == ["name:northwind industrial", "name:fabrikam"]
    assert plan.valid["name"].tolist() == ["Northwind Industrial", "Fabrikam"]


def test_a_name_only_file_updates_the_stored_account_of_that_name_even_with_a_crm_id() -> None:
    plan = plan_import("accounts", csv("Account Name,Industry", "northwind industrial,Rail", "New Co,Retail",
                                       "acme corp,Retail"),
                       known_accounts=ACCOUNTS, business_units=NO_BUS, stored_ids=set(ACCOUNTS["account_id"]))
    assert plan.records.loc[[2, 3], "external_id"].tolist() == ["ACC-0001", "name:new co"]
    (problem,) = plan.problems
    assert (problem.row, problem.value) == (4, "acme corp")
    assert "several stored accounts (ACC-0002, name:acme corp)" in problem.reason
    assert plan.existing == 1


def test_opportunity_names_resolve_exactly_and_near_misses_get_a_suggestion_never_a_guess() -> None:
    plan = plan_import("opportunities", csv(
        "Opportunity ID,Account Name,Amount",
        "O1,northwind  industrial,10",   # row 2: exact once folded
        "O2,Nortwind Industrial,10",     # row 3: near miss
        "O3,acme corp,10",               # row 4: two accounts go by that name
        "O4,Mueller AG,10",              # row 5: nothing close
        "O5,Contoso Ltd.,10",            # row 6: exact once folded
    ), known_accounts=ACCOUNTS, business_units=NO_BUS)
    reasons = {(p.row, p.column, p.value): p.reason for p in plan.problems}
    assert reasons == {
        (3, "Account Name", "Nortwind Industrial"):
            "is not a known account name; did you mean 'Northwind Industrial' (ACC-0001)? "
            "Import the accounts first or correct the name",
        (4, "Account Name", "acme corp"):
            "matches several accounts (ACC-0002, name:acme corp); give the account id instead",
        (5, "Account Name", "Mueller AG"): "is not a known account name; import the accounts first or correct the name",
    }
    assert plan.valid["account_external_id"].to_dict() == {2: "ACC-0001", 6: "ACC-0003"}


def test_close_names_agree_with_difflib_over_every_stored_name() -> None:
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyzéüø"

    def word() -> str:
        return "".join(rng.choice(letters) for _ in range(rng.randint(2, 9)))
    keys = sorted({normalise(f"{word()} {word()} {rng.choice(['gmbh', 'inc', 'ltd', 'sa', ''])}") for _ in range(3000)})
    queries = [k[:i] + rng.choice("abé x") + k[i + 1:] for k in rng.sample(keys, 150) for i in [rng.randrange(len(k))]]
    queries += [normalise(f"{word()} {word()}") for _ in range(50)]
    close = ingest._CloseNames(keys)
    fast = [close.best(q) for q in queries]
    assert fast == [(difflib.get_close_matches(q, keys, n=1, cutoff=0.85) or [None])[0] for q in queries]
    assert sum(f is not None for f in fast) >= 100  # the near misses were found


def test_many_opportunities_by_name_stay_fast() -> None:

    names = [f"Account {i:05d} Holding" for i in range(20_000)]
    accounts = pd.DataFrame({"account_id": [f"A{i}" for i in range(len(names))], "name": names})
    rows = [f"O{i},{names[i % len(names)] if i % 10 else f'Unknown {i % 500} Corp'},1" for i in range(100_000)]
    plan = plan_import("opportunities", csv("Opportunity ID,Account Name,Amount", *rows),
                       known_accounts=accounts, business_units=NO_BUS)
    assert len(plan.rejected_rows) == 10_000 and len(plan.valid) == 90_000


def test_a_parent_named_links_to_the_stored_or_filed_account_of_that_name_and_nothing_is_guessed() -> None:
    stored = pd.DataFrame({"account_id": ["ACC-1", "ACC-2", "ACC-3"],
                           "name": ["Acme Corporation", "Contoso", "contoso"]})
    plan = plan_import("accounts", csv("Account Name,Parent Account", "Acme Widgets, acme corporation ",
                                       "Acme EU,Acme Widgets", "Foo,Contoso", "Bar,Acme Corp", "Qux,"),
                       known_accounts=stored, business_units=NO_BUS, name="accounts.csv")
    parents = plan.records["parent_external_id"]
    assert parents[2] == "ACC-1" and parents[3] == "name:acme widgets" and pd.isna(parents[6])
    found = {(p.row, p.column, p.value): p.reason for p in plan.problems}
    assert set(found) == {(4, "Parent Account", "Contoso"), (5, "Parent Account", "Acme Corp")}
    assert "several accounts (ACC-2, ACC-3)" in found[(4, "Parent Account", "Contoso")]
    assert "nor of an account in this file" in found[(5, "Parent Account", "Acme Corp")]
