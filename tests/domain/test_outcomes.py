"""Deal outcomes read from what CRM exports say: stages, IsWon / IsClosed, probabilities, a person's mapping."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples  # tests/hypothesis_budget.py: fewer in CI, all when thorough

from gtm.domain.errors import ConfigError
from gtm.domain.outcomes import (
    StageMapping,
    default_stage_words,
    load_stage_words,
    read_outcomes,
    stage_table,
)
from gtm.domain.vocabulary import normalise


def read(stages: list[str | None], probability: list[float] | None = None, **columns: list[str | None]):
    index = pd.RangeIndex(2, 2 + len(stages))
    series = {k: pd.Series(v, index=index, dtype=object) for k, v in columns.items() if k != "mapping"}
    return read_outcomes(index, stage=pd.Series(stages, index=index, dtype=object),
                         probability=None if probability is None else np.array(probability, dtype=float), **series)


@pytest.mark.parametrize("stage, outcome", [
    ("Closed Won", "won"), ("Closed Lost", "lost"), ("closedwon", "won"), ("closedlost", "lost"),
    ("Won", "won"), ("Lost", "lost"), ("Closed - Won", "won"), ("Closed/Lost", "lost"),
    ("Closed Won (Signed)", "won"), ("CLOSED  LOST", "lost"), ("Prospecting", "open"), ("appointmentscheduled", "open"),
    ("Winter promotion", "open"),  # 'win' is a whole word only
])
def test_salesforce_hubspot_and_common_stage_words(stage: str, outcome: str) -> None:
    read_ = read([stage])
    assert read_.outcome.tolist() == [outcome] and not read_.problems
    assert read_.how.tolist() == ["stage" if outcome != "open" else "none"]


def test_a_probability_of_0_or_100_decides_only_where_the_stage_says_nothing() -> None:
    got = read(["Negotiation", "Proposal", "Proposal", "Closed Won", "Closed Lost", None],
               [0, 100, 40, 0, 100, 100])
    assert got.outcome.tolist() == ["lost", "won", "open", "won", "lost", "won"]
    assert got.how.tolist() == ["probability", "probability", "none", "stage", "stage", "probability"]


def test_the_won_and_closed_columns_win_over_the_stage() -> None:
    got = read(["Closed Won", "Negotiation", "Negotiation", "Closed Lost"], [100, 10, 10, 0],
               won=["false", "yes", "", ""], closed=["true", "yes", "no", ""])
    assert got.outcome.tolist() == ["lost", "won", "open", "lost"]
    assert got.how.tolist() == ["flags", "flags", "flags", "stage"]


def test_closed_without_won_or_lost_is_a_problem_naming_row_column_and_value() -> None:
    index = pd.RangeIndex(2, 4)
    got = read_outcomes(index, stage=pd.Series(["Closed", "Closed Won"], index=index),
                        closed=pd.Series(["x", "x"], index=index), headers={"closed": "IsClosed"})
    assert got.outcome.tolist() == [None, "won"]
    (problem,) = got.problems
    assert (problem.row, problem.column, problem.value) == (2, "IsClosed", "yes")
    assert "won or lost" in problem.reason and "map its stage" in problem.reason


def test_an_unreadable_won_cell_or_outcome_is_a_problem_never_a_guess() -> None:
    got = read(["Proposal", "Proposal"], won=["maybe", "no"], outcome=[None, "pending"])
    assert got.outcome.iloc[0] is None  # the row is rejected with its problem
    reasons = {(p.row, p.column, p.value) for p in got.problems}
    assert (2, "won", "maybe") in reasons and (3, "outcome", "pending") in reasons


def test_a_persons_mapping_wins_over_every_word_and_column() -> None:
    index = pd.RangeIndex(2, 5)
    got = read_outcomes(index, stage=pd.Series(["Closed Won", "Closed won ", "Verbal"], index=index),
                        won=pd.Series(["yes", "yes", "no"], index=index),
                        mapping={"closed won": "lost", "VERBAL": "won"})
    assert got.outcome.tolist() == ["lost", "lost", "won"]
    assert set(got.how) == {"mapping"}


def test_a_mapping_says_open_won_or_lost_and_nothing_else() -> None:
    assert StageMapping(stages={"Booked": " WON "}).stages == {"Booked": "won"}
    with pytest.raises(ValueError, match="not an outcome"):
        StageMapping(stages={"Booked": "maybe"})


def test_the_stage_table_counts_each_distinct_stage_with_its_outcome_and_how() -> None:
    got = read(["Closed Lost", "closed lost", "Proposal", "Proposal", "Negotiation", None], [0, 0, 40, 50, 0, 100])
    table = stage_table(pd.Series(["Closed Lost", "closed lost", "Proposal", "Proposal", "Negotiation", None],
                                  index=got.outcome.index), got.outcome, got.how,
                        pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], index=got.outcome.index))
    rows = {(r.stage, r.outcome, r.how): (r.opportunities, r.value) for r in table.itertuples()}
    assert rows == {("Closed Lost", "lost", "stage"): (2, 3.0), ("Proposal", "open", "none"): (2, 7.0),
                    ("Negotiation", "lost", "probability"): (1, 5.0), (None, "won", "probability"): (1, 6.0)}


def test_a_phrase_in_two_lists_is_refused_at_load(tmp_path) -> None:
    import json

    from gtm.domain.rules import DATA_DIR

    raw = json.loads((DATA_DIR / "stages.json").read_text(encoding="utf-8"))
    raw["lost"].append("Closed-Won")
    path = tmp_path / "stages.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="listed both as won and as lost"):
        load_stage_words(path)


WORDS = default_stage_words()
stage_text = st.one_of(st.none(), st.sampled_from(["Closed Won", "closedlost", "Proposal", "Won", "Lost", "Qualify",
                                                   "Closed", "Open", "Booked", "dead deal"]),
                       st.text(max_size=12))
probabilities = st.one_of(st.none(), st.sampled_from([0.0, 100.0]), st.floats(0, 100))


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.tuples(stage_text, probabilities), min_size=1, max_size=30))
def test_the_column_reading_equals_reading_each_row_alone(rows: list[tuple[str | None, float | None]]) -> None:
    stages = [s for s, _ in rows]
    probs = [np.nan if p is None else p for _, p in rows]
    together = read(stages, probs)
    for i, (s, p) in enumerate(rows):
        alone = read([s], [np.nan if p is None else p])
        assert (together.outcome.iloc[i], together.how.iloc[i]) == (alone.outcome.iloc[0], alone.how.iloc[0])


@settings(max_examples=examples(200), deadline=None)
@given(stage_text, probabilities)
def test_the_stage_decides_before_the_probability_and_every_row_gets_an_outcome(stage: str | None,
                                                                                 p: float | None) -> None:
    got = read([stage], [np.nan if p is None else p])
    said = WORDS.says(stage)
    assert got.outcome.iloc[0] in ("open", "won", "lost") and not got.problems
    if said is not None:
        assert (got.outcome.iloc[0], got.how.iloc[0]) == (said, "stage")
    elif p in (0.0, 100.0):
        assert (got.outcome.iloc[0], got.how.iloc[0]) == ("lost" if p == 0 else "won", "probability")
    else:
        assert (got.outcome.iloc[0], got.how.iloc[0]) == ("open", "none")


@settings(max_examples=100, deadline=None)
@given(stage_text.filter(lambda s: bool(s) and bool(normalise(s))),
       st.sampled_from(["open", "won", "lost"]), probabilities)
def test_a_mapped_stage_always_reads_as_mapped(stage: str, outcome: str, p: float | None) -> None:
    index = pd.RangeIndex(2, 3)
    got = read_outcomes(index, stage=pd.Series([stage], index=index), mapping={f"  {stage} ": outcome},
                        probability=np.array([np.nan if p is None else p]))
    assert (got.outcome.iloc[0], got.how.iloc[0]) == (outcome, "mapping")
