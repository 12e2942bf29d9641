"""Patterns people type run in linear time (RE2); what cannot is refused at entry with a sentence."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from gtm.domain import patterns
from gtm.domain.diagnose import Condition, DiagnosisTable, diagnose, diagnose_row, load_diagnosis

ROOT = Path(__file__).resolve().parents[2]


def _table_with(pattern: str) -> DiagnosisTable:
    table = load_diagnosis().model_dump(mode="json")
    rule = {"id": "typed", "nature": "turnkey", "wording": "A typed pattern.",
            "when": [{"column": "name", "op": "matches", "value": pattern}]}
    table["rules"] = [rule, *table["rules"]]
    return DiagnosisTable.model_validate(table)


def test_the_probe_s_pattern_finishes_on_a_long_cell() -> None:
    """^(\\D+)+\\d on 40 non-digits is 2^40 steps for a backtracking engine: the probe pinned a server with it.

    Run in a child process with a deadline, so that the old engine fails the test instead of hanging the suite."""
    code = textwrap.dedent("""
        import pandas as pd
        from gtm.domain.diagnose import DiagnosisTable, diagnose, load_diagnosis
        table = load_diagnosis().model_dump(mode="json")
        table["rules"].insert(0, {"id": "typed", "nature": "turnkey", "wording": "typed",
                                  "when": [{"column": "name", "op": "matches", "value": r"^(\\D+)+\\d"}]})
        t = DiagnosisTable.model_validate(table)
        names = ["a" * 40 + "!", "x" * 30_000, "abc 1"]
        out = diagnose(pd.DataFrame({"name": names}), t)
        print(",".join(out["diagnosis_rule"].astype(str)))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    first, second, third = done.stdout.strip().split(",")
    assert first != "typed" and second != "typed" and third == "typed"


def test_matches_any_case_in_the_table_and_in_one_row() -> None:
    table = _table_with(r"turn\s*key|EPC")
    frame = pd.DataFrame({"name": ["Line 4 TURNKEY plant", "epc contract", "spare parts"]})
    out = diagnose(frame, table)
    assert out["diagnosis_rule"].astype(str).tolist()[:2] == ["typed", "typed"]
    assert out["diagnosis_rule"].astype(str).tolist()[2] != "typed"
    assert diagnose_row({"name": "Turn Key delivery"}, table)[1] == "typed"


@pytest.mark.parametrize(("pattern", "says"), [
    (r"^(a)\1+$", "backreference"),
    (r"(?P<w>ab)(?P=w)", "backreference"),
    (r"^(?=.*turnkey).*plant", "lookahead or lookbehind"),
    (r"(?<!spare )parts", "lookahead or lookbehind"),
    (r"(?>a+)b", "atomic group"),
    (r"a++b", "possessive quantifier"),
    (r"(unclosed", "not a valid regular expression"),
    (r"((a{100}){100}){100}", "too much memory"),
    ("a" * 301, "at most 300"),
])
def test_what_cannot_run_in_linear_time_is_refused_with_a_sentence(pattern: str, says: str) -> None:
    with pytest.raises(patterns.PatternError, match=says):
        patterns.check(pattern)
    with pytest.raises(ValueError, match=says):  # and a rule holding it does not validate
        Condition(column="name", op="matches", value=pattern)


def test_nested_quantifiers_are_fine_in_linear_time() -> None:
    patterns.check(r"^(\D+)+\d")
    patterns.check(r"(a|aa)*b")
    assert patterns.search(r"(a|aa)*b", "a" * 100_000) is False
