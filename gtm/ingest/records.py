"""Records: a mapped table's columns parsed and validated into canonical rows, with a problem for each bad cell."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from gtm.domain import currency as money_codes
from gtm.domain import outcomes
from gtm.domain.diagnose import default_diagnosis, diagnose_with_problems
from gtm.domain.errors import Problem
from gtm.domain.fmt import count
from gtm.domain.vocabulary import APPROACHES, NATURES, normalise
from gtm.ingest import cells, decode
from gtm.ingest import columns as colmap
from gtm.ingest.account_names import _accounts_by_name, _ids_from_names, _name_keys, _parents
from gtm.ingest.checks import _amount, _duplicates, _first_problems, _row_dicts, _text, _vocab_column

Kind = Literal["accounts", "opportunities"]
KINDS: tuple[Kind, ...] = ("accounts", "opportunities")


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
        won=frame.get("won", None), closed=frame.get("closed", None),
        outcome=frame.get("outcome", None), mapping=stages,
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
