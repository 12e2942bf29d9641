"""Diagnosis: infer each opportunity's nature from CRM signals with an ordered first-match table."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from gtm.domain import patterns
from gtm.domain import vocabulary as vocab
from gtm.domain.diagnosis_engine import (
    DiagnosisTable,
    _expand,
    _read_signals,
    _word_pattern,
    account_facts,
    attribute_names,
    default_diagnosis,
    diagnose,
    diagnose_with_problems,
    load_diagnosis,
    read_signals,
    rule_view,
    signal_columns,
)
from gtm.domain.diagnosis_model import (
    _OPS,
    _TEXT_OPS,
    ACCOUNT_FACTS,
    FACTS,
    FAMILY_RULE,
    SIGNAL_TYPES,
    Condition,
    Diagnosed,
    Fact,
    Mappings,
    NumberOp,
    Rule,
    Signal,
    SignalType,
    TextOp,
    mapping_reason,
)
from gtm.domain.vocabulary import Nature, normalise

# The table's model lives in gtm.domain.diagnosis_model and its vectorised run in gtm.domain.diagnosis_engine; here
# are who decides a nature (a person, the file, a mapping, the rules) and the per-row statement of the rules, with
# every name of the three re-exported so that callers keep one module.
__all__ = ["ACCOUNT_FACTS", "BU_SOURCES", "FACTS", "FAMILY_RULE", "NATURE_SOURCES", "SIGNAL_TYPES", "Condition",
           "Diagnosed", "DiagnosisTable", "Fact", "Mappings", "NumberOp", "Rule", "Signal", "SignalType", "TextOp",
           "_expand", "account_bus", "account_facts", "assign_bus", "attribute_names", "default_diagnosis", "diagnose",
           "diagnose_row", "diagnose_with_problems", "load_diagnosis", "mapping_reason", "read_signals",
           "resolve_natures", "rule_view", "signal_columns"]


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
        return bool(not math.isnan(value) and _OPS[cond.op](value, cond.value))  # NaN never holds
    keys = {normalise(k): k for k in row}
    key = keys.get(normalise(str(cond.column)))
    cell = None if key is None else row[key]
    if cell is None or (isinstance(cell, float) and math.isnan(cell)) or str(cell) == "":
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
    return bool(not math.isnan(number) and _OPS[cond.op](number, cond.value))


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
