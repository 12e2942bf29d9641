"""Yes/no and blank words: the one reader of boolean cells, driven by data/words.json."""

from __future__ import annotations

import unicodedata
from functools import cache, cached_property
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from gtm.domain.errors import Problem
from gtm.domain.rules import DATA_DIR, Example, load_rule_file

Reading = Literal["yes", "no", "blank", "refused"]


def fold_word(value: object) -> str:
    """Fold a cell for word matching: Unicode NFKC, case folded, runs of spaces as one space.

    Unlike ``vocabulary.normalise`` it keeps symbols and accents, so that ``✓`` stays ``✓`` and ``sí`` stays ``sí``.
    """
    return " ".join(unicodedata.normalize("NFKC", str(value)).casefold().split())


class Words(BaseModel):
    """The validated content of data/words.json: which words mean yes, no, or nothing (hit policy: unique)."""

    RULE_NAME: ClassVar[str] = "words file"
    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    hit_policy: Literal["unique"]
    true: tuple[str, ...] = Field(min_length=1)
    false: tuple[str, ...] = Field(min_length=1)
    blank: tuple[str, ...] = ("",)
    examples: tuple[Example[str, Reading], ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Words:
        seen: dict[str, str] = {}
        for kind in ("true", "false", "blank"):
            for word in getattr(self, kind):
                key = fold_word(word)
                if key in seen and seen[key] != kind:
                    raise ValueError(f"{word!r} is listed both as {seen[key]} and as {kind}; keep it in one list")
                seen[key] = kind
        if "" not in seen or seen[""] != "blank":
            raise ValueError("an empty cell must be blank: list \"\" under blank")
        return self

    @cached_property
    def lookup(self) -> dict[str, bool | None]:
        """Folded word -> True, False, or None for blank."""
        out: dict[str, bool | None] = {fold_word(w): None for w in self.blank}
        out.update({fold_word(w): False for w in self.false})
        out.update({fold_word(w): True for w in self.true})
        return out

    @cached_property
    def accepted(self) -> str:
        """What a yes/no cell may hold, for error messages."""
        return f"accepted: {', '.join(self.true)} / {', '.join(self.false)}, or blank"

    def read(self, value: object) -> Reading:
        """How one cell reads: yes, no, blank or refused."""
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return "blank"
        found = self.lookup.get(fold_word(value), "refused")
        return "refused" if found == "refused" else "blank" if found is None else "yes" if found else "no"

    def run_example(self, value: str) -> Reading:
        """How one example cell reads."""
        return self.read(value)


def load_words(path: Path | str | None = None) -> Words:
    """Read and validate a words file (data/words.json by default); raises ConfigError naming the fault."""
    return load_rule_file(path or DATA_DIR / "words.json", Words)


@cache
def default_words() -> Words:
    """The words of data/words.json, read and validated on first use."""
    return load_words()


def read_bools(series: pd.Series, column: str, words: Words | None = None) -> tuple[pd.Series, list[Problem]]:
    """Yes/no cells to a nullable boolean Series (NA for blank) and a Problem per cell that is no yes/no word.

    Booleans pass through; numbers must be 1 or 0. Text is matched after ``fold_word``; only distinct values are
    looked up, so a million rows cost a handful of dictionary lookups.
    """
    words = words or default_words()
    reason = f"is not yes or no ({words.accepted})"
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean"), []
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isnan(values) & ~np.isin(values, (0.0, 1.0))
        out = pd.Series(pd.array(values == 1.0, dtype="boolean"), index=series.index, name=series.name)
        out[np.isnan(values)] = pd.NA
        return out, [Problem(r, column, v, reason) for r, v in series[bad].items()]
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    found = [words.lookup.get(fold_word(u), "refused") for u in uniques]
    table = np.array([None if f == "refused" else f for f in found] + [None], dtype=object)
    bad = np.array([f == "refused" for f in found] + [False], dtype=bool)[codes]
    out = pd.Series(pd.array(table[codes], dtype="boolean"), index=series.index, name=series.name)
    return out, [Problem(r, column, v, reason) for r, v in series[bad].items()]
