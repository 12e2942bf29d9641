"""The command line, run as a user runs it: python -m gtm ... on real files.

Most tests call gtm.cli.main in-process (the same code as ``python -m gtm``, without a second interpreter
start); the export/import round trip runs a real ``python -m gtm`` subprocess end to end, and so does the usage
error, which argparse ends with SystemExit before main returns a code.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from cli_run import run  # tests/cli_run.py: gtm.cli.main in-process

ROOT = Path(__file__).resolve().parents[1]


def gtm(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gtm", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_assess_mixes_codes_labels_and_variants(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "id,Nature,Approach\n"
        "1,turnkey,traditional_sales\n"
        "2,Cross-sell/referral,Assignment of lead unit for multi-unit accounts\n"
        "3,  CROSS SELL ,market bu\n"
        "4,Info exchange / cost reduction,coordinated incentives\n"
        "5,Turnkey,Market-oriented BU with complete P&L authority\n",
        encoding="utf-8",
    )
    code, stdout, stderr = run(capsys, "assess", str(src))
    assert code == 0, stderr
    out = pd.read_csv(io.StringIO(stdout))
    assert out["fit"].tolist() == ["insufficient", "realistic", "overkill", "realistic", "realistic"]
    assert out["steps"].tolist() == [5, 0, 3, 0, 0]
    assert out["band_low"].tolist()[0] == "common_front_end"
    assert out["id"].tolist() == [1, 2, 3, 4, 5]
    assert "likely insufficient to accomplish objectives" in out["rationale"][0]
    assert "costing more than benefits created" in out["rationale"][2]


def test_assess_writes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.csv"
    src.write_text("nature;approach\nturnkey;market_bu\n", encoding="cp1252")
    target = tmp_path / "out.csv"
    code, _, stderr = run(capsys, "assess", str(src), "-o", str(target))
    assert code == 0, stderr
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(target, encoding="utf-8-sig")["fit"].tolist() == ["realistic"]


def test_unknown_label_is_a_short_error_naming_row_and_accepted_values(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("nature,approach\nturnkey,market_bu\nsomething odd,market_bu\n", encoding="utf-8")
    code, _, stderr = run(capsys, "assess", str(src))
    assert code == 2
    assert "Traceback" not in stderr
    assert "row 3" in stderr and "something odd" in stderr
    assert "cross_sell" in stderr  # what is accepted


def test_missing_column_is_a_short_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("nature,structure\nturnkey,market_bu\n", encoding="utf-8")
    code, _, stderr = run(capsys, "assess", str(src))
    assert code == 2 and "Traceback" not in stderr
    assert "'approach'" in stderr


def test_not_a_spreadsheet_and_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "x.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    for args in (("assess", str(png)), ("assess", str(tmp_path / "nope.csv"))):
        code, stdout, stderr = run(capsys, *args)
        assert code == 2, (code, stdout, stderr)
        assert "Traceback" not in stderr and stderr.startswith("error:")


def test_bad_matrix_file_names_the_nature(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    raw = json.loads((ROOT / "data" / "matrix.json").read_text())
    raw["bands"]["info_exchange"] = {"low": "lead_unit", "high": "traditional_sales"}
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps(raw))
    src = tmp_path / "in.csv"
    src.write_text("nature,approach\nturnkey,market_bu\n")
    code, _, stderr = run(capsys, "assess", str(src), "--matrix", str(bad))
    assert code == 2 and "Traceback" not in stderr
    assert "Info exchange / cost reduction" in stderr


def test_recommend_reads_crm_amounts_and_percentages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "opps.csv"
    src.write_text(
        'Account ID,Nature,Value,Probability\n'
        'A,turnkey,"$1,000,000",50%\n'
        'A,info_exchange,"$10,000",\n'
        'B,cross_sell,"2.500,00 €",100\n',
        encoding="utf-8",
    )
    code, stdout, stderr = run(capsys, "recommend", str(src))
    assert code == 0, stderr
    out = pd.read_csv(io.StringIO(stdout)).set_index("account_id")
    assert out.loc["A", "recommended_approach"] == "common_front_end"
    assert out.loc["B", "recommended_approach"] == "lead_unit"
    assert out.loc["A", "underserved_count"] == 0 and out.loc["A", "overserved_count"] == 1


def test_diagnose_names_the_rule_that_fired(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "sig.csv"
    src.write_text("id,Turnkey,BUs involved,One-time purchase\n1,yes,1,no\n2,no,3,no\n3,no,1,yes\n4,no,1,no\n")
    code, stdout, stderr = run(capsys, "diagnose", str(src))
    assert code == 0, stderr
    out = pd.read_csv(io.StringIO(stdout))
    assert out["nature"].fillna("").tolist() == ["turnkey", "cross_sell", "qualification", ""]  # 4: not yet diagnosed
    assert out["diagnosis_rule"].tolist()[3] == "not-yet-diagnosed"
    assert out["diagnosis_rule"].tolist()[0] == "turnkey-delivery"


def test_matrix_prints_a_readable_grid(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(capsys, "matrix")
    assert code == 0
    assert "Market BU" in stdout and "[R]" in stdout
    assert "Turnkey solutions" in stdout


def test_usage_error_exits_non_zero() -> None:
    result = gtm("assess")
    assert result.returncode == 2 and "usage" in result.stderr


@pytest.mark.parametrize("cmd", ["assess", "recommend", "diagnose"])
def test_output_neutralises_formulas(tmp_path: Path, capsys: pytest.CaptureFixture[str], cmd: str) -> None:
    src = tmp_path / "in.csv"
    src.write_text("account_id,nature,approach,value,turnkey\n=HYPERLINK(1),turnkey,market_bu,1,yes\n")
    code, stdout, stderr = run(capsys, cmd, str(src))
    assert code == 0, stderr
    assert "\n=HYPERLINK" not in stdout and "'=HYPERLINK" in stdout


def test_diagnose_reads_a_salesforce_export_by_its_headers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "sf.csv"
    src.write_text("Opportunity ID,Opportunity Name,Account Name,Business Unit,Amount\n"
                   "O1,Turnkey bottling line,Acme,Drives,1000\nO2,Retrofit,Acme,Sensors,\"150,000\"\n"
                   "O3,Retrofit,Beta,Drives,5\nO4,Spare fuse,Acme,Sensors,50\n")
    code, stdout, stderr = run(capsys, "diagnose", str(src))
    assert code == 0, stderr
    out = pd.read_csv(io.StringIO(stdout))
    # two BUs sell into Acme: its large deal is cross-sell, its $50 fuse is not (no blanket rule)
    assert out["nature"].fillna("").tolist() == ["turnkey", "cross_sell", "", ""]
    assert out["diagnosis_rule"].tolist() == ["turnkey-words", "multi-bu-account", "not-yet-diagnosed",
                                              "not-yet-diagnosed"]


def test_export_keeps_field_names_and_codes_that_import_reads_back_and_labels_on_request(tmp_path: Path) -> None:
    import csv

    source, copy = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    assert gtm("demo", "--database", source).returncode == 0
    machine, people = tmp_path / "accounts.csv", tmp_path / "accounts-people.csv"
    assert gtm("export", "accounts", "-o", str(machine), "--database", source, "--workspace", "demo").returncode == 0
    result = gtm("export", "accounts", "-o", str(people), "--database", source, "--workspace", "demo", "--labels",
                 "--delimiter", ";")
    assert result.returncode == 0, result.stderr

    # By default: field names and codes, which gtm import reads back as they are.
    codes = list(csv.DictReader(io.StringIO(machine.read_bytes().decode("utf-8-sig"))))
    assert {"account_id", "current_approach", "recommended_approach"} <= set(codes[0])
    assert codes[0]["recommended_approach"] in {"common_front_end", "market_bu", "overlay_signing", "lead_unit",
                                                "overlay_advisory", "coordinated_incentives", "traditional_sales"}
    imported = gtm("import", "accounts", str(machine), "--database", copy)
    assert imported.returncode == 0, imported.stderr
    assert "400 added" in imported.stdout + imported.stderr

    # --labels: the pages' headers and words, for people (here for European Excel).
    rows = list(csv.reader(io.StringIO(people.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Account id", "Account"] and "Current approach" in rows[0] and "Value (USD)" in rows[0]
    assert {len(r) for r in rows} == {len(rows[0])}
    first = dict(zip(rows[0], rows[1]))
    assert first["Account id"] == codes[0]["account_id"] and first["Opportunities"].isdigit()
    assert "_" not in first["Recommended approach"] and first["Recommended approach"]
    usage = " ".join(gtm("export", "--help").stdout.split())
    assert "--labels" in usage and "gtm import reads back" in usage


def test_users_add_refuses_a_bu_head_without_bu(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'gtm.db'}"
    code, _, stderr = run(capsys, "users", "add", "bo@example.com", "--role", "bu_head", "--database", url)
    assert code == 2, stderr
    assert "A BU head heads at least one BU" in stderr and "--bu" in stderr
    assert "Traceback" not in stderr
    _, listed, _ = run(capsys, "users", "list", "--database", url)
    assert "bo@example.com" not in listed
    code, _, stderr = run(capsys, "users", "add", "bo@example.com", "--role", "bu_head", "--bu", "BU-AUT",
                          "--database", url)
    assert code == 0, stderr  # a BU named while the store has none yet (the demo's, say)
