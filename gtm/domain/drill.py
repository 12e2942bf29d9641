"""One cell of the portfolio matrix, opened: the accounts and opportunities that stand in it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gtm.domain import vocabulary as vocab
from gtm.domain.errors import GtmError
from gtm.domain.outcomes import in_play


@dataclass(frozen=True)
class CellMembers:
    """The opportunities of one (nature, approach) cell and their accounts, largest value first."""

    nature: str
    approach: str
    accounts: pd.DataFrame  # account_id, account_name, opportunities, value
    opportunities: pd.DataFrame  # the cell's largest opportunities, at most ``limit``
    account_count: int
    opportunity_count: int
    value: float


def cell_members(assessed: pd.DataFrame, nature: str, approach: str, limit: int = 200) -> CellMembers:
    """Who stands in the cell (``nature`` column, ``approach`` row) of ``assessed``: as cell_summary counts it, so
    the numbers match the cell (an amount without an exchange rate is not counted). ``nature`` may be "" for the
    column of opportunities not yet diagnosed."""
    for code, words in ((approach, vocab.APPROACHES), (nature or None, vocab.NATURES)):
        if code is not None and code not in words.codes:  # an unknown code is an error, not an empty cell
            raise GtmError(f"'{code}' is not a code of the matrix; accepted: {', '.join(words.codes)}.")
    if nature:
        in_nature = (assessed["nature"] == nature).to_numpy(dtype=bool, na_value=False)
    else:
        in_nature = assessed["nature"].isna().to_numpy()
    values = assessed["value"].to_numpy(dtype=float, na_value=np.nan)
    mask = (in_nature & (assessed["approach"] == approach).to_numpy(dtype=bool, na_value=False) & ~np.isnan(values)
            & in_play(assessed))  # a lost deal stands in no cell
    rows = assessed[mask]
    accounts = (rows.groupby("account_id", observed=True)
                .agg(account_name=("account_name", "first"), opportunities=("value", "size"), value=("value", "sum"))
                .reset_index().sort_values(["value", "account_id"], ascending=[False, True]))
    largest = rows.sort_values("value", ascending=False, kind="stable").head(limit)
    return CellMembers(nature, approach, accounts.head(limit).reset_index(drop=True), largest.reset_index(drop=True),
                       len(accounts), len(rows), float(rows["value"].sum()))
