"""The judged portfolio: the frames read, prepared once per portfolio version, judged and recommended under a
matrix, summarised per account, filtered to a list; and what pages derive from it (figures, cells, a band edit's
effect, the review queue, the first hour's progress). The hand-out and the exports judge through the same
functions (``judge_accounts``).

The steps are separate functions so that a cache can hold each under its own key: a band edit re-judges a prepared
portfolio without reading or preparing it again, a decision re-reads only the decisions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from gtm.domain import drill, portfolio, vocabulary
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.outcomes import in_play
from gtm.domain.portfolio import (
    STEPS_HELP,
    assumed_approach,
    filter_queue,
    fit_summary,
    fit_under,
    nature_found,
    no_bu_sentence,
    search_accounts,
    served_by,
    waiting_rows,
    without_bu,
)
from gtm.domain.recommend import expected_value_note
from gtm.services import currency as currency_service
from gtm.services import lists as lists_service
from gtm.services import outcomes as outcomes_service
from gtm.services import portfolio as portfolio_service
from gtm.services import progress as progress_service
from gtm.services.views.judging import (
    AccountsJudged,
    Judged,
    Prepared,
    account_table,
    assess,
    judge,
    judge_accounts,
    prepare,
    recommend_accounts,
)
from gtm.services.views.keys import Filters
from gtm.storage.repository import Store

Frames = dict[str, pd.DataFrame]  # accounts, business_units, opportunities (diagnosed), quarantined
Figures = portfolio.Figures
Overview = portfolio.Overview
MatrixEffect = portfolio.MatrixEffect
CellMembers = drill.CellMembers
Progress = progress_service.Progress
FILTERED = ("bu", "region", "industry")  # the opportunity columns a page filters on
# What the Account and Review pages read of one account or queue, as the domain says it.
__all__ = ["STEPS_HELP", "AccountsJudged", "Judged", "Prepared", "account_table", "assess", "assumed_approach",
           "expected_value_note", "filter_queue", "fit_summary", "fit_under", "in_play", "judge", "judge_accounts",
           "nature_found", "no_bu_sentence", "prepare", "recommend_accounts", "search_accounts", "served_by",
           "waiting_rows", "without_bu"]


@dataclass(frozen=True)
class PortfolioData:
    """Everything a page reads, computed once per data version and matrix."""

    accounts: pd.DataFrame
    business_units: pd.DataFrame
    opportunities: pd.DataFrame
    decisions: pd.DataFrame
    assessed: pd.DataFrame
    recommendations: pd.DataFrame
    account_table: pd.DataFrame  # portfolio.account_summary: no decision columns (see decisions)
    matrix: ApproachMatrix
    matrix_name: str
    version: int
    portfolio_version: int  # the version the frames were read at: what derived views are keyed on too
    quarantined: pd.DataFrame  # stored values the engine cannot use: row, account_id, column, value, reason
    draft: bool = False  # judged against a band edit not saved: no account table, no recommendation sentences
    list_id: int = 0  # the saved account list (version) the frames are filtered to; 0: every account


# ---------------------------------------------------------------------------------------------- reading
def stored_rows(store: Store) -> Frames:
    """The stored rows as read, before any diagnosis."""
    return portfolio_service.stored_rows(store)


def frames(store: Store, rows: Callable[[], Frames] | None = None) -> Frames:
    """What every page reads (portfolio.frames): from the version's snapshot when there is one, else diagnosed from
    the stored rows (``rows`` when at hand), saved in the background for the next cold start."""
    return portfolio_service.frames(store, save_in_background=True, rows=rows)


def decisions(store: Store) -> pd.DataFrame:
    """Every decision, newest first."""
    return store.decisions()


def currency(store: Store) -> str:
    """The reporting currency (ISO code) every amount is shown in."""
    return currency_service.reporting_currency(store)


def won_weight(store: Store) -> tuple[float, str | None]:
    """What a won deal weighs in the recommendations, and why the stored weight is not used (None: it is)."""
    return outcomes_service.won_weight(store), outcomes_service.refused_won_weight(store)


def list_versions(store: Store) -> pd.DataFrame:
    """The saved account lists' versions, the latest saved first."""
    return lists_service.list_versions(store)


def list_ids(store: Store, list_id: int) -> pd.Index:
    """A saved list version's account ids."""
    return pd.Index(lists_service.members(store, list_id))


def listed(frames: Frames, judged: Judged, table: pd.DataFrame, ids: pd.Index) -> Frames:
    """The frames of a saved list's accounts only: accounts, opportunities, assessed, recommendations, table."""

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["account_id"].isin(ids)] if "account_id" in frame else frame

    return {"accounts": keep(frames["accounts"]), "opportunities": keep(frames["opportunities"]),
            "assessed": keep(judged.assessed), "recommendations": keep(judged.recommendations),
            "account_table": keep(table)}


def of_accounts(frame: pd.DataFrame, ids: pd.Index) -> pd.DataFrame:
    """The rows of ``frame`` whose account is in ``ids``."""
    return frame[frame["account_id"].isin(ids)]


# ---------------------------------------------------------------------------------------------- what pages derive
def view(assessed: pd.DataFrame, filters: Filters, ids: pd.Index | None = None) -> pd.DataFrame:
    """The opportunities the Portfolio page's filters (keys.filters_key) keep; ``ids``: the list's accounts."""
    if ids is not None:
        assessed = of_accounts(assessed, ids)
    bu, region, industry, fit = (list(f) for f in filters[:4])
    return portfolio.filter_opportunities(assessed, bu=bu, region=region, industry=industry, fit=fit)


def overview(view: pd.DataFrame) -> Overview:
    """The Portfolio page's figures, cells, misfits and to-do list of a filtered view."""
    return portfolio.overview(view)


def figures(assessed: pd.DataFrame) -> Figures:
    """The headline figures."""
    return portfolio.figures(assessed)


def refigured(same: Figures, assessed: pd.DataFrame) -> Figures:
    """``same`` (the figures under the active matrix) with only the fits counted again under a band edit."""
    return portfolio.refigured(same, assessed)


def cells(assessed: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The matrix cells (count and value per nature and approach) and the not-yet-diagnosed strip."""
    return portfolio.cell_summary(assessed), portfolio.undiagnosed_summary(assessed)


def effect(before: Judged, after: Judged) -> MatrixEffect:
    """What a band edit (``after``) changes against the active matrix (``before``)."""
    return portfolio.compare(before.assessed, after.assessed, before.recommendations, after.recommendations)


def cell(view: pd.DataFrame, nature: str, approach: str) -> CellMembers:
    """The accounts and opportunities in one cell of a filtered view."""
    return drill.cell_members(view, nature, approach)


def filter_options(opportunities: pd.DataFrame) -> dict[str, list[str]]:
    """The distinct values of each filtered column (bu, region, industry), sorted."""
    return {c: sorted(str(v) for v in opportunities[c].dropna().unique()) if c in opportunities else []
            for c in FILTERED}


def review_queue(store: Store, accounts: pd.DataFrame, assessed: pd.DataFrame, decisions: pd.DataFrame,
                 bus: Sequence[str], matrix: ApproachMatrix) -> tuple[pd.DataFrame, Figures]:
    """The Review page's queue for ``bus`` (each account once, those waiting for their verdict first), and the
    figures of those BUs."""
    queue = portfolio.review_queue(accounts, assessed, decisions, list(bus), matrix, store.reviews())
    return queue, portfolio.figures(assessed[assessed["bu"].isin(bus)])


def progress(accounts: pd.DataFrame, judged: Judged, decisions: pd.DataFrame) -> Progress:
    """The first hour's checklist over every account under the active matrix."""
    return progress_service.progress(accounts, judged.assessed, judged.recommendations, decisions)


def glossary() -> pd.DataFrame:
    """The natures and approaches with what each means (data/vocabulary.json), lightest first: kind, rank, label,
    meaning."""
    return vocabulary.glossary()
