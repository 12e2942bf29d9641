"""python -m gtm mappings import/export: product family mappings as files, round trip, on a name-keyed CRM export."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from gtm.cli import main
from gtm.services import diagnosis
from gtm.storage.repository import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A SQLite database holding a Salesforce-style export keyed by account name, without BUs."""
    url = f"sqlite:///{tmp_path / 'gtm.db'}"
    assert main(["import", "accounts", str(FIXTURES / "crm/sf_accounts_by_name_fixed.csv"), "--database", url]) == 0
    main(["import", "opportunities", str(FIXTURES / "diagnose/opportunities_by_name.csv"), "--database", url,
          "--skip-invalid", "--rejects", str(tmp_path / "rejected.csv")])  # Fabrikam Inc is no stored account
    capsys.readouterr()
    return url


def test_mappings_round_trip_and_reach_the_export(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bu_file = tmp_path / "families.csv"
    bu_file.write_bytes(b"Product Family;BU\r\nRobotics Cells;Automation\r\nGrid Controls;Energy\r\n")
    assert main(["mappings", "import", "family-bu", str(bu_file), "--database", url]) == 0
    said = capsys.readouterr().out
    assert "saved and activated the product family -> BU mapping 'families' (2 product families)" in said
    assert "created 2 business units it names: Automation, Energy" in said
    # natures by label and by variant ("cross sell"), named on the command line
    assert main(["mappings", "import", "family-nature", str(FIXTURES / "diagnose/family_nature.csv"),
                 "--name", "natures 1", "--database", url]) == 0
    assert "'natures 1' (2 product families)" in capsys.readouterr().out

    out = tmp_path / "natures.csv"
    assert main(["mappings", "export", "family-nature", "-o", str(out), "--database", url]) == 0
    exported = pd.read_csv(out)
    assert exported.to_dict("records") == [{"product_family": "Robotics Cells", "nature": "turnkey"},
                                           {"product_family": "Grid Controls", "nature": "cross_sell"}]
    assert main(["mappings", "import", "family-nature", str(out), "--name", "again", "--database", url]) == 0
    store = Store(url)
    assert store.rule_version(diagnosis.FAMILY_NATURE) == ("again", {"rows": exported.to_dict("records")})
    capsys.readouterr()
    assert main(["mappings", "export", "family-bu", "--database", url]) == 0  # to stdout
    assert pd.read_csv(io.StringIO(capsys.readouterr().out))["bu"].tolist() == ["Automation", "Energy"]

    opps = tmp_path / "opps.csv"
    assert main(["export", "opportunities", "-o", str(opps), "--database", url]) == 0
    frame = pd.read_csv(opps).set_index("opportunity_id")
    assert frame.loc["DG-0001", ["bu", "bu_source", "nature", "nature_source"]].tolist() == [
        "Automation", "mapping", "turnkey", "mapping"]
    assert pd.isna(frame.loc["DG-0003", "bu_source"])  # Fluid Handling: no BU from the file or a mapping
    labelled = tmp_path / "people.csv"
    assert main(["export", "opportunities", "-o", str(labelled), "--labels", "--database", url]) == 0
    people = pd.read_csv(labelled).set_index("Opportunity id")
    assert people.loc["DG-0001", "BU from"] == "mapping"
    assert people.loc["DG-0001", "Nature found"] == "mapping: product family 'Robotics Cells'"


def test_an_xlsx_mapping_is_read_too(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (("product_family", "nature"), ("Fluid Handling", "Qualification / one-time action")):
        sheet.append(row)
    path = tmp_path / "natures.xlsx"
    book.save(path)
    assert main(["mappings", "import", "family-nature", str(path), "--database", url]) == 0
    assert Store(url).rule_version(diagnosis.FAMILY_NATURE) == (
        "natures", {"rows": [{"product_family": "Fluid Handling", "nature": "qualification"}]})


def test_a_bad_mapping_file_is_refused_with_its_row_and_nothing_is_saved(url: str, tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("product_family,nature\nRobotics Cells,turnkey\nGrid Controls,mega deal\n", encoding="utf-8")
    assert main(["mappings", "import", "family-nature", str(bad), "--database", url]) == 2
    err = capsys.readouterr().err
    assert "row 3, column 'nature': value 'mega deal': is not a nature; accepted: one of: info_exchange" in err
    assert "Traceback" not in err
    store = Store(url)
    assert store.rule_version(diagnosis.FAMILY_NATURE) is None
    missing = tmp_path / "nobu.csv"
    missing.write_text("product_family,owner\nRobotics Cells,Dana\n", encoding="utf-8")
    assert main(["mappings", "import", "family-bu", str(missing), "--database", url]) == 2
    assert "needs the columns product_family, bu" in capsys.readouterr().err
    assert store.business_units().empty
    assert main(["mappings", "import", "family-bu", "--database", url]) == 2
    assert "needs a FILE" in capsys.readouterr().err
