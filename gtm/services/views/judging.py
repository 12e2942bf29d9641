"""The one chain that judges a portfolio: prepare (once per portfolio version), judge and recommend under a matrix,
summarise per account. The pages (through their cache), the hand-out and the exports all judge through it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from gtm.domain import portfolio
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.recommend import Tally


@dataclass(frozen=True)
class Prepared:
    """What judging and recommending need under any matrix, once per portfolio version: the opportunities' codes
    and expected values, and their tally per account and nature. A band edit is then lookups and arithmetic."""

    opportunities: portfolio.Prepared
    tally: Tally | None


@dataclass(frozen=True)
class Judged:
    """The portfolio under one matrix: the opportunities with their fit, and one recommendation per account."""

    assessed: pd.DataFrame
    recommendations: pd.DataFrame


def prepare(opportunities: pd.DataFrame, won_weight: float) -> Prepared:
    """The band-free half of judging, once per portfolio version (the won-deal weight is part of it)."""
    prepared = portfolio.prepare(opportunities, won_weight)
    return Prepared(prepared, portfolio.recommendation_tally(prepared.frame))


def judge(prepared: Prepared, matrix: ApproachMatrix, currency: str, rationale: bool = True) -> Judged:
    """The prepared portfolio under ``matrix``; without ``rationale`` (a draft's preview) no sentence per account."""
    return Judged(portfolio.judge(prepared.opportunities, matrix),
                  portfolio.recommendations_of(prepared.tally, matrix, currency, rationale=rationale))


def account_table(accounts: pd.DataFrame, judged: Judged) -> pd.DataFrame:
    """Accounts with value, misfits and recommendation (no decision columns: a decision does not rebuild it)."""
    return portfolio.account_summary(accounts, judged.assessed, judged.recommendations)


@dataclass(frozen=True)
class AccountsJudged:
    """``judge_accounts``: every opportunity judged, and the chosen accounts' recommendations and summary."""

    assessed: pd.DataFrame
    recommendations: pd.DataFrame
    summary: pd.DataFrame  # account_table of the chosen accounts


def assess(opportunities: pd.DataFrame, matrix: ApproachMatrix, won_weight: float) -> pd.DataFrame:
    """Every opportunity judged under ``matrix`` (prepare and judge, without the whole portfolio's tally)."""
    return portfolio.judge(portfolio.prepare(opportunities, won_weight), matrix)


def recommend_accounts(assessed: pd.DataFrame, accounts: pd.DataFrame, matrix: ApproachMatrix, currency: str,
                       account_ids: Sequence[str] | None = None) -> AccountsJudged:
    """The recommendations and summary of ``account_ids`` (None: every account) from the judged opportunities."""
    mine = assessed if account_ids is None else assessed[assessed["account_id"].isin(account_ids)]
    recs = portfolio.recommendations(mine, matrix, currency)
    chosen = accounts if account_ids is None else accounts[accounts["account_id"].isin(account_ids)]
    return AccountsJudged(assessed, recs, account_table(chosen, Judged(mine, recs)))


def judge_accounts(opportunities: pd.DataFrame, accounts: pd.DataFrame, matrix: ApproachMatrix, won_weight: float,
                   currency: str, account_ids: Sequence[str] | None = None) -> AccountsJudged:
    """The whole chain in one call (the exports): ``assess``, then ``recommend_accounts``."""
    return recommend_accounts(assess(opportunities, matrix, won_weight), accounts, matrix, currency, account_ids)
