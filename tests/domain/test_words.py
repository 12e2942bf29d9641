"""Yes/no words: one list (data/words.json) read the same way by every yes/no column."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from gtm.domain.diagnose import default_diagnosis, diagnose
from gtm.domain.errors import ConfigError, InputError
from gtm.domain.rules import DATA_DIR
from gtm.domain.words import default_words, fold_word, load_words, read_bools

WORDS = default_words()
BOOL_SIGNALS = [name for name, s in default_diagnosis().signals.items() if s.type == "bool"]
# Which nature each bool signal alone (with two BUs where the rule needs them) diagnoses.
ALONE = {"turnkey": "turnkey", "engineered_solution": "technical_solution",
         "joint_planning": "coordinated_strategy", "one_time": "qualification"}


def _variants(word: str) -> list[str]:
    """The word as written, upper case and padded: every form must read the same."""
    return list(dict.fromkeys([word, word.upper(), f"  {word.title()} "]))


def test_the_words_the_issue_names_are_listed() -> None:
    assert {"✓", "✔", "x", "yes", "y", "true", "t", "1", "checked", "on", "oui", "ja", "si", "sí"} <= set(WORDS.true)
    assert {"no", "n", "false", "f", "0", "unchecked", "off", "non", "nein"} <= set(WORDS.false)
    assert {"", "nan", "none"} <= set(WORDS.blank)


def test_folding_keeps_ticks_and_accents() -> None:
    assert fold_word(" ✓ ") == "✓" and fold_word("SÍ") == "sí" and fold_word("Un  Checked") == "un checked"


@pytest.mark.parametrize("word", WORDS.true + WORDS.false + WORDS.blank)
def test_read_bools_reads_every_word(word: str) -> None:
    expected = True if word in WORDS.true else False if word in WORDS.false else None
    cells = _variants(word)
    values, problems = read_bools(pd.Series(cells, dtype=object), "Turnkey")
    assert problems == []
    assert [None if pd.isna(v) else bool(v) for v in values] == [expected] * len(cells)


def _others(signal: str) -> dict[str, str]:
    # Two BUs where the signal's rule needs them (joint planning), one elsewhere so nothing else lifts the nature.
    return {"bu_count": "2" if signal == "joint_planning" else "1"}


@pytest.mark.parametrize("signal", BOOL_SIGNALS)
@pytest.mark.parametrize("word", WORDS.true + WORDS.false + WORDS.blank)
def test_every_bool_signal_reads_every_word(signal: str, word: str) -> None:
    cells = _variants(word)
    others = {k: v for k, v in _others(signal).items() if k != signal}
    frame = pd.DataFrame({signal: pd.Series(cells, dtype=object), **others})
    # What a real boolean gives: the word must read exactly like it.
    truth = word in WORDS.true
    reference = _natures(diagnose(pd.DataFrame({signal: [truth], **{k: [v] for k, v in others.items()}})))[0]
    if signal in ALONE:
        # A "no" is no evidence of the lightest nature: the opportunity stays not yet diagnosed (None).
        assert reference == (ALONE[signal] if truth else "cross_sell" if signal == "joint_planning" else None)
    assert _natures(diagnose(frame)) == [reference] * len(cells), (signal, word)


def _natures(out: pd.DataFrame) -> list[str | None]:
    return [None if pd.isna(v) else str(v) for v in out["nature"]]


def test_a_tick_in_the_turnkey_column_diagnoses_turnkey() -> None:
    frame = pd.DataFrame({"Turnkey": ["✓", "✔", "", "no"], "BUs involved": ["1", "1", "1", "1"]})
    out = diagnose(frame)
    assert _natures(out) == ["turnkey", "turnkey", None, None]
    assert out["diagnosis_rule"].iloc[0] == "turnkey-delivery"


@pytest.mark.parametrize("cell", ["maybe", "✗", "-", "2", "yes please"])
def test_a_cell_that_is_no_word_is_a_problem_everywhere(cell: str) -> None:
    _values, problems = read_bools(pd.Series(["yes", cell], index=[4, 5], dtype=object), "Turnkey")
    assert [(p.row, p.column, p.value) for p in problems] == [(5, "Turnkey", cell)]
    assert "✓" in problems[0].reason and "blank" in problems[0].reason
    with pytest.raises(InputError, match="is not yes or no"):
        diagnose(pd.DataFrame({"turnkey": ["yes", cell]}))


def test_numbers_and_booleans_pass_through() -> None:
    values, problems = read_bools(pd.Series([1.0, 0.0, None, 2.0]), "n")
    assert [None if pd.isna(v) else bool(v) for v in values] == [True, False, None, False]
    assert [p.value for p in problems] == [2.0]
    values, problems = read_bools(pd.Series([True, False]), "b")
    assert values.tolist() == [True, False] and problems == []


def test_a_word_in_two_lists_is_refused(tmp_path: Path) -> None:
    raw = json.loads((DATA_DIR / "words.json").read_text(encoding="utf-8"))
    raw["false"].append("ON")
    path = tmp_path / "words.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"words\.json: invalid words file: 'ON' is listed both as true and as false"):
        load_words(path)
