"""The ordered vocabularies (natures, approaches, fits), loaded once from data/vocabulary.json."""

from __future__ import annotations

import json
import re
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gtm.domain.errors import ConfigError, InputError, Problem

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
_NON_WORD = re.compile(r"[\W_]+")


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
                f"Column '{column}': {len(bad)} row(s) with no recognised {self.name}. "
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


class Vocabularies(BaseModel):
    """The three vocabularies of the product, as stored in data/vocabulary.json."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    natures: tuple[Term, ...]
    approaches: tuple[Term, ...]
    fits: tuple[Term, ...]


def load_vocabularies(path: Path | None = None) -> tuple[Vocabulary, Vocabulary, Vocabulary]:
    """Read and validate the vocabulary file; raises ConfigError naming what is wrong."""
    path = path or DATA_DIR / "vocabulary.json"
    try:
        raw = Vocabularies.model_validate(json.loads(path.read_text(encoding="utf-8")))
        return (
            Vocabulary(name="nature", terms=raw.natures),
            Vocabulary(name="approach", terms=raw.approaches),
            Vocabulary(name="fit", terms=raw.fits),
        )
    except (OSError, json.JSONDecodeError, ValidationError) as exc:
        raise ConfigError(f"{path}: invalid vocabulary file: {exc}") from None


@cache
def _default() -> tuple[Vocabulary, Vocabulary, Vocabulary]:
    return load_vocabularies()


NATURES, APPROACHES, FITS = _default()
if FITS.codes != ("realistic", "overkill", "insufficient"):
    raise ConfigError("data/vocabulary.json: fits must be realistic, overkill, insufficient in that order")
