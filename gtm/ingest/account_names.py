"""Accounts known by their name: ids derived from names, and names matched to stored accounts (with suggestions)."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gtm.domain.errors import Problem
from gtm.domain.fmt import count
from gtm.domain.vocabulary import normalise
from gtm.ingest.checks import _first_problems, _text

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
