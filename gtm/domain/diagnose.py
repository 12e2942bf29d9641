"""Diagnosis: infer each opportunity's nature from CRM signals with an ordered first-match table."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gtm.domain import vocabulary as vocab
from gtm.domain.errors import InputError, Problem
from gtm.domain.rules import DATA_DIR, Example, load_rule_file
from gtm.domain.vocabulary import Nature, normalise
from gtm.domain.words import read_bools

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt,
}


def _as_bool(series: pd.Series, column: str) -> tuple[np.ndarray, list[Problem]]:
    """Yes/no words (data/words.json); blank reads as not signalled."""
    values, problems = read_bools(series, column)
    return values.fillna(False).to_numpy(dtype=bool), problems


def _as_int(series: pd.Series, column: str) -> tuple[np.ndarray, list[Problem]]:
    """Whole numbers >= 0; blank reads as 0."""
    vals = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = (np.isnan(vals) & series.notna().to_numpy() & (series.astype(str).str.strip() != "").to_numpy())
    bad |= vals < 0
    bad |= ~np.isnan(vals) & (vals != np.round(vals))
    problems = [Problem(r, column, v, "is not a whole number >= 0") for r, v in series[bad].items()]
    return np.nan_to_num(vals, nan=0.0), problems


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


class Condition(BaseModel):
    """signal op value, e.g. bu_count >= 2."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    signal: str
    op: Literal["==", "!=", ">=", ">", "<=", "<"]
    value: bool | int


class Rule(BaseModel):
    """One row of the decision table: when every condition holds, the nature is ``nature``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    nature: str
    when: tuple[Condition, ...]
    wording: str = Field(min_length=1)


class Diagnosed(BaseModel):
    """An example output: the nature diagnosed and the id of the rule that fired."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nature: Nature
    rule: str


class DiagnosisTable(BaseModel):
    """The validated decision table of data/diagnosis.json (hit policy: first match wins)."""

    RULE_NAME: ClassVar[str] = "diagnosis table"
    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    hit_policy: Literal["first"]
    signals: dict[str, Signal]
    rules: tuple[Rule, ...]
    # input: one CRM row, signal -> cell as written (text, number or true/false)
    examples: tuple[Example[dict[str, str | int | bool | None], Diagnosed], ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> DiagnosisTable:
        ids = [r.id for r in self.rules]
        if len(set(ids)) != len(ids):
            raise ValueError(f"rule ids must be unique: {ids}")
        if not self.rules or self.rules[-1].when:
            raise ValueError("the last rule must be the default: a rule with no conditions")
        for rule in self.rules:
            if rule.nature not in vocab.NATURES.codes:
                raise ValueError(f"rule '{rule.id}': nature '{rule.nature}' is not a nature code "
                                 f"({', '.join(vocab.NATURES.codes)})")
            for cond in rule.when:
                if cond.signal not in self.signals:
                    raise ValueError(f"rule '{rule.id}': unknown signal '{cond.signal}' ({', '.join(self.signals)})")
        for i, example in enumerate(self.examples):
            unknown = [k for k in example.input if k not in self.signals]
            if unknown:
                raise ValueError(f"examples[{i}]: unknown signal(s) {', '.join(unknown)} ({', '.join(self.signals)})")
        return self

    @property
    def signal_names(self) -> tuple[str, ...]:
        """The signals, in file order (the order of template and import columns)."""
        return tuple(self.signals)

    @property
    def default_rule(self) -> Rule:
        """The last rule, with no conditions: what fires when no signal says otherwise."""
        return self.rules[-1]

    def run_example(self, row: dict[str, str | int | bool | None]) -> Diagnosed:
        """The nature and rule diagnosed for one example row."""
        out = diagnose(pd.DataFrame({k: pd.Series([v], dtype=object) for k, v in row.items()}), self)
        return Diagnosed(nature=Nature(str(out["nature"].iloc[0])), rule=str(out["diagnosis_rule"].iloc[0]))

    @cached_property
    def header_lookup(self) -> dict[str, str]:
        """Normalised header -> signal name."""
        out: dict[str, str] = {}
        for name, sig in self.signals.items():
            for key in (name, *sig.aliases):
                out[normalise(key)] = name
        return out


def load_diagnosis(path: Path | str | None = None) -> DiagnosisTable:
    """Read and validate a diagnosis table; raises ConfigError naming the file, the place and what is wrong."""
    return load_rule_file(path or DATA_DIR / "diagnosis.json", DiagnosisTable)


@cache
def default_diagnosis() -> DiagnosisTable:
    """The table of data/diagnosis.json, read and validated on first use."""
    return load_diagnosis()


def signal_columns(frame: pd.DataFrame, table: DiagnosisTable | None = None) -> dict[str, str]:
    """Which frame column carries which signal (signal -> column), matched by name or alias."""
    table = table or default_diagnosis()
    found: dict[str, str] = {}
    for col in frame.columns:
        sig = table.header_lookup.get(normalise(col))
        if sig and sig not in found:
            found[sig] = str(col)
    return found


def _read_signals(frame: pd.DataFrame, table: DiagnosisTable) -> tuple[dict[str, np.ndarray], list[Problem]]:
    """Every signal as an array (absent columns and unreadable cells read as not signalled) and the problems."""
    columns = signal_columns(frame, table)
    if not columns:
        accepted = "; ".join(f"{n} ({s.description})" for n, s in table.signals.items())
        raise InputError(
            f"diagnose needs at least one signal column; the input has: {', '.join(map(str, frame.columns))}. "
            f"Accepted: {accepted}",
            [Problem(None, None, None, "no signal column")],
        )
    out: dict[str, np.ndarray] = {}
    problems: list[Problem] = []
    for name, sig in table.signals.items():
        kind = SIGNAL_TYPES[sig.type]
        if name not in columns:
            out[name] = np.full(len(frame), kind.absent)
            continue
        out[name], found = kind.read(frame[columns[name]], columns[name])
        problems += found
    return out, problems


def read_signals(frame: pd.DataFrame, table: DiagnosisTable | None = None) -> dict[str, np.ndarray]:
    """Every signal as an array; absent columns read as 'not signalled' (False / 0); InputError for bad cells."""
    signals, problems = _read_signals(frame, table or default_diagnosis())
    if problems:
        raise InputError.from_problems(f"{len(problems)} signal value(s) could not be read.", problems)
    return signals


def diagnose(frame: pd.DataFrame, table: DiagnosisTable | None = None) -> pd.DataFrame:
    """Add ``nature``, ``diagnosis_rule`` and ``diagnosis_reason``: the first rule whose conditions all hold.

    Raises InputError naming every cell that is not a value of its signal's type.
    """
    out, problems = diagnose_with_problems(frame, table)
    if problems:
        raise InputError.from_problems(f"{len(problems)} signal value(s) could not be read.", problems)
    return out


def diagnose_with_problems(frame: pd.DataFrame, table: DiagnosisTable | None = None,
                           ) -> tuple[pd.DataFrame, list[Problem]]:
    """Like ``diagnose``, but a bad cell is returned as a Problem (and read as not signalled) instead of raised.

    For imports: the rows without problems keep their real diagnosis while the others are reported.
    """
    table = table or default_diagnosis()
    signals, problems = _read_signals(frame, table)
    conditions = []
    for rule in table.rules:
        hit = np.ones(len(frame), dtype=bool)
        for cond in rule.when:
            hit &= _OPS[cond.op](signals[cond.signal], cond.value)
        conditions.append(hit)
    fired = np.select(conditions, np.arange(len(table.rules)), default=len(table.rules) - 1)
    natures = np.array([vocab.NATURES.codes.index(r.nature) for r in table.rules], dtype=np.int8)
    out = frame.copy(deep=False)
    out["nature"] = pd.Categorical.from_codes(natures[fired], dtype=vocab.NATURES.dtype)
    out["diagnosis_rule"] = pd.Categorical.from_codes(fired, categories=pd.Index([r.id for r in table.rules]))
    # Two rules may share a wording; categories must be unique, so index the distinct wordings.
    wording_of_rule, wordings = pd.factorize(pd.Index([r.wording for r in table.rules]))
    out["diagnosis_reason"] = pd.Categorical.from_codes(wording_of_rule[fired], categories=pd.Index(wordings))
    return out, problems
