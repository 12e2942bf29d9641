"""Deal outcomes: whether an opportunity is open, won or lost, read from what a CRM export says (data/stages.json).

A lost deal is no longer at stake: it carries no fit and weighs nothing in a recommendation. A won deal is business
already done: it weighs beside the open pipeline with the workspace's won-deal weight (docs/domain.md §3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gtm.domain.errors import Problem
from gtm.domain.rules import DATA_DIR, Example, load_rule_file
from gtm.domain.vocabulary import normalise
from gtm.domain.words import read_bools

Outcome = Literal["open", "won", "lost"]
OUTCOMES: tuple[Outcome, ...] = ("open", "won", "lost")
OUTCOME_LABELS: dict[str, str] = {"open": "Open", "won": "Won", "lost": "Lost"}
OUTCOME_DTYPE = pd.CategoricalDtype(list(OUTCOMES))
# How an outcome was read, strongest first; "unsaid": closed, but nothing says won or lost (a problem).
How = Literal["mapping", "outcome", "flags", "stage", "probability", "none", "unsaid"]
HOW_WORDS: dict[str, str] = {
    "mapping": "your stage mapping",
    "outcome": "the file's outcome column",
    "flags": "the file's Won / Closed columns",
    "stage": "a word of the stage",
    "probability": "the probability (0 % lost, 100 % won)",
    "none": "nothing says it is closed",
    "unsaid": "closed, won or lost not said",
}
ACCEPTED = "accepted: open, won or lost"


def parse_outcome(value: object) -> Outcome:
    """An outcome as a person writes it (any case, spaces): open, won or lost; ValueError otherwise."""
    folded = normalise(value)
    if folded not in OUTCOMES:
        raise ValueError(f"{value!r} is not an outcome; {ACCEPTED}")
    return folded


class OutcomeInput(BaseModel):
    """An example row: the cells a CRM export may hold about a deal's outcome, and a person's stage mapping."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: str | None = None
    probability: float | None = None
    won: str | None = None
    closed: str | None = None
    outcome: str | None = None
    mapping: dict[str, str] = Field(default_factory=dict)


class OutcomeReading(BaseModel):
    """What an example row reads as: the outcome (None: it cannot be read) and how."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    outcome: Outcome | None
    how: How


class StageWords(BaseModel):
    """The validated content of data/stages.json: the words that say a deal is open, won or lost (hit policy:
    unique)."""

    RULE_NAME: ClassVar[str] = "stage words"
    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    hit_policy: Literal["unique"]
    open: tuple[str, ...] = Field(min_length=1)
    won: tuple[str, ...] = Field(min_length=1)
    lost: tuple[str, ...] = Field(min_length=1)
    examples: tuple[Example[OutcomeInput, OutcomeReading], ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> StageWords:
        seen: dict[str, str] = {}
        for outcome in OUTCOMES:
            for phrase in getattr(self, outcome):
                key = normalise(phrase)
                if not key:
                    raise ValueError(f"{outcome}: {phrase!r} has no letters or digits")
                if seen.get(key, outcome) != outcome:
                    raise ValueError(f"{phrase!r} is listed both as {seen[key]} and as {outcome}; keep it in one list")
                seen[key] = outcome
        return self

    @cached_property
    def _phrases(self) -> tuple[tuple[str, Outcome], ...]:
        return tuple((f" {normalise(p)} ", o) for o in OUTCOMES for p in getattr(self, o))

    def says(self, text: object) -> Outcome | None:
        """The one outcome the words of ``text`` say (whole words, folded), or None when they say none or two."""
        if text is None or (isinstance(text, float) and np.isnan(text)):
            return None
        padded = f" {normalise(text)} "
        said = {o for p, o in self._phrases if p in padded}
        return said.pop() if len(said) == 1 else None

    def run_example(self, value: OutcomeInput) -> OutcomeReading:
        """How one example row reads."""
        index = pd.Index([2])

        def cells(text: str | None) -> pd.Series | None:
            return None if text is None else pd.Series([text], index=index, dtype=object)

        read = read_outcomes(index, stage=cells(value.stage),
                             probability=None if value.probability is None else np.array([value.probability]),
                             won=cells(value.won), closed=cells(value.closed), outcome=cells(value.outcome),
                             mapping=value.mapping, words=self)
        found = read.outcome.iloc[0]
        return OutcomeReading(outcome=None if found is None else found, how=read.how.iloc[0])


def load_stage_words(path: Path | str | None = None) -> StageWords:
    """Read and validate a stage words file (data/stages.json by default); raises ConfigError naming the fault."""
    return load_rule_file(path or DATA_DIR / "stages.json", StageWords)


@cache
def default_stage_words() -> StageWords:
    """The words of data/stages.json, read and validated on first use."""
    return load_stage_words()


class StageMapping(BaseModel):
    """A person's stage -> outcome mapping (keys as the file writes the stage; matched folded)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stages: dict[str, Outcome] = Field(default_factory=dict)

    @field_validator("stages", mode="before")
    @classmethod
    def _fold(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): parse_outcome(v) for k, v in value.items()}
        return value


@dataclass(frozen=True)
class Outcomes:
    """Each row's outcome (None where it cannot be read: see ``problems``) and how it was read (HOW_WORDS)."""

    outcome: pd.Series
    how: pd.Series
    problems: list[Problem]


def _per_distinct(series: pd.Series, read: Any) -> np.ndarray:
    """``read`` of each distinct value of ``series``, spread back over its rows (None for a missing cell)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    table = np.array([*(read(u) for u in uniques), None], dtype=object)
    return np.asarray(table[codes])


def read_outcomes(index: pd.Index, *, stage: pd.Series | None = None, probability: np.ndarray | None = None,
                  won: pd.Series | None = None, closed: pd.Series | None = None, outcome: pd.Series | None = None,
                  mapping: Mapping[str, str] | None = None, words: StageWords | None = None,
                  headers: Mapping[str, str] | None = None) -> Outcomes:
    """Each row's outcome, read in order from: a person's ``mapping`` of stages, the ``outcome`` column, the ``won`` /
    ``closed`` columns (yes/no cells), the ``stage``'s words, a ``probability`` of 0 (lost) or 100 (won); else open.

    Columns the file lacks are None. A row marked closed whose file says neither won nor lost, won but not closed, or
    an outcome cell that is no outcome, is a Problem naming the row, the column (``headers``: field -> the file's
    header) and the value; its outcome is None. Only distinct stages and cells are looked up.
    """
    words = words or default_stage_words()
    headers = headers or {}
    n = len(index)
    result = np.full(n, None, dtype=object)
    how = np.full(n, "none", dtype=object)
    decided = np.zeros(n, dtype=bool)
    problems: list[Problem] = []

    def decide(mask: np.ndarray, values: np.ndarray | str, by: str) -> None:
        take = mask & ~decided
        result[take] = values[take] if isinstance(values, np.ndarray) else values
        how[take] = by
        decided[take] = True

    if mapping and stage is not None:
        mapped = {normalise(k): parse_outcome(v) for k, v in mapping.items()}
        said = _per_distinct(stage, lambda s: mapped.get(normalise(s)))
        decide(pd.notna(said), said, "mapping")
    if outcome is not None:
        text = outcome.astype("string").str.strip()
        cells = _per_distinct(text.mask(text == ""), lambda v: words.says(v) or "?")
        bad = cells == "?"
        problems += [Problem(r, headers.get("outcome", "outcome"), v, f"is not an outcome; {ACCEPTED}")
                     for r, v in outcome[bad & ~decided].items()]
        decide(pd.notna(cells) & ~bad, cells, "outcome")
    unsaid = np.zeros(n, dtype=bool)
    if won is not None or closed is not None:
        flags = _flags(index, won, closed, headers, problems)
        is_won, is_closed, unreadable = flags
        contradiction = (is_won == 1) & (is_closed == 0) & ~decided
        problems += [Problem(r, headers.get("closed", "closed"), "no",
                             f"says the deal is not closed while {headers.get('won', 'won')} says it was won; "
                             "correct one of them") for r in index[contradiction]]
        decided |= contradiction | unreadable
        how[contradiction | unreadable] = "unsaid"
        decide(is_won == 1, "won", "flags")
        decide(is_closed == 0, "open", "flags")
        decide((is_closed == 1) & (is_won == 0), "lost", "flags")
        unsaid = (is_closed == 1) & ~decided  # closed, won not said: the stage or the probability must say which
    if stage is not None:
        said = _per_distinct(stage, words.says)
        decide(pd.notna(said) & ~(unsaid & (said == "open")), said, "stage")
    if probability is not None:
        p = np.asarray(probability, dtype=float)
        decide(p == 0, "lost", "probability")
        decide(p == 100, "won", "probability")
    left = unsaid & ~decided
    if left.any():
        column = headers.get("closed", "closed")
        problems += [Problem(r, column, "yes", "says the deal is closed, but neither the file's won column, its stage "
                                               "nor its probability says whether it was won or lost; add the won "
                                               "column (IsWon), or map its stage to won or lost")
                     for r in index[left]]
        how[left] = "unsaid"
        decided |= left
    decide(~decided, "open", "none")
    return Outcomes(pd.Series(result, index=index, dtype=object), pd.Series(how, index=index, dtype=object), problems)


def _flags(index: pd.Index, won: pd.Series | None, closed: pd.Series | None, headers: Mapping[str, str],
           problems: list[Problem]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The won and closed columns as 1 (yes), 0 (no) or -1 (blank or absent), and the rows with an unreadable cell."""
    out = []
    unreadable = np.zeros(len(index), dtype=bool)
    for field, series in (("won", won), ("closed", closed)):
        if series is None:
            out.append(np.full(len(index), -1, dtype=np.int8))
            continue
        values, found = read_bools(series, headers.get(field, field))
        problems += found
        unreadable |= index.isin([p.row for p in found])
        out.append(np.where(values.isna().to_numpy(), -1, values.fillna(False).to_numpy(dtype=bool)).astype(np.int8))
    return out[0], out[1], unreadable


def stage_table(stage: pd.Series | None, outcome: pd.Series, how: pd.Series,
                value: pd.Series | None = None) -> pd.DataFrame:
    """Each distinct stage with the outcome read, how, and its count (and value): what the import preview shows a
    person so that they can change it. A stage written several ways that fold alike is one row, under its first
    spelling; a blank stage is shown as None."""
    frame = pd.DataFrame({"stage": stage if stage is not None else pd.Series(None, index=outcome.index, dtype=object),
                          "outcome": outcome, "how": how,
                          "value": value if value is not None else np.nan}, index=outcome.index)
    frame["key"] = _per_distinct(frame["stage"], normalise)
    frame["key"] = frame["key"].fillna("")
    first = frame.drop_duplicates("key").set_index("key")["stage"]
    grouped = (frame.assign(outcome=frame["outcome"].fillna(""))
               .groupby(["key", "outcome", "how"], sort=False, dropna=False)
               .agg(opportunities=("how", "size"), value=("value", "sum")).reset_index())
    stages = grouped["key"].map(first).astype(object)
    grouped["stage"] = stages.where(stages.notna(), None)
    grouped["outcome"] = grouped["outcome"].replace("", None)
    grouped = grouped.sort_values(["opportunities", "key"], ascending=[False, True], kind="stable")
    return grouped[["stage", "outcome", "how", "opportunities", "value"]].reset_index(drop=True)


def is_outcome(frame: pd.DataFrame, outcome: Outcome) -> np.ndarray:
    """True for every opportunity whose outcome is ``outcome``; a frame without an outcome column holds open deals
    only."""
    if "outcome" not in frame:
        return np.full(len(frame), outcome == "open", dtype=bool)
    column = frame["outcome"]
    if isinstance(column.dtype, pd.CategoricalDtype):  # compared on the codes: a million rows in a millisecond
        categories = list(column.cat.categories)
        if outcome not in categories:
            return np.zeros(len(frame), dtype=bool)
        return np.asarray(column.cat.codes.to_numpy() == categories.index(outcome), dtype=bool)
    return np.asarray((column == outcome).to_numpy(dtype=bool, na_value=False), dtype=bool)


def in_play(frame: pd.DataFrame) -> np.ndarray:
    """True for every opportunity still at stake (open or won); False for a lost one. A frame without an outcome
    column holds no lost deal."""
    return ~is_outcome(frame, "lost")


def lost(frame: pd.DataFrame) -> np.ndarray:
    """True for every lost opportunity."""
    return ~in_play(frame)


# The won-deal weight: how much a won deal's amount weighs in the recommendation beside the open pipeline's expected
# value. A workspace setting (gtm.services.outcomes), said on every page that uses it.
WON_WEIGHT_DEFAULT = 0.5
WON_WEIGHT_RANGE = (0.0, 1.0)


def won_weight_sentence(weight: float) -> str:
    """The won-deal weight in words, for the pages and the notes beside expected values."""
    return (f"a won deal weighs {weight:.0%} of its amount (the workspace's won-deal weight: business already done "
            "says what the relationship is), and a lost deal nothing")
