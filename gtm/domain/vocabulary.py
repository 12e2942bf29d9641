"""The ordered vocabularies (natures, approaches, fits), loaded lazily, once, from data/vocabulary.json.

The codes are typed (``Nature``, ``Approach``, ``Fit``) so that a typo is a type error; the file keeps labels,
ranks, aliases and short labels, and must list exactly these codes in rank order.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache, cached_property
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count
from gtm.domain.rules import DATA_DIR, Example, load_rule_file

__all__ = ["DATA_DIR", "Approach", "Fit", "Nature", "Term", "Vocabularies", "Vocabulary", "default_vocabularies",
           "load_vocabularies", "normalise"]

_NON_WORD = re.compile(r"[\W_]+")


class Nature(StrEnum):
    """Opportunity natures, lightest scope first (docs/domain.md section 1)."""

    INFO_EXCHANGE = "info_exchange"
    QUALIFICATION = "qualification"
    CROSS_SELL = "cross_sell"
    COORDINATED_STRATEGY = "coordinated_strategy"
    TECHNICAL_SOLUTION = "technical_solution"
    TURNKEY = "turnkey"


class Approach(StrEnum):
    """GTM approaches, lightest structure first (docs/domain.md section 1)."""

    TRADITIONAL_SALES = "traditional_sales"
    COORDINATED_INCENTIVES = "coordinated_incentives"
    LEAD_UNIT = "lead_unit"
    OVERLAY_ADVISORY = "overlay_advisory"
    OVERLAY_SIGNING = "overlay_signing"
    COMMON_FRONT_END = "common_front_end"
    MARKET_BU = "market_bu"


class Fit(StrEnum):
    """The fit of an approach to a nature; the order is the matrix's fit codes 0, 1, 2."""

    REALISTIC = "realistic"
    OVERKILL = "overkill"
    INSUFFICIENT = "insufficient"


def normalise(text: object) -> str:
    """Fold a label for matching: lower case, punctuation and runs of spaces become one space."""
    return _NON_WORD.sub(" ", str(text).lower()).strip()


def _blank(value: Any) -> bool:
    """True for a missing cell or one holding only spaces or punctuation."""
    return bool(pd.isna(value)) or normalise(value) == ""


class Term(BaseModel):
    """One entry of a vocabulary: a stable code, the label people see, a rank (1 = lightest)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    rank: int = Field(ge=1)
    short: str | None = None
    meaning: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def short_label(self) -> str:
        """A compact label for chart axes; the full label when none is given."""
        return self.short or self.label


class Vocabulary(BaseModel):
    """An ordered set of terms; parses codes, labels and aliases whatever their case and spacing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    terms: tuple[Term, ...]

    @model_validator(mode="after")
    def _check(self) -> Vocabulary:
        ranks = [t.rank for t in self.terms]
        if sorted(ranks) != list(range(1, len(ranks) + 1)):
            raise ValueError(f"{self.name}: ranks must be 1..{len(ranks)} once each, got {ranks}")
        if [t.rank for t in self.terms] != sorted(ranks):
            raise ValueError(f"{self.name}: list the terms lightest first (by rank)")
        seen: dict[str, str] = {}
        for term in self.terms:
            for key in (term.code, term.label, *term.aliases):
                k = normalise(key)
                if k in seen and seen[k] != term.code:
                    raise ValueError(
                        f"{self.name}: '{key}' would mean both '{seen[k]}' and '{term.code}'"
                    )
                seen[k] = term.code
        return self

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """Codes, lightest first."""
        return tuple(t.code for t in self.terms)

    @cached_property
    def labels(self) -> tuple[str, ...]:
        """Labels, lightest first."""
        return tuple(t.label for t in self.terms)

    @cached_property
    def dtype(self) -> pd.CategoricalDtype:
        """An ordered categorical dtype whose categories are the codes, lightest first."""
        return pd.CategoricalDtype(list(self.codes), ordered=True)

    @cached_property
    def _lookup(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for i, term in enumerate(self.terms):
            for key in (term.code, term.label, *term.aliases):
                out[normalise(key)] = i
        return out

    def __len__(self) -> int:
        return len(self.terms)

    def term(self, code: str) -> Term:
        """The term with this exact code."""
        return self.terms[self.codes.index(code)]

    def label(self, code: str) -> str:
        """The label of a code."""
        return self.term(code).label

    def accepted(self) -> str:
        """A short description of what is accepted, for error messages."""
        return "one of: " + "; ".join(f"{t.code} ({t.label})" for t in self.terms)

    def find(self, value: object) -> int | None:
        """The 0-based index of a code, label or alias, or None when it is not recognised."""
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        return self._lookup.get(normalise(value))

    def parse(self, value: object, column: str | None = None) -> Term:
        """The term named by a code, label or alias; raises InputError naming what is accepted."""
        i = self.find(value)
        if i is None:
            raise InputError(
                f"{value!r} is not a known {self.name}; accepted: {self.accepted()}",
                [Problem(None, column, value, f"unknown {self.name}")],
            )
        return self.terms[i]

    def indices(self, series: pd.Series, column: str) -> np.ndarray:
        """0-based rank index per row (int8). Vectorised: only distinct values are parsed.

        Raises InputError naming the column, the first offending rows and values, and
        what is accepted.
        """
        exact = self._exact_codes(series)
        if exact is not None:
            return exact
        if isinstance(series.dtype, pd.CategoricalDtype):
            codes = series.cat.codes.to_numpy()
            uniques = series.cat.categories
        else:
            codes, uniques = pd.factorize(series, use_na_sentinel=True)
        # The extra -1 at the end makes the missing-value sentinel (-1) map to -1.
        table = np.array([self._index_or_minus_one(u) for u in uniques] + [-1], dtype=np.int8)
        out = table[codes]
        if (out < 0).any():
            bad = np.flatnonzero(out < 0)
            values = series.iloc[bad[:5]]
            problems = [
                Problem(row, column, None if _blank(v) else v,
                        f"is empty; expected a {self.name}" if _blank(v) else f"is not a known {self.name}")
                for row, v in values.items()
            ]
            raise InputError.from_problems(
                f"Column '{column}': {count(len(bad), 'row')} with no recognised {self.name}. "
                f"Accepted ({self.name} code, label, any case, or an obvious variant): {self.accepted()}",
                problems,
            )
        return out

    def _exact_codes(self, series: pd.Series) -> np.ndarray | None:
        """Fast path for Arrow-backed strings that are all exact codes (a CSV of codes, as pandas reads it)."""
        array = series.array
        if not hasattr(array, "__arrow_array__") or isinstance(series.dtype, pd.CategoricalDtype):
            return None
        try:
            import pyarrow as pa
            import pyarrow.compute as pc

            found = pc.index_in(array.__arrow_array__(), value_set=pa.array(list(self.codes)))
            if found.null_count:
                return None  # labels, variants or blanks: the general path parses and reports them
            return np.asarray(found.to_numpy(), dtype=np.int8)
        except (ImportError, TypeError, pa.ArrowException):
            return None

    def _index_or_minus_one(self, value: Any) -> int:
        i = self.find(value)
        return -1 if i is None else i


class VocabularyInput(BaseModel):
    """An example input: which vocabulary, and the text someone wrote."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    vocabulary: Literal["nature", "approach", "fit"]
    value: str


_ENUMS: dict[str, type[StrEnum]] = {"natures": Nature, "approaches": Approach, "fits": Fit}
_SINGULAR = {"natures": "nature", "approaches": "approach", "fits": "fit"}


class Vocabularies(BaseModel):
    """The three vocabularies of the product, as stored in data/vocabulary.json (hit policy: unique)."""

    RULE_NAME: ClassVar[str] = "vocabulary file"
    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    hit_policy: Literal["unique"]
    natures: Vocabulary
    approaches: Vocabulary
    fits: Vocabulary
    # expect: the code the text names, or null when it names none
    examples: tuple[Example[VocabularyInput, str | None], ...] = Field(min_length=1)

    @field_validator("natures", "approaches", "fits", mode="before")
    @classmethod
    def _named(cls, value: Any, info: ValidationInfo) -> Any:
        # The file lists terms; the vocabulary's name ("nature", ...) comes from the key.
        if isinstance(value, list | tuple):
            return {"name": _SINGULAR[str(info.field_name)], "terms": value}
        return value

    @model_validator(mode="after")
    def _codes_are_the_typed_codes(self) -> Vocabularies:
        for key, enum in _ENUMS.items():
            listed = getattr(self, key).codes
            typed = tuple(m.value for m in enum)
            if listed != typed:
                raise ValueError(f"{key} must list exactly the codes {', '.join(typed)} in rank order "
                                 f"(the code's {enum.__name__}); the file lists {', '.join(listed)}")
        return self

    def vocabulary(self, name: str) -> Vocabulary:
        """The vocabulary called nature, approach or fit."""
        return {"nature": self.natures, "approach": self.approaches, "fit": self.fits}[name]

    def run_example(self, value: VocabularyInput) -> str | None:
        """The code a text names in one vocabulary, or None."""
        i = self.vocabulary(value.vocabulary).find(value.value)
        return None if i is None else self.vocabulary(value.vocabulary).codes[i]


def glossary() -> pd.DataFrame:
    """The natures and approaches with what each means (data/vocabulary.json), lightest first: kind, rank, label,
    meaning."""
    words = default_vocabularies()
    rows = [{"kind": kind, "rank": t.rank, "label": t.label, "meaning": t.meaning or "no meaning written yet"}
            for kind, terms in (("Nature of opportunity", words.natures.terms), ("GTM approach", words.approaches.terms))
            for t in terms]
    return pd.DataFrame(rows, columns=["kind", "rank", "label", "meaning"])


def load_vocabularies(path: Path | str | None = None) -> Vocabularies:
    """Read and validate a vocabulary file (data/vocabulary.json by default); raises ConfigError naming the fault."""
    return load_rule_file(path or DATA_DIR / "vocabulary.json", Vocabularies)


@cache
def default_vocabularies() -> Vocabularies:
    """The vocabularies of data/vocabulary.json, read and validated on first use."""
    return load_vocabularies()


# NATURES, APPROACHES and FITS are read on first use (module __getattr__), never at import.
NATURES: Vocabulary
APPROACHES: Vocabulary
FITS: Vocabulary
_LAZY = {"NATURES": "natures", "APPROACHES": "approaches", "FITS": "fits"}


def __getattr__(name: str) -> Vocabulary:
    if name in _LAZY:
        vocabulary: Vocabulary = getattr(default_vocabularies(), _LAZY[name])
        return vocabulary
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
