"""The diagnosis table's parts: signals and how each type is read, the facts per account, conditions, rules,
the product family mappings and an example's expected output (gtm.domain.diagnose runs them)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gtm.domain import patterns
from gtm.domain import vocabulary as vocab
from gtm.domain.errors import Problem
from gtm.domain.vocabulary import Nature, normalise
from gtm.domain.words import read_bools

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt,
}


def _as_bool(series: pd.Series, column: str) -> tuple[np.ndarray, list[Problem]]:
    """Yes/no words (data/words.json); blank reads as not signalled."""
    values, problems = read_bools(series, column)
    return values.fillna(False).to_numpy(dtype=bool), problems


def _to_numbers(series: pd.Series) -> np.ndarray:
    """Cells as floats (NaN where not a number); text with few distinct values is parsed once per value."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    head = series.iloc[:10_000]
    if len(series) > 20_000 and head.nunique() * 4 > len(head):  # mostly distinct (amounts): parse them all
        return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if len(uniques) * 4 < len(series):
        parsed = pd.to_numeric(pd.Series(uniques.astype(object)), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        out: np.ndarray = np.append(parsed, np.nan)[codes]
        return out
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _as_int(series: pd.Series, column: str) -> tuple[np.ndarray, list[Problem]]:
    """Whole numbers >= 0; blank reads as 0. Each distinct cell is parsed and checked once."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    cells = pd.Series(uniques.astype(object), dtype=object)
    vals = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    blank = (cells.astype(str).str.strip() == "").to_numpy()
    with np.errstate(invalid="ignore"):
        bad_unique = (np.isnan(vals) & ~blank) | (vals < 0) | (~np.isnan(vals) & (vals != np.round(vals)))
    bad = np.append(bad_unique, False)[codes]
    problems = [Problem(r, column, v, "is not a whole number >= 0") for r, v in series[bad].items()]
    return np.nan_to_num(np.append(vals, np.nan)[codes], nan=0.0), problems


@dataclass(frozen=True)
class SignalType:
    """How a signal type is read from a column, and what an absent column reads as."""

    read: Callable[[pd.Series, str], tuple[np.ndarray, list[Problem]]]
    absent: bool | float


# One line per signal type: a new signal of an existing type needs only an edit to data/diagnosis.json.
SIGNAL_TYPES: dict[str, SignalType] = {
    "bool": SignalType(_as_bool, False),
    "int": SignalType(_as_int, 0.0),
}


class Signal(BaseModel):
    """A column the diagnosis reads: its type, meaning, the headers that name it and an example cell."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: str
    description: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    example: str

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in SIGNAL_TYPES:
            raise ValueError(f"signal type {value!r} is not one of: {', '.join(SIGNAL_TYPES)}")
        return value


Fact = Literal["account_bu_count", "account_family_count", "account_value_share", "deal_size"]
FACTS: dict[str, str] = {
    "account_bu_count": "how many distinct business units have opportunities at the same account (a BU comes from "
                        "the opportunity's BU, else from its product family through the product family -> BU mapping)",
    "account_family_count": "how many distinct product families have opportunities at the same account",
    "account_value_share": "the opportunity's share of its account's total value, from 0 to 1",
    "deal_size": "the opportunity's amount (in the reporting currency when one is known)",
}
# Facts about the account an opportunity belongs to, not about the opportunity itself: a rule on them alone would give
# every opportunity of such an account one nature (docs/domain.md section 3), so it needs a condition on the deal too.
ACCOUNT_FACTS = ("account_bu_count", "account_family_count", "account_value_share")
NumberOp = Literal["==", "!=", ">=", ">", "<=", "<"]
TextOp = Literal["equals", "one_of", "contains_word", "matches"]
_TEXT_OPS = ("equals", "one_of", "contains_word", "matches")


class Condition(BaseModel):
    """One test on a signal, on any imported column, or on a fact derived per account.

    signal/fact: a number compare (``bu_count >= 2``). column: equals, one_of, contains_word (whole words or
    phrases, any case and punctuation), matches (a regular expression, any case, run by RE2 in linear time: no
    backreferences or lookaround, at most 300 characters), or a number compare.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    signal: str | None = None
    column: str | None = None
    fact: Fact | None = None
    op: NumberOp | TextOp
    value: bool | int | float | str | tuple[str, ...]

    @model_validator(mode="after")
    def _check(self) -> Condition:
        given = [k for k in ("signal", "column", "fact") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a condition names exactly one of: signal, column, fact")
        if self.op in _TEXT_OPS:
            if self.column is None:
                raise ValueError(f"'{self.op}' compares text: use it on a column, not a {given[0]}")
            if self.op == "one_of" and not (isinstance(self.value, tuple) and self.value):
                raise ValueError("'one_of' needs a list of values")
            if self.op in ("equals", "matches") and not isinstance(self.value, str):
                raise ValueError(f"'{self.op}' needs a text value")
            if self.op == "contains_word" and not (isinstance(self.value, str) or (isinstance(self.value, tuple)
                                                                                    and self.value)):
                raise ValueError("'contains_word' needs a word or a list of words")
            if self.op == "matches":
                try:
                    patterns.check(str(self.value))
                except patterns.PatternError as exc:
                    raise ValueError(str(exc)) from None
        elif isinstance(self.value, (str, tuple)):
            raise ValueError(f"'{self.op}' compares numbers: give a number (or true/false for a yes/no signal)")
        return self

    @property
    def subject(self) -> str:
        """What the condition tests, for people: the signal, column or fact name."""
        return str(self.signal or self.column or self.fact)

    def narrows_the_deal(self, signals: Mapping[str, Signal]) -> bool:
        """Whether the condition tests the opportunity itself (a signal, a column or deal_size) and fails for an
        opportunity the file says nothing about: ``bu_count == 0`` holds where the column is absent, so it does not
        narrow anything down."""
        if self.fact in ACCOUNT_FACTS:
            return False
        if self.signal is not None:
            absent = SIGNAL_TYPES[signals[self.signal].type].absent if self.signal in signals else None
            return absent is None or not bool(_OPS[self.op](absent, self.value))
        return self.op != "!="  # a blank cell or amount is NaN: every compare fails but "is not"


class Rule(BaseModel):
    """One row of the decision table: when every condition holds, the nature is ``nature`` (None: not yet diagnosed)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    nature: Nature | None
    when: tuple[Condition, ...]
    wording: str = Field(min_length=1)


class Mappings(BaseModel):
    """Product family -> BU and product family -> nature, keyed by normalised family name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    family_bu: dict[str, str] = Field(default_factory=dict)
    family_nature: dict[str, Nature] = Field(default_factory=dict)

    @classmethod
    def from_rows(cls, family_bu: Iterable[tuple[str, str]] = (),
                  family_nature: Iterable[tuple[str, str]] = ()) -> Mappings:
        """Build from (family, BU) and (family, nature) pairs as people write them; natures by code or label."""
        natures: dict[str, Nature] = {}
        for family, nature in family_nature:
            term = vocab.NATURES.parse(nature, "nature")
            natures[normalise(family)] = Nature(term.code)
        return cls(family_bu={normalise(f): str(b).strip() for f, b in family_bu}, family_nature=natures)


FAMILY_RULE = "product-family-map"


def mapping_reason(family: str, nature: str) -> str:
    """Why a mapped opportunity has its nature: the row of the product family -> nature mapping that decided."""
    return f"The product family -> nature mapping maps '{family}' to {vocab.NATURES.label(nature)}."


class Diagnosed(BaseModel):
    """An example output: the nature diagnosed and the id of the rule that fired."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nature: Nature | None
    rule: str
