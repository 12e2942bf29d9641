"""Diagnosis: infer each opportunity's nature from CRM signals with an ordered first-match table."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gtm.domain import patterns
from gtm.domain import vocabulary as vocab
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count
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
        if self.rules and self.rules[-1].nature is not None:
            raise ValueError("the last rule must leave the opportunity not yet diagnosed (nature null): when no "
                             "evidence says which nature, a person or a later rule must decide")
        for rule in self.rules:
            for cond in rule.when:
                if cond.signal is not None and cond.signal not in self.signals:
                    raise ValueError(f"rule '{rule.id}': unknown signal '{cond.signal}' ({', '.join(self.signals)})")
        for rule in self.rules[:-1]:
            if not rule.when:
                raise ValueError(f"rule '{rule.id}' has no condition: it would give every opportunity that reaches it "
                                 "the same nature and the rules below it would never fire; only the last rule has "
                                 "no condition")
            on_account = [c.fact for c in rule.when if c.fact in ACCOUNT_FACTS]
            if on_account and not any(c.narrows_the_deal(self.signals) for c in rule.when):
                raise ValueError(
                    f"rule '{rule.id}' tests only the account ({', '.join(map(str, on_account))}), which describes "
                    "the account, not each deal: on its own it gives every opportunity of such an account the same "
                    "nature, a $50 spare part included. Add a condition on the opportunity itself (a signal, a column "
                    "or deal_size, e.g. the deal is at least 100,000) that an opportunity the file says nothing "
                    "about does not meet")
        for i, example in enumerate(self.examples):
            if not example.input:
                raise ValueError(f"examples[{i}]: give at least one column")
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
        """The nature and rule diagnosed for one example row (an opportunity alone on its account)."""
        out = diagnose(pd.DataFrame({k: pd.Series([v], dtype=object) for k, v in row.items()}), self)
        nature = out["nature"].iloc[0]
        return Diagnosed(nature=None if pd.isna(nature) else Nature(str(nature)), rule=str(out["diagnosis_rule"].iloc[0]))

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
        raise InputError.from_problems(f"{count(len(problems), 'signal value')} could not be read.", problems)
    return signals


def diagnose(frame: pd.DataFrame, table: DiagnosisTable | None = None, *,
             mappings: Mappings | None = None) -> pd.DataFrame:
    """Add ``nature``, ``diagnosis_rule`` and ``diagnosis_reason``: the product family -> nature mapping where it
    maps the opportunity's family (rule ``product-family-map``), else the first rule whose conditions all hold.

    ``nature`` is empty (NaN) where no mapping and no rule says which: not yet diagnosed.
    Raises InputError naming every cell that is not a value of its signal's type.
    """
    out, problems = diagnose_with_problems(frame, table, mappings=mappings)
    if problems:
        raise InputError.from_problems(f"{count(len(problems), 'signal value')} could not be read.", problems)
    return out


class _Columns:
    """The frame's columns found by normalised name, each factorised once and shared by every condition on it."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.by_key: dict[str, str] = {}
        for col in frame.columns:
            self.by_key.setdefault(normalise(col), str(col))
        self._text: dict[str, tuple[np.ndarray, pd.Index, pd.Index]] = {}
        self._numbers: dict[str, np.ndarray] = {}

    def find(self, name: str) -> str | None:
        return self.by_key.get(normalise(name))

    def text(self, column: str) -> tuple[np.ndarray, pd.Index, pd.Index]:
        """Codes per row (-1 for blank), the distinct raw values, and the same values normalised."""
        if column not in self._text:
            series = self.frame[column]
            codes, uniques = pd.factorize(series.astype("string"), use_na_sentinel=True)
            raw = pd.Index(uniques.astype(object), dtype=object)
            self._text[column] = (codes, raw, pd.Index([normalise(u) for u in raw], dtype=object))
        return self._text[column]

    def numbers(self, column: str) -> np.ndarray:
        if column not in self._numbers:
            self._numbers[column] = _to_numbers(self.frame[column])
        return self._numbers[column]


def _on_uniques(columns: _Columns, column: str, test: Callable[[pd.Index, pd.Index], np.ndarray]) -> np.ndarray:
    """Evaluate a text test once per distinct value, then spread it to every row (blank never matches)."""
    codes, raw, folded = columns.text(column)
    hit = np.append(np.asarray(test(raw, folded), dtype=bool), False)
    spread: np.ndarray = hit[codes]
    return spread


def _word_pattern(words: str | tuple[str, ...]) -> re.Pattern[str]:
    phrases = [normalise(w) for w in ((words,) if isinstance(words, str) else words)]
    return re.compile(r"(?:^| )(?:" + "|".join(re.escape(p) for p in phrases if p) + r")(?: |$)")


def _condition(cond: Condition, signals: dict[str, np.ndarray], columns: _Columns,
               facts: dict[str, np.ndarray]) -> np.ndarray:
    n = len(columns.frame)
    if cond.signal is not None:
        return np.asarray(_OPS[cond.op](signals[cond.signal], cond.value), dtype=bool)
    if cond.fact is not None:
        with np.errstate(invalid="ignore"):
            return np.asarray(_OPS[cond.op](facts[cond.fact], cond.value), dtype=bool)
    column = columns.find(str(cond.column))
    if column is None:
        return np.zeros(n, dtype=bool)  # a rule on a column the data lacks never fires
    value = cond.value
    if cond.op == "equals":
        target = normalise(value)
        return _on_uniques(columns, column, lambda raw, folded: folded == target)
    if cond.op == "one_of":
        targets = {normalise(v) for v in value} if isinstance(value, tuple) else {normalise(value)}
        return _on_uniques(columns, column, lambda raw, folded: folded.isin(list(targets)))
    if cond.op == "contains_word":
        pattern = _word_pattern(value if isinstance(value, (str, tuple)) else str(value))
        return _on_uniques(columns, column, lambda raw, folded: np.array([bool(pattern.search(f)) for f in folded],
                                                                         dtype=bool))
    if cond.op == "matches":
        regex = patterns.compile_pattern(str(value))  # RE2: linear in each cell, whatever the pattern
        return _on_uniques(columns, column, lambda raw, folded: np.array([regex.search(str(r)) is not None
                                                                          for r in raw], dtype=bool))
    with np.errstate(invalid="ignore"):
        return np.asarray(_OPS[cond.op](columns.numbers(column), value), dtype=bool)


def _folded_codes(columns: _Columns, column: str) -> tuple[np.ndarray, list[str]]:
    """Integer codes of each cell's normalised text (-1 for blank), from the column's shared factorisation."""
    codes, _raw, folded = columns.text(column)
    ids, names = pd.factorize(folded)
    table = np.append(np.asarray(ids, dtype=np.int64), -1)
    table[np.flatnonzero(folded == "")] = -1  # punctuation or spaces only: blank
    out: np.ndarray = table[codes]
    return out, [str(n) for n in names]


def _distinct_per_account(account: np.ndarray, key: np.ndarray, accounts: int) -> np.ndarray:
    """For each row, how many distinct non-blank ``key`` values its account has (0 when none)."""
    width = int(key.max(initial=-1)) + 1
    if width == 0:
        return np.zeros(len(account))
    known = key >= 0
    pair = account[known].astype(np.int64) * width + key[known]
    if accounts * width <= 50_000_000:
        seen = np.zeros(accounts * width, dtype=bool)  # a bitmap of (account, key) pairs: O(rows), no sorting
        seen[pair] = True
        per_account = seen.reshape(accounts, width).sum(axis=1)
    else:
        per_account = np.bincount(pd.unique(pair) // width, minlength=accounts)
    counts: np.ndarray = per_account[account].astype(float)
    return counts


def account_facts(frame: pd.DataFrame, mappings: Mappings | None = None,
                  columns: _Columns | None = None) -> dict[str, np.ndarray]:
    """The facts rules may test, per opportunity (NaN where the frame lacks what a fact needs).

    Vectorised with integer codes: distinct (account, BU) pairs are counted once, totals by bincount.
    """
    mappings = mappings or Mappings()
    columns = columns or _Columns(frame)
    n = len(frame)
    nan = np.full(n, np.nan)
    value_col = columns.find("value_reporting") or columns.find("value")
    value = columns.numbers(value_col) if value_col else nan
    out: dict[str, np.ndarray] = {"deal_size": value}
    account_col = columns.find("account_id") or columns.find("account_name")
    if account_col is None or n == 0:
        return {**out, "account_bu_count": nan, "account_family_count": nan, "account_value_share": nan}
    account, account_ids = pd.factorize(frame[account_col], use_na_sentinel=False)
    accounts = len(account_ids)
    family_col, bu_col = columns.find("product_family"), columns.find("bu")
    family, family_names = _folded_codes(columns, family_col) if family_col else (np.full(n, -1), [])
    if bu_col:
        bu, bu_names = _folded_codes(columns, bu_col)
    else:
        bu, bu_names = np.full(n, -1), []
    if mappings.family_bu and len(family_names):
        # A BU named through the product family -> BU mapping joins the BUs the file names (by folded name).
        bu_index = {name: i for i, name in enumerate(bu_names)}
        via_family = []
        for name in family_names:
            target = normalise(mappings.family_bu[name]) if name in mappings.family_bu else ""
            if target and target not in bu_index:
                bu_index[target] = len(bu_index)
            via_family.append(bu_index[target] if target else -1)
        lookup = np.append(np.array(via_family, dtype=np.int64), -1)
        bu = np.where(bu >= 0, bu, lookup[family])
    out["account_bu_count"] = _distinct_per_account(account, bu, accounts)
    out["account_family_count"] = _distinct_per_account(account, family, accounts)
    weights = np.nan_to_num(value, nan=0.0)
    total = np.bincount(account, weights=weights, minlength=accounts)[account]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["account_value_share"] = np.where(total > 0, value / total, np.nan)
    return out


def diagnose_with_problems(frame: pd.DataFrame, table: DiagnosisTable | None = None, *,
                           mappings: Mappings | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Like ``diagnose``, but a bad cell is returned as a Problem (and read as not signalled) instead of raised.

    For imports: the rows without problems keep their real diagnosis while the others are reported.
    """
    table = table or default_diagnosis()
    mappings = mappings or Mappings()
    signals, problems = _read_signals(frame, table)
    columns = _Columns(frame)
    facts = account_facts(frame, mappings, columns) if any(c.fact for r in table.rules for c in r.when) else {}
    conditions = []
    for rule in table.rules:
        hit = np.ones(len(frame), dtype=bool)
        for cond in rule.when:
            hit &= _condition(cond, signals, columns, facts)
        conditions.append(hit)
    default = len(table.rules) - 1
    fired = np.select(conditions, np.arange(len(table.rules)), default=default).astype(np.intp)
    # nature codes per rule: -1 for "not yet diagnosed"
    natures = np.array([vocab.NATURES.codes.index(r.nature) if r.nature else -1 for r in table.rules], dtype=np.int8)
    rule_ids = [r.id for r in table.rules]
    wordings = [r.wording for r in table.rules]
    nature_codes = natures[fired]
    reason_of_row = fired  # an index into ``wordings``
    family_col = columns.find("product_family")
    if mappings.family_nature and family_col is not None:
        # An explicit mapping someone made wins over the general rules; its reason names the mapping's row.
        codes, raw, folded = columns.text(family_col)
        mapped_unique = np.full(len(raw) + 1, -1, dtype=np.int8)
        reason_unique = np.full(len(raw) + 1, -1, dtype=np.intp)
        for i, (spelling, key) in enumerate(zip(raw, folded)):
            if key in mappings.family_nature:
                nature = mappings.family_nature[key]
                mapped_unique[i] = vocab.NATURES.codes.index(nature)
                reason_unique[i] = len(wordings)
                wordings.append(mapping_reason(str(spelling), nature))
        mapped = mapped_unique[codes]
        use = mapped >= 0
        nature_codes = np.where(use, mapped, nature_codes)
        fired = np.where(use, len(rule_ids), fired)
        reason_of_row = np.where(use, reason_unique[codes], reason_of_row)
        rule_ids.append(FAMILY_RULE)
    out = frame.copy(deep=False)
    out["nature"] = pd.Categorical.from_codes(nature_codes, dtype=vocab.NATURES.dtype)
    out["diagnosis_rule"] = pd.Categorical.from_codes(fired, categories=pd.Index(rule_ids))
    # Two rules may share a wording; categories must be unique, so index the distinct wordings.
    wording_index, distinct = pd.factorize(pd.Index(wordings))
    out["diagnosis_reason"] = pd.Categorical.from_codes(wording_index[reason_of_row], categories=pd.Index(distinct))
    return out, problems


def _expand(records: pd.Series) -> pd.DataFrame:
    """A column of dicts (signals, attributes as stored) as one column per key; blank where a row lacks it."""
    present = records.dropna()
    if present.empty:
        return pd.DataFrame(index=records.index)
    # Rows read in bulk share one dict per distinct value (gtm.storage.arrow): build each distinct one once.
    ids = np.fromiter((id(d) for d in present), dtype=np.int64, count=len(present))
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    distinct = pd.DataFrame.from_records(present.iloc[first].tolist())
    out = distinct.iloc[inverse.ravel()].set_axis(present.index)
    return out.reindex(records.index)


def attribute_names(records: pd.Series) -> list[str]:
    """The keys of a column of dicts (the CRM columns an import kept), in order of first appearance; each distinct
    dict is read once (rows read in bulk share one dict per distinct value)."""
    present = records.dropna()
    if present.empty:
        return []
    ids = np.fromiter((id(d) for d in present), dtype=np.int64, count=len(present))
    _, first = np.unique(ids, return_index=True)
    names: dict[str, None] = {}
    for record in present.iloc[np.sort(first)]:
        if isinstance(record, dict):
            names.update(dict.fromkeys(map(str, record)))
    return list(names)


def rule_view(opportunities: pd.DataFrame) -> pd.DataFrame:
    """What the rules read of stored opportunities: their columns, with the signals and kept CRM columns (stored as
    dicts) as columns of their own, without what a diagnosis decides."""
    view = opportunities.drop(columns=[c for c in ("nature", "nature_source", "diagnosis_rule", "diagnosis_reason",
                                                   "signals", "attributes") if c in opportunities])
    for column in ("signals", "attributes"):
        if column in opportunities:
            extra = _expand(opportunities[column])
            view = view.join(extra[[c for c in extra.columns if c not in view.columns]])
    return view


BU_SOURCES = ("file", "mapping")


def assign_bus(opportunities: pd.DataFrame, mappings: Mappings | None = None,
               business_units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each opportunity's BU: the one the file named, else its product family's through the product family -> BU
    mapping (``bu_source`` file, mapping, or blank when neither says).

    ``bu`` is the BU's id and ``bu_name`` its name: a mapped name is looked up in ``business_units`` (bu_id, name;
    by id or name, any case and punctuation); a BU not stored yet keeps the name as given for both, the id it is
    created with when the mapping is saved. Adds columns to a shallow copy; one lookup per distinct family.
    """
    out = opportunities.copy(deep=False)
    n = len(out)
    has = out["bu"].notna().to_numpy() if "bu" in out else np.zeros(n, dtype=bool)
    source = np.where(has, 0, -1)
    family = mappings.family_bu if mappings is not None else {}
    if family and "product_family" in out and not has.all():
        known: dict[str, tuple[str, str]] = {}
        if business_units is not None and len(business_units):
            for ext, name in zip(business_units["bu_id"].astype(str), business_units["name"].astype(str)):
                known[normalise(ext)] = (ext, name)
            for ext, name in zip(business_units["bu_id"].astype(str), business_units["name"].astype(str)):
                known.setdefault(normalise(name), (ext, name))
        codes, uniques = pd.factorize(out["product_family"], use_na_sentinel=True)
        ids: list[str | None] = [None] * (len(uniques) + 1)  # the last: a blank family
        labels: list[str | None] = [None] * (len(uniques) + 1)
        for i, value in enumerate(uniques):
            target = family.get(normalise(value))
            if target:
                ids[i], labels[i] = known.get(normalise(target), (target, target))
        codes = np.where(codes < 0, len(uniques), codes)
        use = ~has & np.array([i is not None for i in ids], dtype=bool)[codes]
        if use.any():  # otherwise the stored columns stay as they are, shared
            # Taken per distinct family and kept as the stored text columns are (no Python string per row).
            for column, values in (("bu", ids), ("bu_name", labels)):
                stored = out[column] if column in out else pd.Series(None, index=out.index, dtype="str")
                mapped = pd.Series(values, dtype=stored.dtype).take(codes).set_axis(out.index)
                out[column] = stored.mask(use, mapped)
            source = np.where(use, 1, source)
    out["bu_source"] = pd.Categorical.from_codes(source.astype(np.int8), categories=pd.Index(BU_SOURCES))
    return out


def account_bus(opportunities: pd.DataFrame) -> pd.DataFrame:
    """account_id, bu: the BUs with value (summed above zero) at each account, from the file or the product family
    -> BU mapping (``assign_bus``); the read model's answer to "which BUs does this account touch"."""
    known = opportunities[["account_id", "bu", "value"]].dropna(subset=["account_id", "bu"])
    sums = known.groupby(["account_id", "bu"], observed=True, sort=True)["value"].sum()
    return sums[sums > 0].reset_index()[["account_id", "bu"]]


NATURE_SOURCES = ("person", "given", "mapping", "rule", "undiagnosed")


def resolve_natures(opportunities: pd.DataFrame, overrides: pd.DataFrame | None = None,
                    table: DiagnosisTable | None = None, mappings: Mappings | None = None,
                    business_units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each opportunity's nature and who decided it, in this order: a person's override, else the file, else the
    product family -> nature mapping, else the first rule; and its BU (``assign_bus``).

    ``opportunities`` as stored: ``nature`` given by the file (blank when not), ``signals`` and ``attributes`` as
    dicts. ``overrides``: opportunity_id, nature (blank: withdrawn), reason, author, created_at, newest last.
    Adds ``nature`` (blank: not yet diagnosed), ``nature_source`` (person, given, mapping, rule or undiagnosed),
    ``diagnosis_rule``, ``diagnosis_reason`` and ``bu_source`` (file, mapping or blank).
    """
    frame = assign_bus(opportunities, mappings, business_units)  # new columns only: the stored ones stay shared
    view = rule_view(frame)
    diag, _problems = diagnose_with_problems(view, table, mappings=mappings)  # stored signals were checked at import
    given = pd.Series(pd.Categorical(frame["nature"], dtype=vocab.NATURES.dtype), index=frame.index) \
        if "nature" in frame else pd.Series(pd.Categorical([None] * len(frame), dtype=vocab.NATURES.dtype),
                                            index=frame.index)
    ruled = diag["nature"]
    nature = given.where(given.notna(), ruled)
    by_mapping = (diag["diagnosis_rule"] == FAMILY_RULE).to_numpy(dtype=bool)
    source = np.where(given.notna(), "given", np.where(by_mapping, "mapping",
                                                       np.where(ruled.notna(), "rule", "undiagnosed"))).astype(object)
    rule = diag["diagnosis_rule"].astype(object).where(given.isna(), "given in the file")
    reason = diag["diagnosis_reason"].astype(object).where(given.isna(), "The CRM file gives this nature.")
    if overrides is not None and len(overrides) and "opportunity_id" in frame:
        latest = overrides.drop_duplicates("opportunity_id", keep="last")
        latest = latest[latest["nature"].notna()].set_index("opportunity_id")
        person = frame["opportunity_id"].map(latest["nature"])
        hit = person.notna()
        nature = person.where(hit, nature.astype(object))
        source = np.where(hit.to_numpy(), "person", source)
        rule = rule.where(~hit, "set by " + frame["opportunity_id"].map(latest["author"]).astype(str))
        reason = reason.where(~hit, frame["opportunity_id"].map(latest["reason"]))
    frame["nature"] = pd.Categorical(nature, dtype=vocab.NATURES.dtype)
    # A few distinct sources, rules and sentences over a million rows: categories, not a string per row.
    frame["nature_source"] = pd.Categorical(source)
    frame["diagnosis_rule"] = pd.Categorical(rule.to_numpy())
    frame["diagnosis_reason"] = pd.Categorical(reason.to_numpy())
    return frame


def _cell_number(value: Any) -> float:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return float("nan")
    return number


def _holds(cond: Condition, row: Mapping[str, Any], signals: Mapping[str, Any], facts: Mapping[str, float]) -> bool:
    """One condition on one row: the readable statement of what the vectorised engine computes."""
    if cond.signal is not None:
        return bool(_OPS[cond.op](signals[cond.signal], cond.value))
    if cond.fact is not None:
        value = facts.get(cond.fact, float("nan"))
        return bool(value == value and _OPS[cond.op](value, cond.value))  # NaN never holds
    keys = {normalise(k): k for k in row}
    key = keys.get(normalise(str(cond.column)))
    cell = None if key is None else row[key]
    if cell is None or (isinstance(cell, float) and cell != cell) or str(cell) == "":
        if cond.op in _TEXT_OPS:
            return False
        cell = None
    if cond.op == "equals":
        return normalise(cell) == normalise(cond.value)
    if cond.op == "one_of":
        values = cond.value if isinstance(cond.value, tuple) else (cond.value,)
        return normalise(cell) in {normalise(v) for v in values}
    if cond.op == "contains_word":
        return bool(_word_pattern(cond.value if isinstance(cond.value, (str, tuple)) else str(cond.value))
                    .search(normalise(cell)))
    if cond.op == "matches":
        return patterns.search(str(cond.value), str(cell))
    number = float("nan") if cell is None else _cell_number(cell)
    return bool(number == number and _OPS[cond.op](number, cond.value))


def diagnose_row(row: Mapping[str, Any], table: DiagnosisTable | None = None, *, mappings: Mappings | None = None,
                 facts: Mapping[str, float] | None = None) -> tuple[Nature | None, str]:
    """The nature and rule id for one opportunity, rule by rule in plain Python (one questionnaire answer).

    The per-row statement of ``diagnose``: property tests and the benchmark hold the vectorised engine to it.
    ``facts`` are the opportunity's account facts (see ``account_facts``); absent facts never hold.
    """
    table = table or default_diagnosis()
    mappings = mappings or Mappings()
    keys = {normalise(k): k for k in row}
    family_key = keys.get("product family")
    family = normalise(row[family_key]) if family_key and row[family_key] is not None else ""
    if family in mappings.family_nature:  # an explicit mapping decides before the general rules
        return mappings.family_nature[family], FAMILY_RULE
    frame = pd.DataFrame({k: pd.Series([v], dtype=object) for k, v in row.items()})
    signals_arrays, _ = _read_signals(frame, table)
    signals = {k: v[0] for k, v in signals_arrays.items()}
    for rule in table.rules:
        if all(_holds(c, row, signals, facts or {}) for c in rule.when):
            return rule.nature, rule.id
    return None, table.default_rule.id
