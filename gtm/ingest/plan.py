"""CRM import: read a file, map its columns, validate every row, then write all of it or none of it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from gtm.domain.diagnose import default_diagnosis, diagnose_with_problems
from gtm.domain.errors import InputError, Problem
from gtm.domain.vocabulary import APPROACHES, NATURES, normalise
from gtm.ingest import cells, decode
from gtm.ingest import columns as colmap

Kind = Literal["accounts", "opportunities"]
KINDS: tuple[Kind, ...] = ("accounts", "opportunities")


@dataclass
class ImportPlan:
    """Everything known about a file before anything is written."""

    kind: Kind
    source_name: str
    table: decode.Table
    columns: colmap.ColumnMap
    records: pd.DataFrame  # canonical, parsed; index = spreadsheet row number
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)
    existing: int = 0  # valid rows whose id is already stored (will be updated)

    @property
    def rejected_rows(self) -> set[Any]:
        """Spreadsheet rows with at least one problem."""
        return {p.row for p in self.problems if p.row is not None}

    @property
    def file_problems(self) -> list[Problem]:
        """Problems of the whole file (no row), e.g. a missing required column."""
        return [p for p in self.problems if p.row is None]

    @property
    def valid(self) -> pd.DataFrame:
        """The rows that passed validation."""
        bad = self.rejected_rows
        return self.records[~self.records.index.isin(list(bad))] if bad else self.records

    @property
    def ok(self) -> bool:
        """True when nothing was rejected."""
        return not self.problems

    def sorted_problems(self) -> list[Problem]:
        """Problems in reading order: the whole file's first, then by spreadsheet row."""
        return sorted(self.problems, key=lambda p: (p.row is not None, p.row if isinstance(p.row, int) else 0))

    def problems_frame(self) -> pd.DataFrame:
        """row, column, value, reason of every problem, in row order (blank row: the whole file)."""
        return pd.DataFrame(
            [{"row": "" if p.row is None else str(p.row), "column": p.column or "",
              "value": "" if p.value is None else str(p.value), "reason": p.reason}
             for p in self.sorted_problems()],
            columns=["row", "column", "value", "reason"],
        )

    def rejects_frame(self) -> pd.DataFrame:
        """The rejected rows as they were in the file, with their reasons."""
        bad = sorted(self.rejected_rows, key=lambda r: (str(type(r)), r))
        if not bad:
            return pd.DataFrame(columns=["row", *self.table.frame.columns, "reasons"])
        reasons: dict[Any, list[str]] = {}
        for p in self.problems:
            if p.row is not None:
                reasons.setdefault(p.row, []).append(f"{p.column}: {p.reason}" if p.column else p.reason)
        rows = self.table.frame.loc[bad].copy()
        rows.insert(0, "row", rows.index)
        rows["reasons"] = ["; ".join(reasons[r]) for r in bad]
        return rows

    def summary(self) -> str:
        """One line: rows, valid, rejected, to add, to update."""
        if self.file_problems:
            return (f"{len(self.records)} row(s) read; the file cannot be imported until "
                    f"{len(self.file_problems)} problem(s) with the whole file are fixed")
        valid = len(self.valid)
        return (f"{len(self.records)} row(s) read, {valid} valid, {len(self.rejected_rows)} rejected; "
                f"{valid - self.existing} to add, {self.existing} to update")


@dataclass(frozen=True)
class ImportResult:
    """What a committed import changed."""

    kind: Kind
    added: int
    updated: int
    rejected: int
    business_units_added: int = 0

    def summary(self) -> str:
        """Counts in a line, for people."""
        extra = f", {self.business_units_added} business unit(s) created" if self.business_units_added else ""
        return f"{self.kind}: {self.added} added, {self.updated} updated, {self.rejected} rejected{extra}"


def _values(series: pd.Series) -> list[Any]:
    """A column as Python values, None for every missing marker (NaN, NaT, NA)."""
    return series.astype(object).where(series.notna(), None).tolist()


def _text(series: pd.Series) -> pd.Series:
    out = series.astype("string").str.strip()
    return out.mask(out == "", None)


def _first_problems(mask: np.ndarray, series: pd.Series, column: str, reason: str) -> list[Problem]:
    return [Problem(r, column, v, reason) for r, v in series[mask].items()]


def _duplicates(ids: pd.Series, column: str) -> list[Problem]:
    dup = ids.notna() & ids.duplicated(keep="first")
    if not dup.any():
        return []
    first = ids[ids.notna()].drop_duplicates(keep="first")
    first_row = pd.Series(first.index, index=first.to_numpy())
    return [Problem(r, column, v, f"duplicate id; first seen in row {first_row[v]}") for r, v in ids[dup].items()]


def _vocab_column(series: pd.Series, column: str, vocab: Any, problems: list[Problem]) -> pd.Series:
    """Codes for a column of codes/labels/variants; blank stays None, unknown values become problems."""
    text = _text(series)
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    lookup = [vocab.find(u) for u in uniques]
    mapped = np.array([vocab.codes[i] if i is not None else None for i in lookup] + [None], dtype=object)[codes]
    bad = np.array([i is None for i in lookup] + [False])[codes]
    problems += _first_problems(bad, series, column, f"is not a known {vocab.name}; accepted: {vocab.accepted()}")
    return pd.Series(mapped, index=series.index, dtype=object)


def _amount(frame: pd.DataFrame, field_name: str, column: str, problems: list[Problem], *,
            percent: bool = False, low: float = 0, high: float | None = None, what: str = "") -> pd.Series:
    series = frame[field_name]
    parse = cells.parse_percent if percent else cells.parse_amounts
    values, found = parse(series, column)
    problems += found
    values = np.asarray(values, dtype=float)
    bad_rows = {p.row for p in found}
    ok = ~np.isnan(values)
    out_of_range = ok & (values < low)
    if high is not None:
        out_of_range |= ok & (values > high)
    out_of_range &= ~series.index.isin(list(bad_rows))
    problems += _first_problems(out_of_range, series, column, what)
    return pd.Series(values, index=series.index)


def _records(kind: Kind, table: decode.Table, cmap: colmap.ColumnMap, date_first: bool | None,
             known_accounts: pd.DataFrame, notes: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse and validate the mapped columns into canonical records."""
    src = table.frame
    problems: list[Problem] = [Problem(None, None, None, m) for m in cmap.missing]
    frame = pd.DataFrame(index=src.index)
    header = {canon: source for canon, source in cmap.fields.items()}
    for canon, source in header.items():
        frame[canon] = src[source]
    if problems:
        return frame, problems

    def col(name: str) -> str:
        return header.get(name, name)

    out = pd.DataFrame(index=src.index)
    id_field = "account_id" if kind == "accounts" else "opportunity_id"
    ids = _text(frame[id_field])
    problems += _first_problems(ids.isna().to_numpy(), frame[id_field], col(id_field), "is empty; every row needs an id")
    problems += _duplicates(ids, col(id_field))
    out["external_id"] = ids

    if kind == "accounts":
        names = _text(frame["name"])
        problems += _first_problems(names.isna().to_numpy(), frame["name"], col("name"), "is empty; every account needs a name")
        out["name"] = names
        for text_field in ("industry", "region", "owner"):
            out[text_field] = _text(frame[text_field]) if text_field in frame else None
        out["parent_external_id"] = _text(frame["parent_id"]) if "parent_id" in frame else None
        out["revenue"] = (_amount(frame, "revenue", col("revenue"), problems, what="is negative; revenue must be >= 0")
                          if "revenue" in frame else np.nan)
        for score in ("growth_potential", "ease_of_access"):
            out[score] = (_amount(frame, score, col(score), problems, percent=True, high=100,
                                  what="is outside 0-100; scores run from 0 to 100") if score in frame else np.nan)
        out["current_approach"] = (_vocab_column(frame["current_approach"], col("current_approach"), APPROACHES, problems)
                                   if "current_approach" in frame else None)
        return out, problems

    # opportunities
    accounts = known_accounts[["account_id", "name"]]
    if "account_id" in frame:
        acc = _text(frame["account_id"])
        known = acc.isin(accounts["account_id"])
        missing_acc = acc.notna() & ~known
        problems += _first_problems(missing_acc.to_numpy(), frame["account_id"], col("account_id"),
                                    "is not a known account id; import the accounts first")
    else:
        acc = pd.Series(None, index=src.index, dtype=object)
    if "account_name" in frame:
        by_name = accounts.assign(key=accounts["name"].map(normalise))
        counts = by_name["key"].value_counts()
        unique_names = by_name[by_name["key"].map(counts) == 1].set_index("key")["account_id"]
        names = _text(frame["account_name"])
        need = acc.isna() & names.notna()
        keys = names[need].map(normalise)
        resolved = keys.map(unique_names)
        ambiguous = keys.map(counts).fillna(0) > 1
        unknown = resolved.isna() & ~ambiguous
        acc = acc.where(~need, resolved.reindex(acc.index))
        problems += [Problem(r, col("account_name"), frame.at[r, "account_name"],
                             "matches several accounts; give the account id instead") for r in keys[ambiguous].index]
        problems += [Problem(r, col("account_name"), frame.at[r, "account_name"],
                             "is not a known account name; import the accounts first") for r in keys[unknown].index]
    no_account = acc.isna() & ~frame.index.isin([p.row for p in problems if p.column in (col("account_id"), col("account_name"))])
    problems += [Problem(r, col("account_id") if "account_id" in frame else col("account_name"), None,
                         "is empty; every opportunity needs an account (id or name)") for r in frame.index[no_account]]
    out["account_external_id"] = acc

    out["bu"] = _text(frame["bu"]) if "bu" in frame else None
    for text_field in ("name", "stage", "type", "owner"):
        out[text_field] = _text(frame[text_field]) if text_field in frame else None
    out["value"] = _amount(frame, "value", col("value"), problems, what="is negative; amounts must be >= 0")
    blank_value = out["value"].isna() & ~frame.index.isin([p.row for p in problems if p.column == col("value")])
    problems += _first_problems(blank_value.to_numpy(), frame["value"], col("value"), "is empty; every opportunity needs an amount")
    out["probability"] = (_amount(frame, "probability", col("probability"), problems, percent=True, high=100,
                                  what="is outside 0-100; probability is a percent") if "probability" in frame else np.nan)
    if "close_date" in frame:
        dates, found, note = cells.parse_dates(frame["close_date"], col("close_date"), dayfirst=date_first)
        problems += found
        if note:
            notes.append(note)
        out["close_date"] = dates
    else:
        out["close_date"] = pd.NaT

    # Nature: given where the file says it; diagnosed from the signals everywhere else.
    given = (_vocab_column(frame["nature"], col("nature"), NATURES, problems) if "nature" in frame
             else pd.Series(None, index=src.index, dtype=object))
    diagnosis = default_diagnosis()
    signals = diagnosis.signal_names
    sig_frame = pd.DataFrame({s: frame[s] for s in signals if s in frame}, index=src.index)
    if sig_frame.columns.empty:
        sig_frame = pd.DataFrame({signals[0]: [""] * len(src)}, index=src.index)
        blank = _text(frame["nature"]).isna() if "nature" in frame else pd.Series(True, index=src.index)
        if blank.any():
            notes.append(f"The file has no diagnosis signal columns ({', '.join(signals)}): opportunities without "
                         f"a nature fall to the default rule ({NATURES.label(diagnosis.default_rule.nature).lower()}).")
    # Rows with an unreadable signal are reported (and rejected); the others keep their real diagnosis.
    diag, found = diagnose_with_problems(sig_frame, diagnosis)
    problems += [Problem(p.row, header.get(str(p.column), p.column), p.value, p.reason) for p in found]
    diag_nature = diag["nature"].astype(object)
    diag_rule = diag["diagnosis_rule"].astype(object)
    is_given = given.notna()
    out["nature"] = given.where(is_given, diag_nature)
    out["nature_source"] = np.where(is_given, "given", "diagnosed")
    out["diagnosis_rule"] = diag_rule.where(~is_given, None)
    present = [s for s in signals if s in frame]
    if present:
        # Cells are text; zip over column lists (a dict per row from to_dict is several times slower).
        signal_records = [dict(zip(present, vals)) for vals in zip(*(_values(sig_frame[s]) for s in present))]
        out["signals"] = pd.Series(signal_records, index=src.index, dtype=object)
    else:
        out["signals"] = None
    return out, problems


# Widths of the text columns in gtm/storage/models.py; longer text is a problem, not a database error.
TEXT_LIMITS = {"external_id": 128, "name": 255, "industry": 128, "region": 128, "parent_external_id": 128,
               "owner": 255, "stage": 128, "type": 128, "bu": 128}


def _too_long(kind: Kind, records: pd.DataFrame, cmap: colmap.ColumnMap) -> list[Problem]:
    """A problem for every text cell wider than its database column."""
    canonical = {"external_id": "account_id" if kind == "accounts" else "opportunity_id",
                 "parent_external_id": "parent_id"}
    problems: list[Problem] = []
    for col, limit in TEXT_LIMITS.items():
        if col not in records or not isinstance(records[col], pd.Series):
            continue
        lengths = records[col].astype("string").str.len()
        for row in records.index[(lengths > limit).fillna(False).to_numpy(dtype=bool)]:
            text = str(records.at[row, col])
            field = canonical.get(col, col)
            problems.append(Problem(row, cmap.fields.get(field, field), text[:40] + "…",
                                    f"is {len(text)} characters long; at most {limit} are accepted"))
    return problems


def plan_import(
    kind: str, source: str | Path | bytes, *, known_accounts: pd.DataFrame, business_units: pd.DataFrame,
    stored_ids: Collection[str] = (), name: str | None = None,
    mapping: colmap.Mapping | Mapping[str, str] | None = None, max_bytes: int | None = None,
) -> ImportPlan:
    """Read, map and validate a file against what is stored; nothing is written.

    ``known_accounts`` (account_id, name) are the accounts opportunities may refer to, ``business_units``
    (bu_id, name) the BUs already known, ``stored_ids`` the CRM ids of this kind already stored (to be
    updated). Raises InputError when the file cannot be read.
    """
    if kind not in KINDS:
        raise InputError(f"Unknown import kind {kind!r}; accepted: {', '.join(KINDS)}.")
    k: Kind = "accounts" if kind == "accounts" else "opportunities"
    source_name = name or (str(source) if not isinstance(source, bytes) else "upload")
    kwargs: dict[str, Any] = {"name": source_name}
    if max_bytes is not None:
        kwargs["max_bytes"] = max_bytes
    table = decode.read_table(source, **kwargs)
    if isinstance(mapping, colmap.Mapping):
        overrides, date_format = dict(mapping.columns), mapping.date_format
    else:
        overrides, date_format = dict(mapping or {}), None
    cmap = colmap.map_columns(list(table.frame.columns), k, overrides)
    date_first = None if date_format is None else date_format.startswith("dd")
    notes = list(table.notes)
    records, problems = _records(k, table, cmap, date_first, known_accounts, notes)
    problems += _too_long(k, records, cmap)
    if k == "opportunities" and "bu" in records and records["bu"].notna().any():
        known = {normalise(v) for v in (*business_units["bu_id"], *business_units["name"])}
        new_bus = sorted({normalise(b): str(b) for b in records["bu"].dropna() if normalise(b) not in known}.values())
        if new_bus:
            shown = ", ".join(new_bus[:5]) + (f" and {len(new_bus) - 5} more" if len(new_bus) > 5 else "")
            notes.append(f"{len(new_bus)} business unit(s) are not known yet and will be created on import: {shown}. "
                         "Check the spelling if that is not intended.")
    plan = ImportPlan(k, source_name, table, cmap, records, problems, notes)
    if not plan.file_problems and "external_id" in records:
        plan.existing = int(plan.valid["external_id"].dropna().isin(set(stored_ids)).sum())
    return plan


# Stored columns filled from optional file fields: a re-import of a file without that column keeps them.
_ACCOUNT_OPTIONAL = {"industry": "industry", "region": "region", "parent_external_id": "parent_id",
                     "revenue": "revenue", "growth_potential": "growth_potential", "ease_of_access": "ease_of_access",
                     "current_approach": "current_approach", "owner": "owner"}
_OPPORTUNITY_OPTIONAL = {"bu_id": "bu", "name": "name", "probability": "probability", "stage": "stage",
                         "close_date": "close_date", "type": "type", "owner": "owner"}


def kept_columns(plan: ImportPlan) -> frozenset[str]:
    """Stored columns an import of this file must not overwrite: those of optional fields the file lacks."""
    mapped = set(plan.columns.fields)
    optional = _ACCOUNT_OPTIONAL if plan.kind == "accounts" else _OPPORTUNITY_OPTIONAL
    keep = frozenset(column for column, canon in optional.items() if canon not in mapped)
    if plan.kind == "opportunities" and "nature" not in mapped and not any(
            s in mapped for s in default_diagnosis().signal_names):
        # Nothing in the file says what the nature is: keep what is stored (given or diagnosed before).
        keep |= {"nature", "nature_source", "diagnosis_rule", "signals"}
    return keep


def check_committable(plan: ImportPlan, *, skip_invalid: bool) -> None:
    """Raise InputError unless the plan may be written (all rows valid, or ``skip_invalid`` and no file problem)."""
    if plan.file_problems:
        raise InputError.from_problems(f"{plan.source_name}: the file cannot be imported.", plan.file_problems)
    if plan.problems and not skip_invalid:
        raise InputError.from_problems(
            f"{plan.source_name}: {len(plan.rejected_rows)} row(s) have problems; nothing was imported. "
            "Fix them, or import with skip-invalid to take the valid rows only.", plan.problems)
