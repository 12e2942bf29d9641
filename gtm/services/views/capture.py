"""Lead BU, point person and whitespace as the Account and Whitespace pages read them: the evidence's proposals,
what is in force after decisions, the whitespace grid and what the Whitespace page shows of it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gtm.domain import lead, whitespace
from gtm.domain.lead import evidence
from gtm.domain.whitespace import (
    EXPORT_COLUMNS,
    MEASURE_WORDS,
    cell_sentence,
    default_size_bands,
    of_account,
    peers_of,
    potential_words,
)
from gtm.services import capture

TOP_CELLS = 200  # cells listed on the Whitespace page; its download holds every one
# What the Account and Whitespace pages say of one account, one cell and its peers (gtm.domain.whitespace, .lead).
__all__ = ["EXPORT_COLUMNS", "MEASURE_WORDS", "TOP_CELLS", "Views", "cell_sentence", "decided", "default_size_bands",
           "evidence", "figures", "grid", "of_account", "peers_of", "potential_words", "proposals", "views"]


def proposals(opportunities: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The evidence's lead BU and point person per account."""
    return lead.propose(opportunities, currency)


def decided(proposals: pd.DataFrame, decisions: pd.DataFrame, business_units: pd.DataFrame,
            opportunities: pd.DataFrame) -> pd.DataFrame:
    """What is in force per account: a person's choice in the latest decision, else the evidence."""
    return lead.decided(proposals, decisions, capture.bu_names(business_units, opportunities))


def grid(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The whitespace grid of every account (per account and BU), its potentials estimated from peers."""
    return capture.whitespace_grid(frames["accounts"], frames["opportunities"], frames["business_units"])


def figures(cells: pd.DataFrame) -> dict[str, float]:
    """The Whitespace page's headline sums: won, open, potential and whitespace where known, and the cells not
    known."""
    known = cells["potential"].notna().to_numpy()
    return {"won": float(cells["won_value"].sum()), "open": float(cells["open_value"].sum()),
            "potential": float(cells.loc[known, "potential"].sum()),
            "whitespace": float(cells.loc[known, "whitespace"].sum()),
            "unknown": float(np.count_nonzero(~known & cells["bu"].notna().to_numpy()))}


@dataclass(frozen=True)
class Views:
    """What the Whitespace page shows of a grid."""

    cells: pd.DataFrame
    per_account: pd.DataFrame  # whitespace.by_account
    biggest: pd.DataFrame  # whitespace.biggest, TOP_CELLS
    figures: dict[str, float]


def views(cells: pd.DataFrame) -> Views:
    """The Whitespace page's grid, its accounts ranked and its biggest cells."""
    return Views(cells, whitespace.by_account(cells), whitespace.biggest(cells, TOP_CELLS), figures(cells))
