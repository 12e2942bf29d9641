"""CRM import: read a file, map its columns, validate every row, then write all of it or none of it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtm.domain import currency as money_codes
from gtm.domain import outcomes
from gtm.domain.diagnose import default_diagnosis
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count
from gtm.domain.vocabulary import normalise
from gtm.ingest import columns as colmap
from gtm.ingest import decode
from gtm.ingest.account_names import NAME_ID_PREFIX, _CloseNames, name_account_id
from gtm.ingest.limits import Limits
from gtm.ingest.records import KINDS, TEXT_LIMITS, Kind, _Currencies, _records, _too_long

__all__ = ["KINDS", "NAME_ID_PREFIX", "TEXT_LIMITS", "DiagnosisCounts", "ImportPlan", "ImportResult", "Kind",
           "_CloseNames", "check_committable", "kept_columns", "name_account_id", "plan_import", "rejects_file_name"]


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
    currency_choice: bool = False  # some amounts name no currency (or a bare '$'): the file's currency is a choice
    stage_mapping: dict[str, str] = field(default_factory=dict)  # a person's stage -> outcome, as given
    diagnosis: DiagnosisCounts | None = None  # what the import will diagnose (set by gtm.services.imports)

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

    def preview(self, rows: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The first rows as the file has them and as they will be stored, side by side, in people's words."""
        raw = self.table.frame.head(rows)
        parsed = self.records.head(rows)
        names = {"external_id": "Id", "account_external_id": "Account", "parent_external_id": "Parent account",
                 "preview_nature": "Nature once imported", "preview_rule": "Found by", "outcome": "Outcome"}
        labels = {f.name: f.description[:1].upper() + f.description[1:] for f in colmap.fields(self.kind)}
        shown = [c for c in parsed.columns
                 if c not in ("signals", "attributes", "nature", "nature_source", "diagnosis_rule")
                 and (c in names or c in labels) and parsed[c].notna().any()]
        parsed = parsed[shown].rename(columns={c: names.get(c) or labels.get(c, c) for c in shown})
        return raw, parsed

    def stages(self) -> pd.DataFrame:
        """Each distinct stage of the rows to import with the outcome read, how (in words) and how many opportunities:
        stage, outcome, how, read_by, opportunities. Empty for accounts."""
        if self.kind != "opportunities" or "outcome" not in self.records:
            return pd.DataFrame(columns=["stage", "outcome", "how", "read_by", "opportunities"])
        rows = self.valid
        table = outcomes.stage_table(rows["stage"], rows["outcome"], rows["outcome_how"])
        return table.assign(read_by=table["how"].map(outcomes.HOW_WORDS))[
            ["stage", "outcome", "how", "read_by", "opportunities"]]

    def stage_lines(self) -> list[str]:
        """The stage table in lines for the command line: "'Closed Lost' -> lost (a word of the stage): 120"."""
        table = self.stages()
        return [f"{'(no stage)' if stage is None else repr(stage)} -> {outcome or 'not read'} ({read_by}): "
                f"{count(int(n), 'opportunity')}"
                for stage, outcome, read_by, n in zip(table["stage"], table["outcome"], table["read_by"],
                                                          table["opportunities"], strict=True)]

    def summary(self) -> str:
        """One line: rows, valid, rejected, to add, to update."""
        if self.file_problems:
            n = len(self.file_problems)
            return (f"{count(len(self.records), 'row')} read; the file cannot be imported until "
                    + ("the problem with the whole file is fixed" if n == 1 else
                       f"the {n:,} problems with the whole file are fixed"))
        valid = len(self.valid)
        return (f"{count(len(self.records), 'row')} read, {valid} valid, {len(self.rejected_rows)} rejected; "
                f"{valid - self.existing} to add, {self.existing} to update")


@dataclass(frozen=True)
class DiagnosisCounts:
    """What an import of the plan's valid rows will give, read as the portfolio reads them (active rules, mappings and
    overrides; gtm.services.imports): natures found and not, outcomes, and the rows rejected."""

    diagnosed: int
    undiagnosed: int
    rejected: int
    open: int = 0
    won: int = 0
    lost: int = 0

    def sentence(self) -> str:
        """The preview's one count, in a sentence."""
        total = self.diagnosed + self.undiagnosed
        rejected = (f"; {self.rejected:,} rejected row{'' if self.rejected == 1 else 's'} "
                    f"{'is' if self.rejected == 1 else 'are'} not imported" if self.rejected else "")
        lost = (f" {self.lost:,} of them {'is' if self.lost == 1 else 'are'} lost and will be left out of the fit "
                f"figures and recommendations; {self.won:,} won." if self.lost or self.won else "")
        return (f"Once imported, with the active rules and mappings: of the {total:,} opportunit"
                f"{'y' if total == 1 else 'ies'} imported, {self.diagnosed:,} {'is' if self.diagnosed == 1 else 'are'} "
                f"diagnosed and {self.undiagnosed:,} stay not yet diagnosed (a to-do, never a silent default)"
                f"{rejected}.{lost}")


@dataclass(frozen=True)
class ImportResult:
    """What a committed import changed."""

    kind: Kind
    added: int
    updated: int
    rejected: int
    business_units_added: int = 0
    owners_kept: int = 0  # stored accounts whose owner the file changed, kept: the importer may not reassign

    def summary(self) -> str:
        """Counts in a line, for people."""
        extra = f", {count(self.business_units_added, 'business unit')} created" if self.business_units_added else ""
        if self.owners_kept:
            extra += (f"; the owner of {count(self.owners_kept, 'stored account')} was kept as it was (changing an owner "
                      "needs a facilitator or an administrator)")
        return f"{self.kind}: {self.added} added, {self.updated} updated, {self.rejected} rejected{extra}"


def rejects_file_name(source_name: str) -> str:
    """Where a file's rejected rows go: 'deals.csv' -> 'deals.rejected.csv', 'export.xlsx' -> 'export.rejected.csv'."""
    stem = Path(str(source_name)).name
    endings = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")
    while stem.lower().endswith(endings):  # 'deals.csv.csv' too: never '.csv.rejected.csv'
        stem = stem[:stem.rindex(".")]
    return f"{stem.strip() or 'import'}.rejected.csv"


def plan_import(
    kind: str, source: str | Path | bytes, *, known_accounts: pd.DataFrame, business_units: pd.DataFrame,
    stored_ids: Collection[str] | pd.Series = (), name: str | None = None,
    mapping: colmap.Mapping | Mapping[str, str] | None = None, max_bytes: int | None = None,
    currency: str | None = None, reporting_currency: str = money_codes.DEFAULT_REPORTING,
    rated_currencies: Collection[str] = (), limits: Limits | None = None,
) -> ImportPlan:
    """Read, map and validate a file against what is stored; nothing is written.

    ``known_accounts`` (account_id, name) are the accounts opportunities may refer to, ``business_units``
    (bu_id, name) the BUs already known, ``stored_ids`` the CRM ids of this kind already stored (to be
    updated). Amounts naming no currency are in ``currency`` (default: ``reporting_currency``); a currency
    other than the reporting one without a rate in ``rated_currencies`` is a problem of the whole file.
    ``limits`` bound the read (default: the upload profile); ``max_bytes`` overrides their size limit.
    Raises InputError when the file cannot be read, is beyond a limit, or holds the other kind of records.
    """
    if kind not in KINDS:
        raise InputError(f"Unknown import kind {kind!r}; accepted: {', '.join(KINDS)}.")
    k: Kind = "accounts" if kind == "accounts" else "opportunities"
    source_name = name or (str(source) if not isinstance(source, bytes) else "upload")
    kwargs: dict[str, Any] = {"name": source_name, "limits": limits}
    if max_bytes is not None:
        kwargs["max_bytes"] = max_bytes
    table = decode.read_table(source, **kwargs)
    stages: dict[str, str] = {}
    if isinstance(mapping, colmap.Mapping):
        overrides, date_format, stages = dict(mapping.columns), mapping.date_format, dict(mapping.stages)
    else:
        overrides, date_format = dict(mapping or {}), None
    cmap = colmap.map_columns(list(table.frame.columns), k, overrides)
    if not any(overrides.values()):  # a mapping of the user's own says what the columns mean
        colmap.check_kind(cmap, list(table.frame.columns), source_name)
    date_first = None if date_format is None else date_format.startswith("dd")
    notes = list(table.notes)
    chosen = money_codes.parse_code(currency) if currency else None
    if currency and chosen is None:
        raise InputError(f"The file's currency {currency!r} is not a currency code; {money_codes.CODE_ACCEPTED}.")
    ctx = _Currencies(chosen, reporting_currency, frozenset(rated_currencies))
    records, problems, choice = _records(k, table, cmap, date_first, known_accounts, notes, ctx, stages)
    problems += _too_long(k, records, cmap)
    if k == "opportunities" and "bu" in records and records["bu"].notna().any():
        known = {normalise(v) for v in (*business_units["bu_id"], *business_units["name"])}
        named = pd.unique(records["bu"].dropna())  # each distinct spelling once, in file order
        new_bus = sorted({normalise(b): str(b) for b in named if normalise(b) not in known}.values())
        if new_bus:
            shown = ", ".join(new_bus[:5]) + (f" and {len(new_bus) - 5} more" if len(new_bus) > 5 else "")
            notes.append(f"{count(len(new_bus), 'business unit')} {'is' if len(new_bus) == 1 else 'are'} not known "
                         f"yet and will be created on import: {shown}. "
                         "Check the spelling if that is not intended.")
    plan = ImportPlan(k, source_name, table, cmap, records, problems, notes, currency_choice=choice,
                      stage_mapping=stages)
    if not plan.file_problems and "external_id" in records:
        plan.existing = _count_stored(plan.valid["external_id"].dropna(), stored_ids)
    return plan


def _count_stored(ids: pd.Series, stored: Collection[str] | pd.Series) -> int:
    """How many of ``ids`` are among the stored ones: Arrow's is_in over two string arrays (a million of each
    in well under a second; pandas' isin builds a Python list of the stored ids first)."""
    if not len(ids) or not len(stored):
        return 0
    wanted = pa.array(ids.astype("str"), type=pa.large_string())
    known = stored if isinstance(stored, pd.Series) else pd.Series(list(stored), dtype="str")
    value_set = pa.array(known.astype("str").dropna(), type=pa.large_string())
    return int(pc.sum(pc.is_in(wanted, value_set=value_set)).as_py() or 0)


# Stored columns filled from optional file fields: a re-import of a file without that column keeps them.
_ACCOUNT_OPTIONAL = {"industry": "industry", "region": "region", "parent_external_id": "parent_id",
                     "revenue": "revenue", "growth_potential": "growth_potential", "ease_of_access": "ease_of_access",
                     "current_approach": "current_approach", "owner": "owner"}
_OPPORTUNITY_OPTIONAL = {"bu_id": "bu", "name": "name", "probability": "probability", "stage": "stage",
                         "close_date": "close_date", "type": "type", "owner": "owner",
                         "product_family": "product_family"}


def kept_columns(plan: ImportPlan) -> frozenset[str]:
    """Stored columns an import of this file must not overwrite: those of optional fields the file lacks."""
    mapped = set(plan.columns.fields)
    optional = _ACCOUNT_OPTIONAL if plan.kind == "accounts" else _OPPORTUNITY_OPTIONAL
    keep = frozenset(column for column, canon in optional.items() if canon not in mapped)
    if "parent_name" in mapped:
        keep -= {"parent_external_id"}  # the parent named: linked by its name
    if plan.kind == "opportunities":
        if "nature" not in mapped:
            keep |= {"nature", "nature_source", "diagnosis_rule"}  # the file says nothing: a given nature stays
        if not any(s in mapped for s in default_diagnosis().signal_names):
            keep |= {"signals"}
        if not plan.columns.unmapped:
            keep |= {"attributes"}
        if not {"stage", "probability", "outcome", "won", "closed"} & mapped:
            keep |= {"outcome"}  # the file says nothing of how the deal stands: what is stored stays
    return keep


def check_committable(plan: ImportPlan, *, skip_invalid: bool) -> None:
    """Raise InputError unless the plan may be written (all rows valid, or ``skip_invalid`` and no file problem)."""
    if plan.file_problems:
        raise InputError.from_problems(f"{plan.source_name}: the file cannot be imported.", plan.file_problems)
    if plan.problems and not skip_invalid:
        raise InputError.from_problems(
            f"{plan.source_name}: {count(len(plan.rejected_rows), 'row')} "
            f"{'has' if len(plan.rejected_rows) == 1 else 'have'} problems; nothing was imported. "
            "Fix them, or import with skip-invalid to take the valid rows only.", plan.problems)
