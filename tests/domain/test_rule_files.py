"""Every rule file in data/ loads through the one loader and its own examples hold.

A rule file brings its checks with it: edit data/*.json, add an example, and this test runs it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gtm.domain.diagnose import load_diagnosis
from gtm.domain.errors import ConfigError
from gtm.domain.funnel import load_funnel_rules
from gtm.domain.matrix import load_matrix
from gtm.domain.maturity import load_maturity
from gtm.domain.outcomes import load_stage_words
from gtm.domain.plan import load_plan_file
from gtm.domain.playbook import load_playbook
from gtm.domain.rules import DATA_DIR, check_examples, json_path
from gtm.domain.vocabulary import load_vocabularies
from gtm.domain.whitespace import load_size_bands
from gtm.domain.words import load_words
from gtm.ingest.columns import load_column_rules

# file -> the loader of its rule model (each goes through gtm.domain.rules.load_rule_file)
LOADERS: dict[str, Callable[[Path], Any]] = {
    "vocabulary.json": load_vocabularies,
    "matrix.json": load_matrix,
    "diagnosis.json": load_diagnosis,
    "words.json": load_words,
    "columns.json": load_column_rules,
    "funnel.json": load_funnel_rules,
    "maturity.json": load_maturity,
    "engagement_plan.json": load_plan_file,
    "approaches.json": load_playbook,
    "stages.json": load_stage_words,
    "size_bands.json": load_size_bands,
}


def test_every_rule_file_in_data_has_a_loader() -> None:
    assert sorted(p.name for p in DATA_DIR.glob("*.json")) == sorted(LOADERS)


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_the_file_states_its_hit_policy_and_carries_examples(name: str) -> None:
    raw = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    assert raw["hit_policy"] in ("unique", "first", "priority")
    assert f"hit policy {raw['hit_policy']}" in raw["description"].lower(), "the description says what it means"
    assert 4 <= len(raw["examples"]) <= 16


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_every_example_of_every_rule_file_holds(name: str) -> None:
    rules = LOADERS[name](DATA_DIR / name)
    assert rules.examples, f"{name} has no examples"
    failures = check_examples(rules, name)
    assert not failures, "\n".join(failures)


def _with_a_wrong_example(name: str, tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> list[str]:
    raw = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    change(raw["examples"][0])
    path = tmp_path / name
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return check_examples(LOADERS[name](path), name)


def test_a_wrong_example_is_reported_with_its_file_and_place(tmp_path: Path) -> None:
    failures = _with_a_wrong_example("matrix.json", tmp_path, lambda e: e["expect"].update(steps=2))
    assert len(failures) == 1
    assert failures[0].startswith("matrix.json examples[0]") and "steps=2" in failures[0] and "steps=0" in failures[0]
    failures = _with_a_wrong_example("words.json", tmp_path, lambda e: e.update(expect="no"))
    assert failures == ["words.json examples[0] input '✓': expected 'no', got 'yes' "
                        "(a tick from a spreadsheet: a turnkey deal must stay turnkey)"]
    failures = _with_a_wrong_example("diagnosis.json", tmp_path, lambda e: e["input"].update(turnkey="no"))
    assert len(failures) == 1 and "expected" in failures[0] and "not-yet-diagnosed" in failures[0]


def test_an_example_of_the_wrong_shape_is_refused_at_load(tmp_path: Path) -> None:
    raw = json.loads((DATA_DIR / "matrix.json").read_text(encoding="utf-8"))
    raw["examples"][2]["expect"]["fit"] = "too much"
    path = tmp_path / "matrix.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_matrix(path)
    assert str(info.value).startswith(f"{path}: invalid matrix: $.examples[2].expect.fit: ")
    raw = json.loads((DATA_DIR / "diagnosis.json").read_text(encoding="utf-8"))
    raw["examples"][0]["input"] = {}
    path = tmp_path / "diagnosis.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"examples\[0\]: give at least one column"):
        load_diagnosis(path)


def test_a_claimed_hit_policy_the_code_does_not_apply_is_refused(tmp_path: Path) -> None:
    raw = json.loads((DATA_DIR / "diagnosis.json").read_text(encoding="utf-8"))
    raw["hit_policy"] = "unique"
    path = tmp_path / "diagnosis.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"invalid diagnosis table: \$\.hit_policy: "):
        load_diagnosis(path)


def test_json_paths() -> None:
    assert json_path(("natures", "terms", 2, "code")) == "$.natures.terms[2].code"
    assert json_path(()) == "$"
