"""What the Key accounts page's parts share: the saved shortlist and focus list (newest versions and members), the
lists' colours, how many points and rows are drawn, and the pipeline column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

SHOWN = 2000  # points drawn and rows listed: the largest accounts; more is slow to send and nobody reads them
# The three lists' colours in the scatter and the funnel. The funnel writes white on the two dark ones (5.3:1 and
# 4.7:1) and near-black on the grey (8.8:1), wherever its text falls inside a bar (charts.legible).
LIST_COLOURS = {"Long list": "#B8BDC2", "Shortlist": "#2F6DB5", "Focus list": "#C44E29"}
HOW_NAMES = {"top": "Top N by size", "thresholds": "Thresholds"}


@dataclass(frozen=True)
class Lists:
    """The newest saved shortlist and focus list (a row of the saved versions, or None) and their account ids."""

    short: dict[str, Any] | None
    focus: dict[str, Any] | None
    short_ids: list[str]
    focus_ids: list[str]


def _latest(versions: pd.DataFrame, stage: str) -> dict[str, Any] | None:
    found = versions[versions["stage"] == stage] if len(versions) else versions
    return None if found.empty else {str(k): v for k, v in found.iloc[0].to_dict().items()}  # newest first


def saved_lists(versions: pd.DataFrame, members: Callable[[int], list[str]]) -> Lists:
    """The newest shortlist and focus list among ``versions`` (newest first), with ``members(list_id)``."""
    short, focus = _latest(versions, "short"), _latest(versions, "focus")
    return Lists(short, focus, members(int(short["list_id"])) if short else [],
                 members(int(focus["list_id"])) if focus else [])


def pipeline_label(currency: str) -> str:
    """The pipeline column's header."""
    return f"Pipeline value ({currency})"


def pipeline_column(currency: str) -> Any:
    """The pipeline column: amounts as the figures write them (widgets.money_table)."""
    return st.column_config.NumberColumn(pipeline_label(currency))
