"""CRM import: read a file, map its columns, validate every row, then write all of it or none of it."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtm.domain import currency as money_codes
from gtm.domain import outcomes
from gtm.domain.diagnose import default_diagnosis, diagnose_with_problems
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count
from gtm.domain.vocabulary import APPROACHES, NATURES, normalise
from gtm.ingest import cells, decode
from gtm.ingest import columns as colmap
from gtm.ingest.limits import Limits

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


def _values(series: pd.Series) -> list[Any]:
    """A column as Python values, None for every missing marker (NaN, NaT, NA)."""
    return series.astype(object).where(series.notna(), None).tolist()


def _text(series: pd.Series) -> pd.Series:
    out = series.astype("string").str.strip()
    return out.mask(out == "", None)


def _row_dicts(columns: Mapping[str, pd.Series], index: pd.Index, *, drop_missing: bool = False) -> pd.Series:
    """{column: value} per row (None for a missing value), one shared dict object for all rows alike.

    ``drop_missing``: leave missing values out, and give None for a row with none at all. The dicts are
    shared, so they are read, never changed in place.
    """
    key = np.zeros(len(index), dtype=np.int64)
    for series in columns.values():
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        key = pd.factorize(key * (len(uniques) + 1) + codes + 1)[0]  # stays below the row count: no overflow
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    values = [_values(series.iloc[first]) for series in columns.values()]
    names = list(columns)
    dicts = np.empty(len(first), dtype=object)
    for i, vals in enumerate(zip(*values)):
        row = {k: v for k, v in zip(names, vals) if not (drop_missing and v is None)}
        dicts[i] = row or (None if drop_missing else row)
    return pd.Series(dicts[np.asarray(inverse).ravel()], index=index, dtype=object)


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
            percent: bool = False, low: float = 0, high: float | None = None, what: str = "",
            parsed: cells.MoneyCells | None = None) -> pd.Series:
    series = frame[field_name]
    if parsed is not None:
        values, found = parsed.values, parsed.problems
    else:
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


# ---------------------------------------------------------------------------------------------------------------
# Accounts known by their name

NAME_ID_PREFIX = "name:"
_NAME_ID_WIDTH = 128  # the width of external_id (TEXT_LIMITS)
# Each suggestion costs about a millisecond per 100k stored names (see _CloseNames): bound the worst file.
_SUGGEST_AT_MOST = 2000
_SUGGEST_CUTOFF = 0.85


def name_account_id(name: object) -> str:
    """The id of an account known only by its name: "name:" + the normalised name, e.g. 'name:northwind industrial'.

    Readable and the same in every process and on every re-import (no random part). A name too long for the id
    column keeps its first characters and ends with the first 10 hex digits of the SHA-1 of the normalised name.
    """
    key = normalise(name)
    text = NAME_ID_PREFIX + key
    if len(text) <= _NAME_ID_WIDTH:
        return text
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    return text[:_NAME_ID_WIDTH - 11] + "~" + digest


def _name_keys(names: pd.Series) -> pd.Series:
    """normalise() of every name, computed once per distinct name; None where the name is missing."""
    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    keys = np.array([normalise(u) for u in uniques] + [None], dtype=object)[codes]
    return pd.Series(keys, index=names.index, dtype=object)


def _ids_list(ids: Sequence[Any]) -> str:
    shown = ", ".join(str(i) for i in ids[:5])
    return shown + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")


@dataclass(frozen=True)
class _StoredNames:
    """Stored accounts by normalised name: the ids going by each name, and the first name as stored."""

    ids: dict[str, list[str]]
    names: dict[str, str]

    @classmethod
    def of(cls, accounts: pd.DataFrame) -> _StoredNames:
        if accounts.empty:
            return cls({}, {})
        keyed = accounts.assign(key=_name_keys(accounts["name"].astype(object))).dropna(subset=["key"])
        keyed = keyed[keyed["key"] != ""].sort_values("account_id", kind="stable")
        grouped = keyed.groupby("key", sort=False)
        return cls({str(k): [str(i) for i in v] for k, v in grouped["account_id"].agg(list).items()},
                   {str(k): str(v) for k, v in grouped["name"].first().items()})


class _CloseNames:
    """difflib.get_close_matches over many stored names, fast and with the same answer.

    A letter-count matrix gives, in one numpy step, every name's quick_ratio with the wanted one (an upper bound
    of difflib's ratio); difflib then ranks only the few names whose bound reaches the cutoff.
    """

    def __init__(self, keys: list[str]) -> None:
        self.keys = np.array(keys, dtype=object)
        self.lengths = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
        codes = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32)
        self.alphabet, column = np.unique(codes, return_inverse=True)
        width = max(len(self.alphabet), 1)
        rows = np.repeat(np.arange(len(keys)), self.lengths)
        counts = np.bincount(rows * width + column.ravel(), minlength=len(keys) * width).reshape(len(keys), width)
        # Column slices are what is read; a name holds at most 255 of one character (TEXT_LIMITS).
        self.counts = np.asfortranarray(np.minimum(counts, 255).astype(np.uint8))

    def best(self, key: str) -> str | None:
        """The closest stored name (difflib ratio >= the cutoff), or None."""
        if not len(self.keys) or not key:
            return None
        chars, wanted = np.unique(np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32), return_counts=True)
        pos = np.minimum(np.searchsorted(self.alphabet, chars), len(self.alphabet) - 1)
        known = self.alphabet[pos] == chars
        shared = np.minimum(self.counts[:, pos[known]], wanted[known]).sum(axis=1, dtype=np.int64)
        bound = 2.0 * shared / (self.lengths + len(key))
        close = difflib.get_close_matches(key, self.keys[bound >= _SUGGEST_CUTOFF].tolist(), n=1,
                                          cutoff=_SUGGEST_CUTOFF)
        return str(close[0]) if close else None


def _ids_from_names(raw: pd.Series, column: str, known_accounts: pd.DataFrame, problems: list[Problem],
                    notes: list[str]) -> pd.Series:
    """Account ids of a file without an id column: the stored account of that name, else name_account_id.

    Rows whose names normalise alike are each reported (naming the other rows), never merged in silence.
    """
    names = _text(raw)
    keys = _name_keys(names)
    notes.append("No id column: each account's id is derived from its name (case, spacing and punctuation "
                 f"ignored, e.g. 'Northwind Industrial' -> '{name_account_id('Northwind Industrial')}'); an account "
                 "already stored under that name keeps its id. Two rows whose names normalise alike are reported "
                 "as duplicates.")
    no_word = keys.eq("").to_numpy(dtype=bool)
    problems += _first_problems(no_word, raw, column, "has no letters or digits; without an id column an account "
                                                      "is known by its name")
    usable = keys.where(keys != "")
    dup = usable.notna() & usable.duplicated(keep=False)
    if dup.any():
        rows_of = pd.Series(usable[dup].index, index=usable[dup].index).groupby(usable[dup], sort=False).agg(list)
        for rows in rows_of:
            for r in rows:
                others = ", ".join(f"{o} ('{names.at[o]}')" for o in rows if o != r)
                problems.append(Problem(r, column, raw.at[r], f"is the same account name as row {others} once case, "
                                        "spacing and punctuation are ignored; without an id column an account is "
                                        "known by its name: merge the rows, or add an id column"))
    stored = _StoredNames.of(known_accounts).ids
    several = {k for k, v in stored.items() if len(v) > 1}
    for r, key in usable[usable.isin(several)].items():
        problems.append(Problem(r, column, raw.at[r], f"matches several stored accounts ({_ids_list(stored[key])}); "
                                                      "add an id column to say which one this row updates"))
    one = usable.map({k: v[0] for k, v in stored.items() if len(v) == 1})
    derived = (NAME_ID_PREFIX + usable.astype("string")).astype(object)
    too_long = (derived.str.len() > _NAME_ID_WIDTH).fillna(False).to_numpy(dtype=bool)
    derived[too_long] = usable[too_long].map(name_account_id)  # normalise() is idempotent: same id as the short path
    return one.where(one.notna(), derived).astype(object).where(usable.notna(), None)


_UNKNOWN_ACCOUNT = "is not a known account name; "
_UNKNOWN_ACCOUNT_FIX = "import the accounts first or correct the name"


def _accounts_by_name(raw: pd.Series, column: str, accounts: pd.DataFrame, notes: list[str], *,
                      unknown: str = _UNKNOWN_ACCOUNT,
                      fix: str = _UNKNOWN_ACCOUNT_FIX) -> tuple[pd.Series, list[Problem]]:
    """The account id each name refers to (normalised, unique), and a problem for every other name.

    An unknown name close to a stored one gets a suggestion (difflib, over distinct unknown names only); a
    name several accounts go by lists their ids. Nothing is guessed: those rows get no account.
    """
    names = _text(raw)
    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    stored = _StoredNames.of(accounts)
    close_names: _CloseNames | None = None  # built on the first unknown name
    ids: list[Any] = []
    reasons: list[str | None] = []
    suggested = skipped = 0
    for name in uniques:
        key = normalise(name)
        candidates = stored.ids.get(key) if key else None
        if candidates is not None and len(candidates) == 1:
            ids.append(candidates[0])
            reasons.append(None)
            continue
        ids.append(None)
        if candidates is not None:
            reasons.append(f"matches several accounts ({_ids_list(candidates)}); give the account id instead")
            continue
        hint = ""
        skipped += bool(key) and suggested >= _SUGGEST_AT_MOST
        if key and suggested < _SUGGEST_AT_MOST:
            suggested += 1
            close_names = close_names or _CloseNames(list(stored.ids))
            close = close_names.best(key)
            if close is not None:
                hint = f"did you mean '{stored.names[close]}' ({_ids_list(stored.ids[close])})? "
        reasons.append(unknown + (hint + fix[:1].upper() + fix[1:] if hint else fix))
    if skipped:
        notes.append(f"More than {_SUGGEST_AT_MOST} account names are unknown: close names are suggested for the "
                     f"first {_SUGGEST_AT_MOST} only. Import the accounts first?")
    resolved = pd.Series(np.array([*ids, None], dtype=object)[codes], index=raw.index, dtype=object)
    reason_of = np.array([*reasons, None], dtype=object)[codes]
    bad = pd.notna(reason_of)
    problems = [Problem(r, column, raw.at[r], str(reason)) for r, reason in zip(raw.index[bad], reason_of[bad])]
    return resolved, problems


def _parents(frame: pd.DataFrame, col: Any, out: pd.DataFrame, known_accounts: pd.DataFrame,
             problems: list[Problem], notes: list[str]) -> pd.Series:
    """Each account's parent id: the parent id column where it holds one; else the account the parent name column
    names, stored or in this file, matched as opportunities' account names are (an unknown or ambiguous name is a
    problem). A parent id that is no known id but the name of exactly one account is linked to it, and said."""
    index = out.index
    ids = _text(frame["parent_id"]) if "parent_id" in frame else pd.Series(None, index=index, dtype=object)
    has_name = _text(frame["parent_name"]).notna() if "parent_name" in frame else pd.Series(False, index=index)
    if not ids.notna().any() and not has_name.any():
        return ids.astype(object)
    mine = pd.DataFrame({"account_id": out["external_id"], "name": out["name"]}).dropna()
    stored = known_accounts.loc[~known_accounts["account_id"].isin(mine["account_id"]), ["account_id", "name"]]
    candidates = pd.concat([stored, mine], ignore_index=True).drop_duplicates("account_id")
    # A name where an id belongs (a Salesforce report's "Parent Account" mapped to the parent's id): the account of
    # that name, when exactly one goes by it; any other value stays an id (its account may come in a later import).
    odd = ids.notna() & ~ids.isin(candidates["account_id"])
    if odd.any():
        by_name, _unknown = _accounts_by_name(ids[odd], col("parent_id"), candidates, [])
        linked = by_name.dropna()
        if len(linked):
            first = linked.index[0]
            notes.append(f"{count(len(linked), 'parent id')} in '{col('parent_id')}' "
                         f"{'is an account name, not an id: it is' if len(linked) == 1 else 'are account names, not ids: each is'} "
                         f"linked to the account of that name (e.g. row {first}: '{ids.at[first]}' -> "
                         f"'{linked.at[first]}').")
            ids = ids.where(~ids.index.isin(linked.index), linked.reindex(index))
    need = ids.isna() & has_name
    if need.any():
        resolved, found = _accounts_by_name(
            frame["parent_name"][need], col("parent_name"), candidates, notes,
            unknown="is not the name of a stored account nor of an account in this file; ",
            fix="import the parent account first, give its id in a parent id column, or correct the name")
        problems += found
        ids = ids.where(~need, resolved.reindex(index))
    return ids.astype(object)


def rejects_file_name(source_name: str) -> str:
    """Where a file's rejected rows go: 'deals.csv' -> 'deals.rejected.csv', 'export.xlsx' -> 'export.rejected.csv'."""
    stem = Path(str(source_name)).name
    endings = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")
    while stem.lower().endswith(endings):  # 'deals.csv.csv' too: never '.csv.rejected.csv'
        stem = stem[:stem.rindex(".")]
    return f"{stem.strip() or 'import'}.rejected.csv"


@dataclass(frozen=True)
class _Currencies:
    """The file's currency as chosen on import (None: not chosen), the reporting currency, the codes with a rate."""

    chosen: str | None = None
    reporting: str = money_codes.DEFAULT_REPORTING
    rated: frozenset[str] = frozenset()


def _currencies(frame: pd.DataFrame, col: Any, money: cells.MoneyCells, ctx: _Currencies, problems: list[Problem],
                notes: list[str]) -> tuple[pd.Series, bool]:
    """Each row's currency: the currency column, else what the amount names, else the file's currency.

    Returns the currencies and whether the file's currency is a choice (some rows name none, or a bare '$').
    """
    index = frame.index
    named = pd.Series(money.named, index=index, dtype=object)
    if "currency" in frame:
        text = _text(frame["currency"])
        codes, uniques = pd.factorize(text, use_na_sentinel=True)
        parsed = [money_codes.parse_code(u) for u in uniques]
        column = pd.Series(np.array([*parsed, None], dtype=object)[codes], index=index, dtype=object)
        bad = (text.notna() & column.isna()).to_numpy(dtype=bool)
        problems += _first_problems(bad, frame["currency"], col("currency"),
                                    f"is not a currency code; {money_codes.CODE_ACCEPTED}")
        said = named.where(named != cells.BARE_DOLLAR, "USD")
        clash = (column.notna() & said.notna() & (column != said)).to_numpy(dtype=bool)
        bare = (named == cells.BARE_DOLLAR).to_numpy(dtype=bool)
        for r in index[clash]:
            what = "'$' (read as USD)" if bare[index.get_loc(r)] else str(said.at[r])
            problems.append(Problem(r, col("value"), frame.at[r, "value"],
                                    f"names {what} but the {col('currency')} column says {column.at[r]}; "
                                    "correct the amount or the currency"))
    else:
        column = pd.Series(None, index=index, dtype=object)
    unsaid = column.isna() & named.isna()
    bare_dollar = column.isna() & (named == cells.BARE_DOLLAR)
    file_currency = ctx.chosen or ctx.reporting
    if bare_dollar.any() and not ctx.chosen:
        notes.append("'$' read as US dollars (USD); if the file is in another dollar, choose its currency "
                     f"({count(int(bare_dollar.sum()), 'amount')}).")
    if unsaid.any():
        why = "chosen on import" if ctx.chosen else "the reporting currency"
        if unsaid.all():
            notes.append(f"No currency in the file: amounts are taken as {file_currency} ({why}).")
        else:
            n = int(unsaid.sum())
            notes.append(f"{count(n, 'amount')} {'names' if n == 1 else 'name'} no currency: taken as {file_currency} "
                         f"({why}).")
    result = column.where(column.notna(), named)
    result = result.where(~bare_dollar, ctx.chosen or "USD")
    result = result.where(~unsaid, file_currency)
    return result.astype(object), bool(unsaid.any() or bare_dollar.any())


def _missing_rates(currencies: pd.Series, ctx: _Currencies) -> list[Problem]:
    """One problem for the whole file when amounts are in currencies without an exchange rate."""
    lacking = currencies[currencies.notna() & (currencies != ctx.reporting) & ~currencies.isin(ctx.rated)]
    if lacking.empty:
        return []
    counts = lacking.value_counts().sort_index()
    listed = ", ".join(f"{code} ({n} row{'s' if n != 1 else ''})" for code, n in counts.items())
    return [Problem(None, None, None,
                    f"No exchange rate for {listed}: amounts in {'these currencies' if len(counts) > 1 else 'it'} "
                    f"cannot be converted to {ctx.reporting}, the reporting currency. Add the rate on the Import page "
                    "(Reporting currency and exchange rates), then import the file again.")]


def _records(kind: Kind, table: decode.Table, cmap: colmap.ColumnMap, date_first: bool | None,
             known_accounts: pd.DataFrame, notes: list[str],
             ctx: _Currencies = _Currencies(),
             stages: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, list[Problem], bool]:
    """Parse and validate the mapped columns into canonical records."""
    src = table.frame
    problems: list[Problem] = [Problem(None, None, None, m) for m in cmap.missing]
    frame = pd.DataFrame(index=src.index)
    header = {canon: source for canon, source in cmap.fields.items()}
    for canon, source in header.items():
        frame[canon] = src[source]
    if problems:
        return frame, problems, False

    def col(name: str) -> str:
        return header.get(name, name)

    for number_field in ("revenue", "growth_potential", "ease_of_access", "value", "probability", "close_date"):
        if number_field in frame and (digits := cells.digits_note(frame[number_field], col(number_field))):
            notes.append(digits)

    out = pd.DataFrame(index=src.index)
    id_field = "account_id" if kind == "accounts" else "opportunity_id"
    if id_field in frame:
        ids = _text(frame[id_field])
        problems += _first_problems(ids.isna().to_numpy(), frame[id_field], col(id_field),
                                    "is empty; every row needs an id")
        problems += _duplicates(ids, col(id_field))
    else:  # an accounts file by name only (account_id is not required there)
        ids = _ids_from_names(frame["name"], col("name"), known_accounts, problems, notes)
    out["external_id"] = ids

    if kind == "accounts":
        names = _text(frame["name"])
        problems += _first_problems(names.isna().to_numpy(), frame["name"], col("name"), "is empty; every account needs a name")
        out["name"] = names
        for text_field in ("industry", "region", "owner"):
            out[text_field] = _text(frame[text_field]) if text_field in frame else None
        out["parent_external_id"] = _parents(frame, col, out, known_accounts, problems, notes)
        out["revenue"] = (_amount(frame, "revenue", col("revenue"), problems, what="is negative; revenue must be >= 0")
                          if "revenue" in frame else np.nan)
        for score in ("growth_potential", "ease_of_access"):
            out[score] = (_amount(frame, score, col(score), problems, percent=True, high=100,
                                  what="is outside 0-100; scores run from 0 to 100") if score in frame else np.nan)
        out["current_approach"] = (_vocab_column(frame["current_approach"], col("current_approach"), APPROACHES, problems)
                                   if "current_approach" in frame else None)
        return out, problems, False

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
        need = acc.isna() & _text(frame["account_name"]).notna()
        resolved, found = _accounts_by_name(frame["account_name"][need], col("account_name"), accounts, notes)
        acc = acc.where(~need, resolved.reindex(acc.index))
        problems += found
    no_account = acc.isna() & ~frame.index.isin([p.row for p in problems if p.column in (col("account_id"), col("account_name"))])
    problems += [Problem(r, col("account_id") if "account_id" in frame else col("account_name"), None,
                         "is empty; every opportunity needs an account (id or name)") for r in frame.index[no_account]]
    out["account_external_id"] = acc

    out["bu"] = _text(frame["bu"]) if "bu" in frame else None
    for text_field in ("name", "stage", "type", "owner"):
        out[text_field] = _text(frame[text_field]) if text_field in frame else None
    money = cells.parse_money(frame["value"], col("value"))
    out["value"] = _amount(frame, "value", col("value"), problems, what="is negative; amounts must be >= 0",
                           parsed=money)
    out["currency"], choice = _currencies(frame, col, money, ctx, problems, notes)
    problems += _missing_rates(out["currency"], ctx)
    blank_value = out["value"].isna() & ~frame.index.isin([p.row for p in problems if p.column == col("value")])
    problems += _first_problems(blank_value.to_numpy(), frame["value"], col("value"), "is empty; every opportunity needs an amount")
    out["probability"] = (_amount(frame, "probability", col("probability"), problems, percent=True, high=100,
                                  what="is outside 0-100; probability is a percent") if "probability" in frame else np.nan)
    # Open, won or lost: a person's stage mapping, the file's outcome or IsWon / IsClosed columns, the stage's words
    # or a probability of 0 or 100 (data/stages.json); the preview shows each stage with what it was read as.
    reading = outcomes.read_outcomes(
        src.index, stage=out["stage"] if "stage" in frame else None,
        probability=out["probability"].to_numpy(dtype=float) if "probability" in frame else None,
        won=frame["won"] if "won" in frame else None, closed=frame["closed"] if "closed" in frame else None,
        outcome=frame["outcome"] if "outcome" in frame else None, mapping=stages,
        headers={f: col(f) for f in ("outcome", "won", "closed", "stage")})
    problems += reading.problems
    out["outcome"] = reading.outcome
    out["outcome_how"] = reading.how
    if stages:
        unknown = sorted(set(map(normalise, stages)) - set(_name_keys(out["stage"]).dropna()))
        if unknown:
            notes.append(f"The stage mapping names {count(len(unknown), 'stage')} this file does not hold: "
                         + ", ".join(repr(k) for k in unknown[:5]) + ("…" if len(unknown) > 5 else "") + ".")
    if "close_date" in frame:
        dates, found, note = cells.parse_dates(frame["close_date"], col("close_date"), dayfirst=date_first)
        problems += found
        if note:
            notes.append(note)
        out["close_date"] = dates
    else:
        out["close_date"] = pd.NaT

    # Nature: stored only where the file gives it. Everything else is diagnosed when the portfolio is read, by
    # the active rules over all an account's opportunities; the plan previews that diagnosis on the file alone.
    given = (_vocab_column(frame["nature"], col("nature"), NATURES, problems) if "nature" in frame
             else pd.Series(None, index=src.index, dtype=object))
    diagnosis = default_diagnosis()
    signals = [s for s in diagnosis.signal_names if s in frame]
    unmapped = [h for h in cmap.unmapped if h in src]
    out["product_family"] = _text(frame["product_family"]) if "product_family" in frame else None
    view = pd.DataFrame({"name": out["name"], "bu": out["bu"], "product_family": out["product_family"],
                         "account_id": out["account_external_id"], "value": out["value"],
                         "stage": out["stage"], "type": out["type"]}, index=src.index)
    for column in (*signals, *unmapped):
        view[column] = frame[column] if column in frame else src[column]
    # Rows with an unreadable signal are reported (and rejected); the others keep their real diagnosis.
    diag, found = diagnose_with_problems(view, diagnosis)
    problems += [Problem(p.row, header.get(str(p.column), p.column), p.value, p.reason) for p in found]
    is_given = given.notna()
    out["nature"] = given
    out["nature_source"] = np.where(is_given, "given", "rule")
    out["diagnosis_rule"] = None
    out["preview_nature"] = diag["nature"].astype(object).where(~is_given, given)
    out["preview_rule"] = diag["diagnosis_rule"].astype(object).where(~is_given, "given in the file")
    to_diagnose = ~is_given
    if to_diagnose.any():
        # How many of them the import will diagnose is counted against the portfolio, with the active rules and
        # mappings (gtm.services.imports): a count on this file alone would not be what the import gives.
        n = int(to_diagnose.sum())
        notes.append(f"{count(n, 'opportunity')} {'has' if n == 1 else 'have'} no nature in the file: "
                     f"{'it is' if n == 1 else 'they are'} diagnosed when the portfolio is read, by a person's override, a product family mapping or the rules, from what "
                     "the file holds (names, product families, BUs at the account"
                     + (f", {', '.join(signals)}" if signals else "") + ").")
    # Cells are text. Rows alike share one dict: a million rows hold as many dicts as distinct combinations.
    out["signals"] = _row_dicts({s: frame[s] for s in signals}, src.index) if signals else None
    if unmapped:
        # CRM columns no field took (Description, Lead Source …), kept so that a rule added later can read them.
        out["attributes"] = _row_dicts({h: _text(src[h]) for h in unmapped}, src.index, drop_missing=True)
    else:
        out["attributes"] = None
    return out, problems, choice


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
