"""Diagnosis: infer each opportunity's nature from CRM signals with an ordered first-match table."""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gtm.domain.errors import ConfigError, InputError, Problem
from gtm.domain.vocabulary import DATA_DIR, NATURES, normalise

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x", "t", "ja", "oui", "si", "checked", "1 0"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f", "", "nein", "non", "unchecked", "0 0", "nan", "none"})
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt,
}


class Signal(BaseModel):
    """A column the diagnosis reads: its type and the headers that name it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["bool", "int"]
    description: str
    aliases: tuple[str, ...] = ()


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


class DiagnosisTable(BaseModel):
    """The validated decision table of data/diagnosis.json."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    signals: dict[str, Signal]
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _check(self) -> DiagnosisTable:
        ids = [r.id for r in self.rules]
        if len(set(ids)) != len(ids):
            raise ValueError(f"rule ids must be unique: {ids}")
        if not self.rules or self.rules[-1].when:
            raise ValueError("the last rule must be the default: a rule with no conditions")
        for rule in self.rules:
            if NATURES.find(rule.nature) is None or NATURES.codes[NATURES.find(rule.nature) or 0] != rule.nature:
                raise ValueError(f"rule '{rule.id}': nature '{rule.nature}' is not a nature code ({', '.join(NATURES.codes)})")
            for cond in rule.when:
                if cond.signal not in self.signals:
                    raise ValueError(f"rule '{rule.id}': unknown signal '{cond.signal}' ({', '.join(self.signals)})")
        return self

    @cached_property
    def header_lookup(self) -> dict[str, str]:
        """Normalised header -> signal name."""
        out: dict[str, str] = {}
        for name, sig in self.signals.items():
            for key in (name, *sig.aliases):
                out[normalise(key)] = name
        return out


def load_diagnosis(path: Path | str | None = None) -> DiagnosisTable:
    """Read and validate a diagnosis table; raises ConfigError naming what is wrong."""
    path = Path(path) if path else DATA_DIR / "diagnosis.json"
    try:
        return DiagnosisTable.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, ValidationError) as exc:
        raise ConfigError(f"{path}: invalid diagnosis table: {exc}") from None


@cache
def default_diagnosis() -> DiagnosisTable:
    """The table of data/diagnosis.json, read once."""
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


def _as_bool(series: pd.Series, column: str) -> tuple[np.ndarray, list[Problem]]:
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.fillna(False).to_numpy(dtype=bool), []
    if pd.api.types.is_numeric_dtype(series.dtype):
        vals = series.to_numpy(dtype=float, na_value=0.0)
        bad = ~np.isin(vals, (0.0, 1.0))
        return vals == 1.0, [Problem(r, column, v, "is not yes/no (accepted: yes, no, true, false, 1, 0, x, blank)")
                             for r, v in series[bad].head(5).items()]
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    words = [normalise(u) for u in uniques]
    table = np.array([w in TRUE_WORDS for w in words] + [False])
    known = np.array([w in TRUE_WORDS or w in FALSE_WORDS for w in words] + [True])
    bad = ~known[codes]
    problems = [Problem(r, column, v, "is not yes/no (accepted: yes, no, true, false, 1, 0, x, blank)")
                for r, v in series[bad].head(5).items()]
    return table[codes], problems


def _as_int(series: pd.Series, column: str) -> tuple[np.ndarray, list[Problem]]:
    vals = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = (np.isnan(vals) & series.notna().to_numpy() & (series.astype(str).str.strip() != "").to_numpy())
    bad |= vals < 0
    bad |= ~np.isnan(vals) & (vals != np.round(vals))
    problems = [Problem(r, column, v, "is not a whole number >= 0") for r, v in series[bad].head(5).items()]
    return np.nan_to_num(vals, nan=0.0), problems


def read_signals(frame: pd.DataFrame, table: DiagnosisTable | None = None) -> dict[str, np.ndarray]:
    """Every signal as an array; absent columns read as 'not signalled' (False / 0)."""
    table = table or default_diagnosis()
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
        if name not in columns:
            out[name] = np.zeros(len(frame), dtype=bool if sig.type == "bool" else float)
            continue
        reader = _as_bool if sig.type == "bool" else _as_int
        out[name], found = reader(frame[columns[name]], columns[name])
        problems += found
    if problems:
        raise InputError.from_problems(f"{len(problems)} signal value(s) could not be read.", problems)
    return out


def diagnose(frame: pd.DataFrame, table: DiagnosisTable | None = None) -> pd.DataFrame:
    """Add ``nature``, ``diagnosis_rule`` and ``diagnosis_reason``: the first rule whose conditions all hold."""
    table = table or default_diagnosis()
    signals = read_signals(frame, table)
    conditions = []
    for rule in table.rules:
        hit = np.ones(len(frame), dtype=bool)
        for cond in rule.when:
            hit &= _OPS[cond.op](signals[cond.signal], cond.value)
        conditions.append(hit)
    fired = np.select(conditions, np.arange(len(table.rules)), default=len(table.rules) - 1)
    natures = np.array([NATURES.codes.index(r.nature) for r in table.rules], dtype=np.int8)
    out = frame.copy(deep=False)
    out["nature"] = pd.Categorical.from_codes(natures[fired], dtype=NATURES.dtype)
    out["diagnosis_rule"] = pd.Categorical.from_codes(fired, categories=pd.Index([r.id for r in table.rules]))
    # Two rules may share a wording; categories must be unique, so index the distinct wordings.
    wording_of_rule, wordings = pd.factorize(pd.Index([r.wording for r in table.rules]))
    out["diagnosis_reason"] = pd.Categorical.from_codes(wording_of_rule[fired], categories=pd.Index(wordings))
    return out
