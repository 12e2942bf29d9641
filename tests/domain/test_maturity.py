"""The maturity rules: data/maturity.json holds the nine dimensions of docs/domain.md section 5 with the deck's phrasings,
its examples hold; the summary (mean, lowest, highest, people, spread, weakest first), two dates compared, and the
check of one person's scores (unknown stays unknown, never a middle score)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from gtm.domain import maturity
from gtm.domain.errors import ConfigError, InputError
from gtm.domain.rules import check_examples

# docs/domain.md section 5, "Losers and winners in account management", row by row: (losers, winners).
DOMAIN_5 = [
    ('all key accounts alike; "band-aid" organizational changes', "tailored delivery systems"),
    ("big accounts get most attention", "highest priority to accounts with growth potential"),
    ("sales / margin per transaction", "lifetime profitability / market value"),
    ("judgment-based decisions", "fact-based decisions"),
    ("short-term account planning, reacting to opportunities",
     "longer-term account strategies, identifying and developing opportunities"),
    ("relationship-driven model", "value creation and partnership model"),
    ("leveraging sales", "leveraging the organization"),
    ("relying on negotiation skills to extract value", "understanding of joint economics to optimize value"),
    ("minimal market feedback, one-way sales cycle", "customer and field feedback loops feed an ongoing process"),
]
RULES = maturity.default_maturity()
CODES = RULES.codes


def _frame(*people: dict[str, int | None]) -> pd.DataFrame:
    return pd.DataFrame({"scores": list(people), "author": [f"person {i}" for i in range(len(people))]})


def _everything(score: int | None = 3, **scores: int | None) -> dict[str, int | None]:
    return {**dict.fromkeys(CODES, score), **scores}


def test_the_file_holds_the_nine_dimensions_of_domain_section_5_in_order() -> None:
    assert len(RULES.dimensions) == 9
    assert [(d.losers, d.winners) for d in RULES.dimensions] == DOMAIN_5
    assert all(d.winners_do and d.label and len(d.label) <= 25 for d in RULES.dimensions)
    assert len(set(CODES)) == 9 and len({d.label for d in RULES.dimensions}) == 9
    assert (RULES.scale.low, RULES.scale.high) == (1, 5)
    assert RULES.scale.points == (1, 2, 3, 4, 5)
    assert maturity.dimensions() == RULES.dimensions


def test_the_file_states_its_hit_policy_and_every_example_holds() -> None:
    raw = json.loads(maturity.MATURITY_FILE.read_text(encoding="utf-8"))
    assert f"hit policy {raw['hit_policy']}" in raw["description"].lower()
    assert 4 <= len(raw["examples"]) <= 16
    assert check_examples(RULES, "maturity.json") == []


def test_a_wrong_example_is_reported(tmp_path: Path) -> None:
    raw = json.loads(maturity.MATURITY_FILE.read_text(encoding="utf-8"))
    raw["examples"][0]["expect"]["spread"] = 1
    path = tmp_path / "maturity.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    failures = check_examples(maturity.load_maturity(path), "maturity.json")
    assert len(failures) == 1 and failures[0].startswith("maturity.json examples[0]") and "spread=2.0" in failures[0]


def test_a_broken_file_is_refused_with_its_place(tmp_path: Path) -> None:
    raw = json.loads(maturity.MATURITY_FILE.read_text(encoding="utf-8"))
    raw["dimensions"][3]["code"] = raw["dimensions"][2]["code"]
    raw["scale"]["high"] = 1
    path = tmp_path / "maturity.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        maturity.load_maturity(path)
    message = str(info.value)
    assert message.startswith(f"{path}: invalid maturity rules: ")
    assert "$.scale: the scale's high end (1) must be above its low end (1)" in message


def test_duplicate_codes_are_refused(tmp_path: Path) -> None:
    raw = json.loads(maturity.MATURITY_FILE.read_text(encoding="utf-8"))
    raw["dimensions"][3]["code"] = raw["dimensions"][2]["code"]
    path = tmp_path / "maturity.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="each dimension needs its own code; listed more than once: value_measure"):
        maturity.load_maturity(path)


def test_the_summary_gives_mean_lowest_highest_people_and_spread_weakest_first() -> None:
    found = maturity.summarise(_frame(_everything(4, decisions=1, feedback=2), _everything(4, decisions=3,
                                                                                          feedback=2)))
    assert list(found.columns) == list(maturity.SUMMARY_COLUMNS)
    assert found["dimension"].tolist()[:2] == ["decisions", "feedback"]  # means 2.0 (spread 2), then 2.0 (spread 0)
    first = found.iloc[0]
    assert (first["mean"], first["min"], first["max"], first["people"], first["spread"]) == (2.0, 1.0, 3.0, 2, 2.0)
    assert (first["label"], first["losers"], first["winners"]) == ("Basis of decisions", "judgment-based decisions",
                                                                   "fact-based decisions")
    assert first["winners_do"].startswith("Build an account-level fact base")
    assert found.iloc[1]["spread"] == 0
    # the rest all 4: the deck's order decides
    assert found["dimension"].tolist()[2:] == [c for c in CODES if c not in ("decisions", "feedback")]


def test_not_scored_is_left_out_never_counted_as_a_middle_score() -> None:
    found = maturity.summarise(_frame(_everything(None, leverage=5), _everything(None, leverage=4,
                                                                                 tailoring=1))).set_index("dimension")
    assert found.loc["leverage", "mean"] == 4.5 and found.loc["leverage", "people"] == 2
    assert found.loc["tailoring", "people"] == 1 and found.loc["tailoring", "spread"] == 0
    nobody = found.loc["priority"]
    assert nobody["people"] == 0 and pd.isna(nobody["mean"]) and pd.isna(nobody["spread"])
    order = maturity.summarise(_frame(_everything(None, leverage=5)))["dimension"].tolist()
    assert order[0] == "leverage" and order[1:] == [c for c in CODES if c != "leverage"]  # unknown after scored


def test_a_person_who_scores_again_counts_once_with_their_last_scores() -> None:
    frame = pd.DataFrame({"scores": [_everything(1), _everything(5), _everything(3)],
                          "author": ["Ann", "Bob", "Ann"]})
    found = maturity.summarise(frame)
    assert found["people"].tolist() == [2] * 9
    assert found["mean"].tolist() == [4.0] * 9 and found["min"].tolist() == [3.0] * 9


def test_no_assessment_gives_an_empty_summary() -> None:
    found = maturity.summarise(pd.DataFrame({"scores": [], "author": []}))
    assert found.empty and list(found.columns) == list(maturity.SUMMARY_COLUMNS)


def test_two_dates_compared_give_the_change_per_dimension_in_the_decks_order() -> None:
    before = maturity.summarise(_frame(_everything(2, feedback=None)))
    after = maturity.summarise(_frame(_everything(3, decisions=1), _everything(4, decisions=2)))
    change = maturity.compare(before, after).set_index("dimension")
    assert change.index.tolist() == list(CODES)
    assert change.loc["tailoring", ["before", "after", "delta"]].tolist() == [2.0, 3.5, 1.5]
    assert change.loc["decisions", "delta"] == -0.5
    assert pd.isna(change.loc["feedback", "before"]) and pd.isna(change.loc["feedback", "delta"])
    empty = maturity.compare(maturity.summarise(pd.DataFrame()), after)
    assert empty["delta"].isna().all() and empty["after"].notna().all()


def test_valid_scores_come_back_in_the_decks_order_with_not_scored_as_none() -> None:
    given = {**_everything(2), "feedback": "not scored", "leverage": None, "decisions": "5", "planning": 4.0}
    checked = maturity.check_scores(dict(reversed(given.items())))
    assert list(checked) == list(CODES)
    assert checked["feedback"] is None and checked["leverage"] is None
    assert checked["decisions"] == 5 and checked["planning"] == 4 and isinstance(checked["planning"], int)


@pytest.mark.parametrize("bad", [0, 6, 3.5, "high", True, "", -1, float("nan")])
def test_a_score_off_the_scale_is_refused_naming_dimension_value_and_what_is_accepted(bad: object) -> None:
    with pytest.raises(InputError) as info:
        maturity.check_scores(_everything(3, planning=bad))  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith("One score cannot be saved:")
    assert f"Account planning (planning): {bad!r} is not a score" in message
    assert "Accepted for each dimension: a whole number from 1 (like the losers) to 5 (like the winners), or " \
           "'not scored'." in message
    assert [p.column for p in info.value.problems] == ["Account planning (planning)"]


def test_a_missing_or_unknown_dimension_is_refused() -> None:
    scores = {k: v for k, v in _everything(3).items() if k != "feedback"}
    with pytest.raises(InputError) as info:
        maturity.check_scores({**scores, "culture": 4})
    message = str(info.value)
    assert message.startswith("2 scores cannot be saved:")
    assert "Feedback loops (feedback): has no score" in message
    assert "culture: 4 is not a maturity dimension (they are: tailoring, priority," in message


def test_nothing_scored_at_all_is_refused() -> None:
    with pytest.raises(InputError, match="Every dimension is 'not scored': score at least one, 1 to 5"):
        maturity.check_scores(_everything(None))
    with pytest.raises(InputError, match="not as list"):
        maturity.check_scores([3] * 9)  # type: ignore[arg-type]
