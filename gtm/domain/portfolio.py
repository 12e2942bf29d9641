"""The portfolio view of the rules: assessed opportunities, account recommendations, figures, queues, what-ifs.

Pure functions over DataFrames.
"""


from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from gtm.domain import vocabulary as vocab
from gtm.domain.accounts import (
    ALL_LOST,
    NO_DIAGNOSIS,
    MatrixEffect,
    account_summary,
    account_table,
    compare,
    fold_text,
    recommendation_tally,
    recommendations,
    recommendations_of,
    search_accounts,
    with_latest_decision,
)
from gtm.domain.assess import nature_and_approach, require_columns
from gtm.domain.currency import DEFAULT_REPORTING
from gtm.domain.errors import InputError
from gtm.domain.fmt import count, money, plural, share
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.outcomes import OUTCOME_DTYPE, WON_WEIGHT_DEFAULT, in_play
from gtm.domain.queues import QUEUE_EMPTY_COLUMNS, filter_queue, review_queue, waiting_rows
from gtm.domain.recommend import expected_values
from gtm.domain.summaries import (
    STEPS_HELP,
    biggest_misfits,
    cell_summary,
    filter_opportunities,
    fit_summary,
    fit_under,
    nature_found,
    served_by,
    undiagnosed_summary,
    undiagnosed_todo,
)
from gtm.domain.vocabulary import Fit

# The assessment and the headline figures live here; the rest of the portfolio view is re-exported from
# gtm.domain.summaries, gtm.domain.accounts and gtm.domain.queues, so that every caller keeps one module.
__all__ = ["ALL_LOST", "LOST_RATIONALE", "NO_DIAGNOSIS", "QUEUE_EMPTY_COLUMNS", "STEPS_HELP", "UNDIAGNOSED_RATIONALE",
           "Figures", "MatrixEffect", "Overview", "Prepared", "account_summary", "account_table", "assess_portfolio",
           "assumed_approach", "biggest_misfits", "cell_summary", "compare", "figures", "filter_opportunities",
           "filter_queue", "fit_summary", "fit_under", "fold_text", "judge", "lost_sentence", "nature_found",
           "no_bu_sentence", "overview", "prepare", "recommendation_tally", "recommendations", "recommendations_of",
           "refigured", "review_queue", "search_accounts", "served_by", "undiagnosed_summary", "undiagnosed_todo",
           "waiting_rows", "with_latest_decision", "without_bu"]


# An account whose current approach was never given is judged as if served by the lightest structure (the deck's
# "before KAM" baseline: traditional sales reps and distributors), and every page says it is assumed.
def assumed_approach() -> str:
    """The approach assumed where none is recorded: the lightest one."""
    return vocab.APPROACHES.codes[0]


def without_bu(opportunities: pd.DataFrame) -> bool:
    """Whether the portfolio has opportunities but none with a BU (no BU column and no product family -> BU
    mapping yet): nothing can then be reviewed by BU nor headed, and the pages say so with no_bu_sentence."""
    return len(opportunities) > 0 and ("bu" not in opportunities or not opportunities["bu"].notna().any())


def no_bu_sentence(opportunities: int) -> str:
    """What a portfolio whose opportunities carry no BU lacks, and where to give them one."""
    lacking = "it has no BU" if opportunities == 1 else "none has a BU"
    return (f"The portfolio has {count(opportunities, 'opportunity')} but {lacking}: map product families to BUs "
            "on the Diagnose page.")


UNDIAGNOSED_RATIONALE = ("Not yet diagnosed: nothing in the data says which nature this opportunity has, so it is "
                         "left out of fit shares and recommendations until a person or a rule decides.")
LOST_RATIONALE = ("Lost: this deal is no longer at stake, so it carries no fit and weighs nothing in the "
                  "recommendation.")


def assess_portfolio(opportunities: pd.DataFrame, matrix: ApproachMatrix,
                     won_weight: float = WON_WEIGHT_DEFAULT) -> pd.DataFrame:
    """Opportunities with fit, steps, band, rationale and expected value at their account's current approach.

    Where no current approach is recorded the lightest is assumed (``approach_assumed`` says so). Opportunities
    not yet diagnosed (no nature) and lost ones (``outcome``) keep an empty fit and say why; a lost deal keeps its
    nature. Expected values weigh a won deal by ``won_weight`` and a lost one by nothing (``expected_values``).
    """
    return judge(prepare(opportunities, won_weight), matrix)


@dataclass(frozen=True, eq=False)
class Prepared:
    """Opportunities ready to be judged under any matrix: what ``assess_portfolio`` works out before it looks at a
    band (expected values, outcomes, the assumed approaches, nature and approach codes). Kept once per portfolio, a
    band edit's judgement is then a lookup in the matrix's tables."""

    frame: pd.DataFrame  # the opportunities with outcome, expected_value, approach_assumed, approach (and nature)
    nature: np.ndarray  # per opportunity: the nature's position (-1: not yet diagnosed)
    approach: np.ndarray  # per opportunity: its (or the assumed) approach's position
    known: np.ndarray  # per opportunity: diagnosed and at stake, so judged
    play: np.ndarray  # per opportunity: at stake (not lost)

    @property
    def every_one_known(self) -> bool:
        """Every opportunity is diagnosed and at stake."""
        return bool(self.known.all())


def prepare(opportunities: pd.DataFrame, won_weight: float = WON_WEIGHT_DEFAULT) -> Prepared:
    """The band-free half of ``assess_portfolio``: raises the same errors, for the same values."""
    opps = opportunities.copy(deep=False)
    if "outcome" in opps:  # three words over a million rows: a category column, compared on its codes
        opps["outcome"] = opps["outcome"].astype(OUTCOME_DTYPE)
    opps["expected_value"] = expected_values(opps, won_weight) if len(opps) else pd.Series(dtype=float)
    given = opps["approach"] if "approach" in opps else pd.Series(None, index=opps.index, dtype=object)
    assumed = given.isna().to_numpy()
    opps["approach_assumed"] = assumed
    named = (opps["nature"].notna() if "nature" in opps else pd.Series(False, index=opps.index)).to_numpy()
    play = in_play(opps)
    known = named & play
    if "nature" not in opps:
        require_columns(opps, ("nature",), "assess")
    try:
        approach = _approach_codes(given, assumed)
        nature = _nature_codes(opps["nature"], named)
    except InputError:
        _raise_as_assessed(opps, given.astype(object).where(~assumed, assumed_approach()), known, named & ~play)
        raise
    opps["approach"] = pd.Categorical.from_codes(approach, dtype=vocab.APPROACHES.dtype)
    opps["nature"] = pd.Categorical.from_codes(nature, dtype=vocab.NATURES.dtype)
    return Prepared(opps, nature, approach, known, play)


def _approach_codes(given: pd.Series, assumed: np.ndarray) -> np.ndarray:
    """Each opportunity's approach as a position, the lightest where none is given (InputError for an unknown one)."""
    if pd.api.types.is_string_dtype(given.dtype) and given.dtype != object:  # Arrow strings: no object per row
        return vocab.APPROACHES.indices(given.fillna(assumed_approach()), "approach")
    return vocab.APPROACHES.indices(given.astype(object).where(~assumed, assumed_approach()), "approach")


def _nature_codes(nature: pd.Series, named: np.ndarray) -> np.ndarray:
    """Each opportunity's nature as a position, -1 where it has none (InputError for an unknown one)."""
    if isinstance(nature.dtype, pd.CategoricalDtype):  # a diagnosed portfolio: looked up per category
        found = [vocab.NATURES.find(c) for c in nature.cat.categories]
        table = np.array([-1 if i is None else i for i in found] + [-1], dtype=np.int8)
        codes: np.ndarray = table[nature.cat.codes.to_numpy()]
        if (codes[named] < 0).any():
            raise InputError("Column 'nature': an unknown nature.")  # said in full by _raise_as_assessed
        return codes
    codes = np.full(len(nature), -1, dtype=np.int8)
    if named.any():
        codes[named] = vocab.NATURES.indices(nature[named], "nature")
    return codes


def _raise_as_assessed(opps: pd.DataFrame, approach: pd.Series, known: np.ndarray, gone: np.ndarray) -> None:
    """Raise the InputError a row-by-row reading raises, in its order: the rows judged (nature and approach in one
    message), then every approach, then the natures of lost deals."""
    nature_and_approach(opps.loc[known, ["nature"]].assign(approach=approach[known]))
    vocab.APPROACHES.indices(approach, "approach")
    vocab.NATURES.indices(opps.loc[gone, "nature"], "nature")


def judge(prepared: Prepared, matrix: ApproachMatrix) -> pd.DataFrame:
    """The prepared opportunities judged under ``matrix``: fit, steps, band and rationale per opportunity, looked up
    in the matrix's tables (``assess_portfolio``'s frame)."""
    opps = prepared.frame.copy(deep=False)
    n, a = prepared.nature.astype(np.intp), prepared.approach.astype(np.intp)
    cell = n * len(vocab.APPROACHES) + a
    if prepared.every_one_known:  # as assess draws it: every row has a cell
        opps["fit"] = pd.Categorical.from_codes(matrix.fit_table.ravel()[cell], dtype=vocab.FITS.dtype)
        opps["steps"] = matrix.steps_table.ravel()[cell]
        opps["band_low"] = pd.Categorical.from_codes(matrix.low_index[n], dtype=vocab.APPROACHES.dtype)
        opps["band_high"] = pd.Categorical.from_codes(matrix.high_index[n], dtype=vocab.APPROACHES.dtype)
        opps["rationale"] = pd.Categorical.from_codes(cell, categories=pd.Index(matrix.rationale_table))
        return opps
    known, play = prepared.known, prepared.play
    # Only the rows with a nature at stake are judged; the others keep an empty fit and say why.
    for col, table, dtype in (("fit", matrix.fit_table.ravel()[cell], vocab.FITS.dtype),
                              ("band_low", matrix.low_index[n], vocab.APPROACHES.dtype),
                              ("band_high", matrix.high_index[n], vocab.APPROACHES.dtype)):
        opps[col] = pd.Categorical.from_codes(np.where(known, table, -1).astype(table.dtype), dtype=dtype)
    opps["steps"] = np.where(known, matrix.steps_table.ravel()[cell], 0).astype(matrix.steps_table.dtype)
    sentences = pd.Index(matrix.rationale_table)
    why = np.where(known, cell, len(sentences))
    why[~play] = len(sentences) + 1
    opps["rationale"] = pd.Categorical.from_codes(
        why, categories=sentences.append(pd.Index([UNDIAGNOSED_RATIONALE, LOST_RATIONALE])))
    return opps


def _spread(values: np.ndarray, where: np.ndarray, fill: int) -> np.ndarray:
    """``values`` at the rows where ``where`` holds, ``fill`` elsewhere."""
    out = np.full(len(where), fill, dtype=values.dtype if values.dtype.kind in "iu" else np.int64)
    out[where] = values
    return out


@dataclass(frozen=True)
class Figures:
    """The headline figures of a (filtered) portfolio."""

    accounts: int
    opportunities: int
    total_value: float
    realistic_share: float
    overkill_count: int
    overkill_value: float
    insufficient_count: int
    insufficient_value: float
    undiagnosed_count: int = 0
    undiagnosed_value: float = 0.0
    assumed_accounts: int = 0
    lost_count: int = 0  # lost deals: left out of every figure above
    lost_value: float = 0.0

    @property
    def diagnosed_value(self) -> float:
        """The value the fit shares are computed over: every opportunity at stake with a nature."""
        return self.total_value - self.undiagnosed_value

    def assumed(self) -> str:
        """One sentence on the accounts whose current structure the fit figures assume (empty when none do)."""
        n = self.assumed_accounts
        if not n:
            return ""
        lightest = vocab.APPROACHES.label(assumed_approach()).lower()
        of = f"{n:,} of the {count(self.accounts, 'account')}" if n < self.accounts else \
            ("The one account" if n == 1 else f"All {n:,} accounts")
        return (f"{of} {plural(n, 'has', 'have')} no current structure recorded: the misfits judge "
                f"{plural(n, 'it', 'them')} as served by {lightest} (assumed).")

    def left_out(self, currency: str = DEFAULT_REPORTING) -> str:
        """What the fit figures leave out, in a sentence or two (empty when nothing is): opportunities not yet
        diagnosed, and lost deals; amounts in ``currency``."""
        parts = []
        if self.undiagnosed_count:
            part = self.undiagnosed_value / self.total_value if self.total_value else 0.0
            parts.append(f"{count(self.undiagnosed_count, 'opportunity')} ({money(self.undiagnosed_value, currency)}, "
                         f"{share(part)} of the value) {plural(self.undiagnosed_count, 'is', 'are')} not yet diagnosed "
                         "and left out of fit shares and recommendations.")
        if self.lost_count:
            parts.append(lost_sentence(self.lost_count, self.lost_value, currency))
        return " ".join(parts)


def lost_sentence(number: int, value: float, currency: str = DEFAULT_REPORTING,
                  left_out_of: str = "the figures, fits and recommendations") -> str:
    """How many lost deals (and their value) the verdicts leave out, in a sentence."""
    return (f"{count(number, 'lost deal')} ({money(value, currency)}) {plural(number, 'is', 'are')} left out of "
            f"{left_out_of}: no longer at stake.")


def figures(assessed: pd.DataFrame) -> Figures:
    """Counts and values by fit of the opportunities at stake; the value share in band is over diagnosed ones only.
    Lost deals are counted apart (``lost_count``, ``lost_value``)."""
    play = in_play(assessed)
    value = assessed["value"].to_numpy(dtype=float, na_value=np.nan)
    value = np.where(np.isnan(value), 0.0, value)  # as a Series' sum skips a missing amount: the same additions
    total = float(value[play].sum())
    fits = _fit_masks(assessed["fit"])  # a lost deal has none
    count = {f: int(fits[f].sum()) for f in Fit}
    sums = {f: float(value[fits[f]].sum()) for f in Fit}
    undiagnosed = assessed["nature"].isna().to_numpy() if "nature" in assessed else np.zeros(len(assessed), bool)
    undiagnosed = undiagnosed & play
    undiagnosed_value = float(value[undiagnosed].sum())
    diagnosed = total - undiagnosed_value
    assumed = (assessed["account_id"][assessed["approach_assumed"].astype(bool).to_numpy() & play].nunique()
               if "approach_assumed" in assessed else 0)
    return Figures(
        accounts=int(assessed["account_id"][play].nunique()),
        opportunities=int(play.sum()),
        total_value=total,
        realistic_share=sums[Fit.REALISTIC] / diagnosed if diagnosed else 0.0,
        overkill_count=count[Fit.OVERKILL],
        overkill_value=sums[Fit.OVERKILL],
        insufficient_count=count[Fit.INSUFFICIENT],
        insufficient_value=sums[Fit.INSUFFICIENT],
        undiagnosed_count=int(undiagnosed.sum()),
        undiagnosed_value=undiagnosed_value,
        assumed_accounts=int(assumed),
        lost_count=int((~play).sum()),
        lost_value=float(value[~play].sum()),
    )


def refigured(same: Figures, assessed: pd.DataFrame) -> Figures:
    """``figures(assessed)`` when ``same`` are the figures of the same opportunities under another matrix: a band
    moves only the fits, so the counts no band changes (accounts, value, not yet diagnosed, assumed, lost) are taken
    from ``same`` and only the fit counts and values are summed again (a band edit's preview)."""
    value = assessed["value"].to_numpy(dtype=float, na_value=np.nan)
    value = np.where(np.isnan(value), 0.0, value)
    fits = _fit_masks(assessed["fit"])
    sums = {f: float(value[fits[f]].sum()) for f in Fit}
    diagnosed = same.total_value - same.undiagnosed_value
    return replace(same, realistic_share=sums[Fit.REALISTIC] / diagnosed if diagnosed else 0.0,
                   overkill_count=int(fits[Fit.OVERKILL].sum()), overkill_value=sums[Fit.OVERKILL],
                   insufficient_count=int(fits[Fit.INSUFFICIENT].sum()), insufficient_value=sums[Fit.INSUFFICIENT])


def _fit_masks(fit: pd.Series) -> dict[Fit, np.ndarray]:
    """Per fit, the rows that have it: on the category codes when the column is one (a million rows compared as
    text took a tenth of a second per fit)."""
    if isinstance(fit.dtype, pd.CategoricalDtype):
        codes = fit.cat.codes.to_numpy()
        categories = list(fit.cat.categories)
        return {f: (codes == categories.index(f.value)) if f.value in categories else np.zeros(len(fit), bool)
                for f in Fit}
    text = fit.astype(object)
    return {f: (text == f).to_numpy(dtype=bool) for f in Fit}


@dataclass(frozen=True)
class Overview:
    """What the Portfolio page shows for one view: small frames, computed once per data and filters."""

    figures: Figures
    cells: pd.DataFrame  # cell_summary
    undiagnosed: pd.DataFrame  # undiagnosed_summary
    misfits: pd.DataFrame  # biggest_misfits
    todo: pd.DataFrame  # the largest undiagnosed opportunities, at most todo_limit
    todo_count: int


def overview(view: pd.DataFrame, misfit_limit: int = 15, todo_limit: int = 50) -> Overview:
    """The figures, matrix cells, undiagnosed strip, biggest misfits and to-do list of ``view`` (the largest
    ``todo_limit``: the Diagnose page lists every one; a longer table cost each run of the page more to style and
    send than the rest of it, with 25 sessions opening it at once)."""
    count = int((view["nature"].isna().to_numpy() & in_play(view)).sum()) if "nature" in view else 0
    return Overview(figures(view), cell_summary(view), undiagnosed_summary(view), biggest_misfits(view, misfit_limit),
                    undiagnosed_todo(view, todo_limit), count)
