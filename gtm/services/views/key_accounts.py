"""What the Key accounts page reads: the deck's funnel over every account (pipeline, measures, positions, the
shortlist's preview), and the funnel's rules and words."""

from __future__ import annotations

import pandas as pd

from gtm.domain import funnel
from gtm.domain.funnel import MEASURES, Axis, FunnelRules, coverage, latest_picks
from gtm.domain.funnel import funnel as funnel_stages
from gtm.services import lists
from gtm.storage.repository import Store

__all__ = ["MEASURES", "Axis", "FunnelRules", "coverage", "funnel_stages", "latest_picks", "measures", "pipeline",
           "positioned", "rules", "shortlist"]


def rules() -> FunnelRules:
    """The funnel's stages, sizes, axes and score scale (data/funnel.json)."""
    return funnel.default_rules()


def pipeline(opportunities: pd.DataFrame, won_weight: float) -> pd.DataFrame:
    """Each account's pipeline value (won deals weighed by ``won_weight``)."""
    return funnel.account_pipeline(opportunities, won_weight)


def measures(store: Store, accounts: pd.DataFrame, pipeline: pd.DataFrame, rules: FunnelRules) -> pd.DataFrame:
    """Each account's size and ease measures, with the BU leaders' mean scores."""
    means = funnel.score_means(lists.scores(store), rules.score_scale)
    return funnel.measures(accounts, pipeline, means, rules)


def positioned(measures: pd.DataFrame, size: str, ease: str, growth: bool) -> pd.DataFrame:
    """Every account placed on the chosen size and ease axes."""
    return funnel.position(measures, size, ease, growth=growth)


def shortlist(positioned: pd.DataFrame, top_n: int | None, min_size: float | None,
              min_ease: float | None) -> pd.DataFrame:
    """The shortlist's preview: the top N by size, or the accounts over the thresholds."""
    return funnel.shortlist(positioned, top_n=top_n, min_size=min_size, min_ease=min_ease)
