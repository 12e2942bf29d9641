"""Diagnosis hardening: stored patterns refused at load, what-ifs on a sample, uploads bounded and permitted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import run  # tests/cli_run.py: gtm.cli.main in-process

from gtm.domain.diagnose import default_diagnosis
from gtm.domain.errors import ConfigError, InputError, PermissionDenied
from gtm.domain.permissions import Actor, Role
from gtm.services import diagnosis
from gtm.services.demo import seed_demo
from gtm.storage.repository import Store

ROOT = Path(__file__).resolve().parents[2]
VIEWER = Actor("Vic Viewer", Role.VIEWER)
LEADER = Actor("Dana Reyes", Role.SALES_LEADER)


def _with_rule(pattern: str) -> dict[str, object]:
    table = default_diagnosis().model_dump(mode="json")
    table["rules"].insert(0, {"id": "typed", "nature": "turnkey", "wording": "typed",
                              "when": [{"column": "name", "op": "matches", "value": pattern}]})
    return table


def test_a_stored_pattern_that_could_hang_is_refused_at_load_and_said(store: Store) -> None:
    # Saved before patterns ran in linear time: written straight to the table, as an older version did.
    with store.transaction() as tx:
        store.insert_rule_version(tx, diagnosis.DIAGNOSIS, "legacy", _with_rule(r"^(\w+)\1$"), "old", activate=True)
    table, name = diagnosis.active_table(store)
    assert name == "default" and table == default_diagnosis()  # the stored rules are never run
    refusal = diagnosis.refused_rules(store)
    assert refusal is not None and "'legacy'" in refusal and "backreference" in refusal and "bundled default" in refusal
    diagnosis.diagnosed_opportunities(store)  # and reading the portfolio goes on


def test_saving_a_pattern_that_could_hang_is_refused(store: Store) -> None:
    with pytest.raises(ConfigError, match="lookahead"):
        diagnosis.save_version(store, LEADER, diagnosis.DIAGNOSIS, "x", _with_rule(r"(?=a)b"))
    assert store.rule_version(diagnosis.DIAGNOSIS) is None


def test_a_viewer_s_what_if_runs_on_a_sample_of_whole_accounts(sqlite_url: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(sqlite_url, workspace="demo")
    seed_demo(store)
    stored = store.opportunities()
    monkeypatch.setattr(diagnosis, "PREVIEW_SAMPLE", 300)
    table = diagnosis.parse_table(_with_rule("turnkey"))
    seen = diagnosis.preview(store, VIEWER, table, diagnosis.active_mappings(store), stored)
    assert seen.sampled and 0 < len(seen.opportunities) <= 300 and seen.total == len(stored)
    sampled_accounts = set(seen.opportunities["account_id"])
    whole = stored[stored["account_id"].isin(sampled_accounts)]
    assert len(whole) == len(seen.opportunities)  # every sampled account keeps all its opportunities
    again = diagnosis.preview(store, VIEWER, table, diagnosis.active_mappings(store), stored)
    assert set(again.opportunities["opportunity_id"]) == set(seen.opportunities["opportunity_id"])  # a fixed sample
    full = diagnosis.preview(store, LEADER, table, diagnosis.active_mappings(store), stored)
    assert not full.sampled and len(full.opportunities) == len(stored)


def test_a_viewer_may_not_read_a_mapping_file() -> None:
    with pytest.raises(PermissionDenied):
        diagnosis.read_mapping_file(VIEWER, diagnosis.FAMILY_BU, b"product_family,bu\nDrives,Motion\n", "m.csv")


def test_a_mapping_file_is_read_within_its_limits() -> None:
    rows = diagnosis.read_mapping_file(LEADER, diagnosis.FAMILY_BU, "\ufeffProduct family;BU\nDrives;Motion\n"
                                       .encode("utf-8"), "m.csv")["rows"]
    assert rows == [{"product_family": "Drives", "bu": "Motion"}]  # BOM, semicolons and people's headers
    many = "product_family,bu\n" + "".join(f"F{i},B\n" for i in range(diagnosis.MAPPING_MAX_ROWS + 5))
    with pytest.raises(InputError, match=r"rows \(product families\)"):
        diagnosis.read_mapping_file(LEADER, diagnosis.FAMILY_BU, many.encode(), "big.csv")
    huge = b"product_family,bu\n" + b"x" * (3 * 1024 * 1024)
    with pytest.raises(InputError, match="too large"):
        diagnosis.read_mapping_file(LEADER, diagnosis.FAMILY_BU, huge, "huge.csv")
    with pytest.raises(InputError, match="row 3"):
        diagnosis.read_mapping_file(LEADER, diagnosis.FAMILY_NATURE,
                                    b"product_family,nature\nDrives,turnkey\nPumps,mega\n", "n.csv")


# The command line: gtm.cli.main in-process (the same code as ``python -m gtm``, without a second interpreter start),
# except the export after a catastrophic pattern was saved, which runs a real ``python -m gtm`` end to end: a fresh
# process reads the saved rules, as after a restart, and the subprocess's timeout fails the test should it hang.
def gtm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gtm", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_rules_as_data_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    out = tmp_path / "rules.json"
    assert run(capsys, "rules", "export", "-o", str(out), "--database", url)[0] == 0
    exported = json.loads(out.read_text())
    assert exported == default_diagnosis().model_dump(mode="json")
    # only the rules: the signals and examples are kept from the active table
    only = tmp_path / "only.json"
    only.write_text(json.dumps(exported["rules"][-3:]))
    code, stdout, stderr = run(capsys, "rules", "import", str(only), "--name", "short", "--database", url)
    assert code == 0, stderr
    assert "'short' (3 rules)" in stdout
    assert json.loads(run(capsys, "rules", "export", "--database", url)[1])["rules"] == exported["rules"][-3:]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"rules": _with_rule(r"(a)\1")["rules"]}))
    code, _, stderr = run(capsys, "rules", "import", str(bad), "--database", url)
    assert code == 2 and "backreference" in stderr and "Traceback" not in stderr
    assert run(capsys, "rules", "import", "/dev/zero", "--database", url)[0] == 2


def test_a_saved_catastrophic_pattern_no_longer_hangs_an_export(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The probe's pattern saved by a sales leader hung every page and `gtm export opportunities` after a restart."""
    url = f"sqlite:///{tmp_path / 'g.db'}"
    demo = Store(url)
    data = tmp_path / "opps.csv"
    data.write_text("opportunity_id,account_id,name,value\n" + "".join(
        f"O{i},A{i % 7},{'a' * 40}! deal {i},{1000 + i}\n" for i in range(200)))
    (tmp_path / "acc.csv").write_text("account_id,name\n" + "".join(f"A{i},Acc {i}\n" for i in range(7)))
    assert run(capsys, "import", "accounts", str(tmp_path / "acc.csv"), "--database", url)[0] == 0
    assert run(capsys, "import", "opportunities", str(data), "--database", url)[0] == 0
    diagnosis.save_version(demo, LEADER, diagnosis.DIAGNOSIS, "probe", _with_rule(r"^(\D+)+\d"))
    done = gtm("export", "opportunities", "-o", str(tmp_path / "o.csv"), "--database", url)
    assert done.returncode == 0, done.stderr
