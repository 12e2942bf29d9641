"""The diagnosis table (data/diagnosis.json) and its vectorised run: signals read, account facts derived, and the
first rule whose conditions all hold, over whole columns."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, cached_property
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from gtm.domain import patterns
from gtm.domain import vocabulary as vocab
from gtm.domain.diagnosis_model import (
    _OPS,
    ACCOUNT_FACTS,
    FAMILY_RULE,
    SIGNAL_TYPES,
    Condition,
    Diagnosed,
    Mappings,
    Rule,
    Signal,
    _to_numbers,
    mapping_reason,
)
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count
from gtm.domain.rules import DATA_DIR, Example, load_rule_file
from gtm.domain.vocabulary import Nature, normalise


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
