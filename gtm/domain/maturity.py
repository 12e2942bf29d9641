"""Losers and winners in account management (docs/domain.md section 5): the nine dimensions a person scores, from the
losers' end (1) to the winners' end (5), and the summary of several people's scores. Pure: no storage, no Streamlit.

The dimensions, their phrasings, what winners do and the scale are data: data/maturity.json. A dimension a person
did not score is "not scored" (None): it is left out of the figures, never counted as a middle score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from gtm.domain.errors import InputError, Problem
from gtm.domain.rules import DATA_DIR, Example, load_rule_file

ORGANISATION = "organisation"  # the scope of the whole organisation; any other scope is a BU id
MATURITY_FILE = DATA_DIR / "maturity.json"
# The summary's columns, as the page, the deck and the exports read them.
SUMMARY_COLUMNS = ("dimension", "label", "losers", "winners", "winners_do", "mean", "min", "max", "people", "spread")
COMPARE_COLUMNS = ("dimension", "label", "before", "after", "delta")
Score = int | None  # None: not scored


class Dimension(BaseModel):
    """One dimension: a stable code, a short label, the losers' phrasing (the scale's low end), the winners'
    phrasing (its high end) and what winners do."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1, max_length=40)
    losers: str = Field(min_length=1)
    winners: str = Field(min_length=1)
    winners_do: str = Field(min_length=1)


class Scale(BaseModel):
    """The scale every dimension is scored on: whole numbers from ``low`` (losers) to ``high`` (winners)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: int = Field(ge=0)
    high: int
    low_label: str = Field(min_length=1)
    high_label: str = Field(min_length=1)
    not_scored_label: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.high <= self.low:
            raise ValueError(f"the scale's high end ({self.high}) must be above its low end ({self.low})")
        return self

    @property
    def points(self) -> tuple[int, ...]:
        """Every score, lowest first."""
        return tuple(range(self.low, self.high + 1))

    def accepted(self) -> str:
        """What a score may be, for error messages."""
        return f"a whole number from {self.low} ({self.low_label}) to {self.high} ({self.high_label}), or " \
               f"'{self.not_scored_label}'"


class ExampleInput(BaseModel):
    """An example's input: several people's scores (a dimension left out is not scored) and the dimension asked."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scores: tuple[dict[str, int | None], ...]
    dimension: str


class Figures(BaseModel):
    """An example's expected figures of one dimension, and its place in the weakest-first order (1 = weakest)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mean: float | None
    min: float | None
    max: float | None
    people: int
    spread: float | None
    rank: int


class MaturityRules(BaseModel):
    """data/maturity.json: the scale, the dimensions in the deck's order, example summaries (hit policy unique)."""

    RULE_NAME: ClassVar[str] = "maturity rules"
    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = Field(min_length=1)
    hit_policy: Literal["unique"]
    scale: Scale
    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    examples: tuple[Example[ExampleInput, Figures], ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> MaturityRules:
        for field in ("code", "label"):
            seen = [getattr(d, field) for d in self.dimensions]
            twice = sorted({x for x in seen if seen.count(x) > 1})
            if twice:
                raise ValueError(f"each dimension needs its own {field}; listed more than once: {', '.join(twice)}")
        return self

    @property
    def codes(self) -> tuple[str, ...]:
        """The dimensions' codes, in the deck's order."""
        return tuple(d.code for d in self.dimensions)

    def dimension(self, code: str) -> Dimension:
        """The dimension with this code; InputError naming the accepted codes otherwise."""
        for d in self.dimensions:
            if d.code == code:
                return d
        raise InputError(f"{code!r} is not a maturity dimension; accepted: {', '.join(self.codes)}")

    def run_example(self, value: ExampleInput) -> Figures:
        """The figures of one dimension in the summary of the example's scores."""
        frame = pd.DataFrame({"scores": list(value.scores), "author": [f"person {i}" for i in range(len(value.scores))]})
        found = summarise(frame, self)
        rank = found.index[found["dimension"] == value.dimension][0]
        row = found.loc[rank]

        def num(x: Any) -> float | None:
            return None if pd.isna(x) else round(float(x), 2)

        return Figures(mean=num(row["mean"]), min=num(row["min"]), max=num(row["max"]), people=int(row["people"]),
                       spread=num(row["spread"]), rank=int(rank) + 1)


def load_maturity(path: Path | str | None = None) -> MaturityRules:
    """Read and validate a maturity file (data/maturity.json by default); ConfigError naming the place and reason."""
    return load_rule_file(path or MATURITY_FILE, MaturityRules)


@cache
def default_maturity() -> MaturityRules:
    """The rules of data/maturity.json, read and validated on first use."""
    return load_maturity()


def dimensions() -> tuple[Dimension, ...]:
    """The nine dimensions, in the deck's order."""
    return default_maturity().dimensions


def scale() -> Scale:
    """The scale every dimension is scored on."""
    return default_maturity().scale


def _score(value: Any, sc: Scale) -> tuple[Score, bool]:
    """(the score, True) when ``value`` is one, else (None, False); None and the not-scored label are not scored."""
    if value is None:
        return None, True
    if isinstance(value, str):
        text = value.strip()
        if text.lower() == sc.not_scored_label.lower():
            return None, True
        if text.isdigit():
            value = int(text)
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return None, False
    if isinstance(value, float | np.floating) and (math.isnan(value) or not float(value).is_integer()):
        return None, False
    number = int(value)
    return (number, True) if sc.low <= number <= sc.high else (None, False)


def check_scores(scores: Mapping[str, Any], rules: MaturityRules | None = None) -> dict[str, Score]:
    """One person's scores as {dimension code: score or None (not scored)} in the deck's order.

    Every dimension must be there, scored on the scale or explicitly not scored, and at least one scored; an
    InputError names each dimension, its value and what is accepted.
    """
    rules = rules or default_maturity()
    sc = rules.scale
    if not isinstance(scores, Mapping):
        raise InputError(f"Scores are given per dimension ({', '.join(rules.codes)}), not as {type(scores).__name__}.")
    problems: list[Problem] = []
    lines: list[str] = []

    def refuse(where: str, value: Any, reason: str) -> None:
        problems.append(Problem(None, where, value, reason))
        lines.append(f"  - {where}: {reason}" if value is None else f"  - {where}: {value!r} {reason}")

    checked: dict[str, Score] = {}
    for d in rules.dimensions:
        if d.code not in scores:
            refuse(f"{d.label} ({d.code})", None, "has no score")
            continue
        score, ok = _score(scores[d.code], sc)
        if ok:
            checked[d.code] = score
        else:
            refuse(f"{d.label} ({d.code})", scores[d.code], "is not a score")
    for code in scores:
        if code not in rules.codes:
            refuse(str(code), scores[code], f"is not a maturity dimension (they are: {', '.join(rules.codes)})")
    if problems:
        head = "One score cannot be saved:" if len(problems) == 1 else f"{len(problems)} scores cannot be saved:"
        raise InputError("\n".join([head, *lines, f"Accepted for each dimension: {sc.accepted()}."]), problems)
    if all(v is None for v in checked.values()):
        raise InputError(f"Every dimension is '{sc.not_scored_label}': score at least one, {sc.low} to {sc.high}.")
    return checked


def _latest_per_person(assessments: pd.DataFrame) -> pd.DataFrame:
    """Each person's last assessment (rows are in the order saved): a person who scores again corrects their own.

    A person is their user id (``author_id``, their email) where one was kept: two people may share a display name.
    Rows written before ids were kept fall back to the name."""
    if "author" not in assessments:
        return assessments
    who = assessments["author"].astype(str)
    if "author_id" in assessments:
        who = ("id:" + assessments["author_id"].astype("string")).fillna("name:" + who).astype(str)
    return assessments[~who.duplicated(keep="last").to_numpy()]


def score_table(assessments: pd.DataFrame, rules: MaturityRules | None = None) -> pd.DataFrame:
    """The ``scores`` column (dicts) as one float column per dimension code, NaN where not scored."""
    rules = rules or default_maturity()
    records = [s if isinstance(s, Mapping) else {} for s in assessments["scores"]]
    table = pd.DataFrame.from_records(records, index=assessments.index, columns=list(rules.codes))
    numbers: pd.DataFrame = table.apply(pd.to_numeric, errors="coerce").astype("float64")
    return numbers


def summarise(assessments: pd.DataFrame, rules: MaturityRules | None = None) -> pd.DataFrame:
    """Per dimension the mean, lowest, highest, people who scored it and spread (highest - lowest), weakest first.

    ``assessments``: one scope on one date, rows in the order saved, with ``scores`` (dicts) and ``author``; each
    person's last row counts. Ties: the wider spread first, then the deck's order; unscored dimensions come last.
    Empty input gives an empty frame (SUMMARY_COLUMNS).
    """
    rules = rules or default_maturity()
    if assessments.empty:
        return pd.DataFrame(columns=list(SUMMARY_COLUMNS))
    table = score_table(_latest_per_person(assessments), rules)
    stats = pd.DataFrame({"mean": table.mean(), "min": table.min(), "max": table.max(),
                          "people": table.count().astype("int64")})
    stats["spread"] = stats["max"] - stats["min"]
    text = pd.DataFrame([d.model_dump() for d in rules.dimensions]).rename(columns={"code": "dimension"})
    out = text.join(stats, on="dimension")
    out["order"] = range(len(out))
    out = out.sort_values(["mean", "spread", "order"], ascending=[True, False, True], na_position="last",
                          kind="stable")
    return out[list(SUMMARY_COLUMNS)].reset_index(drop=True)


def compare(before: pd.DataFrame, after: pd.DataFrame, rules: MaturityRules | None = None) -> pd.DataFrame:
    """Two summaries side by side in the deck's order: the mean before, after and the change (after - before);
    unknown on either side leaves the change unknown."""
    rules = rules or default_maturity()
    out = pd.DataFrame({"dimension": list(rules.codes), "label": [d.label for d in rules.dimensions]})
    for name, summary in (("before", before), ("after", after)):
        means = summary.set_index("dimension")["mean"] if not summary.empty else pd.Series(dtype="float64")
        out[name] = out["dimension"].map(means).astype("float64")
    out["delta"] = out["after"] - out["before"]
    return out[list(COMPARE_COLUMNS)]


def weakest(summary: pd.DataFrame, n: int = 3) -> Sequence[str]:
    """The labels of the ``n`` weakest scored dimensions of a summary."""
    return summary.loc[summary["people"] > 0, "label"].head(n).tolist()
