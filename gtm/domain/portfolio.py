"""The portfolio view of the rules: assessed opportunities, account recommendations, figures, queues, what-ifs.

Pure functions over DataFrames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gtm.domain import vocabulary as vocab
from gtm.domain.assess import assess, nature_and_approach, require_columns
from gtm.domain.currency import DEFAULT_REPORTING
from gtm.domain.errors import InputError
from gtm.domain.fmt import count, money, plural, share
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.outcomes import OUTCOME_DTYPE, WON_WEIGHT_DEFAULT, in_play
from gtm.domain.recommend import Tally, expected_values, recommend_tally, tally
from gtm.domain.reviews import MIXED, latest_verdicts
from gtm.domain.vocabulary import Fit


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


def cell_summary(assessed: pd.DataFrame) -> pd.DataFrame:
    """Count and value of opportunities per (nature, approach) cell, every cell present."""
    natures, approaches = vocab.NATURES.codes, vocab.APPROACHES.codes
    n = pd.Categorical(assessed["nature"], categories=natures).codes.astype(np.int64)
    a = pd.Categorical(assessed["approach"], categories=approaches).codes.astype(np.int64)
    values = assessed["value"].to_numpy(dtype=float, na_value=np.nan)
    # An amount without an exchange rate is not counted, nor a lost deal (no longer at stake).
    known = (n >= 0) & (a >= 0) & ~np.isnan(values) & in_play(assessed)
    cell = n[known] * len(approaches) + a[known]
    size = len(natures) * len(approaches)
    # Counted on the category codes: grouping a million rows by their text took half a second.
    count = np.bincount(cell, minlength=size)
    value = np.bincount(cell, weights=values[known], minlength=size)
    grid = pd.MultiIndex.from_product([natures, approaches], names=["nature", "approach"]).to_frame(index=False)
    return grid.assign(count=count.astype(np.int64), value=value)


def _to_diagnose(assessed: pd.DataFrame) -> pd.Series:
    """The opportunities not yet diagnosed and still at stake: a lost deal is no to-do."""
    return pd.Series(assessed["nature"].isna().to_numpy() & in_play(assessed), index=assessed.index)


def undiagnosed_summary(assessed: pd.DataFrame) -> pd.DataFrame:
    """Count and value of opportunities not yet diagnosed, per current approach (the strip beside the matrix); lost
    deals are no to-do."""
    frame = assessed[_to_diagnose(assessed)]
    agg = frame.groupby(frame["approach"].astype(str))["value"].agg(["count", "sum"])
    return (agg.reindex(list(vocab.APPROACHES.codes), fill_value=0).rename_axis("approach").reset_index()
            .rename(columns={"sum": "value"}))


def undiagnosed_todo(assessed: pd.DataFrame, limit: int | None = None) -> pd.DataFrame:
    """The opportunities not yet diagnosed, largest first: the to-do list (a lost deal is none)."""
    cols = [c for c in ("opportunity_id", "name", "account_id", "account_name", "bu", "product_family", "value")
            if c in assessed]
    # Order on the two sort columns only, then take those rows from the frame: a head() of a sorted copy would
    # keep the whole copy's text alive behind a few rows.
    keys = [c for c in ("value", "opportunity_id") if c in assessed]
    order = assessed.loc[_to_diagnose(assessed), keys].sort_values(keys, ascending=[False, True][:len(keys)]).index
    return assessed.loc[order if limit is None else order[:limit], cols]


NO_DIAGNOSIS = ("No opportunity of this account is diagnosed yet, so no structure can be recommended: diagnose its "
                "opportunities first (a person on the Diagnose page, a product family mapping or a rule).")
ALL_LOST = ("Every opportunity of this account is lost: nothing is at stake, so no structure is recommended "
            "until a new one is imported.")


def recommendations(assessed: pd.DataFrame, matrix: ApproachMatrix,
                    currency: str = DEFAULT_REPORTING, rationale: bool = True) -> pd.DataFrame:
    """One recommendation per account with at least one diagnosed opportunity at stake; undiagnosed and lost ones
    are left out, and each weighs its ``expected_value`` (assess_portfolio's: won deals by the won-deal weight).
    Without ``rationale``, no sentence per account (see ``recommend``)."""
    return recommendations_of(recommendation_tally(assessed), matrix, currency, rationale)


def recommendation_tally(assessed: pd.DataFrame) -> Tally | None:
    """What ``recommendations`` needs of the opportunities, under any matrix: the diagnosed ones at stake summed per
    account and nature (None when there are none). ``prepare``'s frame will do: no band is read."""
    keep = (assessed["nature"].notna().to_numpy() & in_play(assessed)) if "nature" in assessed \
        else np.zeros(len(assessed), dtype=bool)
    if not keep.any():
        return None
    # Only the five columns are filtered: filtering the whole frame copied every text column of it.
    cols = ["account_id", "nature", "value", "probability", "approach"]
    weights = assessed["expected_value"].to_numpy()[keep] if "expected_value" in assessed else None
    return tally(assessed[cols][keep], weights)


def recommendations_of(tallied: Tally | None, matrix: ApproachMatrix, currency: str = DEFAULT_REPORTING,
                       rationale: bool = True) -> pd.DataFrame:
    """``recommendations`` from a ``recommendation_tally``: a band edit recommends without reading the
    opportunities again."""
    if tallied is None:
        return pd.DataFrame(columns=["account_id", "recommended_approach"] + (["rationale"] if rationale else []))
    return recommend_tally(tallied, matrix, currency, rationale=rationale)


def account_table(accounts: pd.DataFrame, assessed: pd.DataFrame, recs: pd.DataFrame,
                  decisions: pd.DataFrame) -> pd.DataFrame:
    """Accounts with value, misfit value, recommendation and latest decision."""
    return with_latest_decision(account_summary(accounts, assessed, recs), decisions)


def account_summary(accounts: pd.DataFrame, assessed: pd.DataFrame, recs: pd.DataFrame) -> pd.DataFrame:
    """Accounts with value, misfit value and recommendation: what does not change when a decision is recorded."""
    # Only the columns summed, side by side: assigning to the whole frame would copy every column of it.
    value = assessed["value"].to_numpy(dtype=float, na_value=np.nan)
    play = in_play(assessed)
    undiagnosed = assessed["nature"].isna().to_numpy() if "nature" in assessed else np.zeros(len(assessed), bool)
    at_stake = pd.DataFrame({
        "account_id": assessed["account_id"].to_numpy(), "value": np.where(play, value, 0.0),
        "in_play": play.astype(np.int64), "lost": (~play).astype(np.int64),
        "misfit_value": np.where(assessed["fit"].isin([Fit.OVERKILL, Fit.INSUFFICIENT]).to_numpy(), value, 0.0),
        "worst_steps": assessed["steps"].astype(int).to_numpy(),
        "undiagnosed_value": np.where(undiagnosed & play, value, 0.0),
        "lost_value": np.where(play, 0.0, value),
    }).groupby("account_id").agg(
        opportunities=("in_play", "sum"), value=("value", "sum"), misfit_value=("misfit_value", "sum"),
        worst_steps=("worst_steps", "max"), undiagnosed_value=("undiagnosed_value", "sum"),
        lost_count=("lost", "sum"), lost_value=("lost_value", "sum"),
    )
    out = accounts.merge(at_stake.drop(columns=["undiagnosed_value", "lost_count", "lost_value"]),
                         left_on="account_id", right_index=True, how="left")
    rec_cols = ["account_id", "recommended_approach", "current_in_band_share", "recommended_in_band_share",
                "overserved_count", "overserved_value", "underserved_count", "underserved_value", "rationale"]
    out = out.merge(recs[[c for c in rec_cols if c in recs]].rename(columns={"rationale": "recommendation_rationale"}),
                    on="account_id", how="left")
    out = out.merge(at_stake[["undiagnosed_value", "lost_count", "lost_value"]], left_on="account_id",
                    right_index=True, how="left")
    for c in ("opportunities", "value", "misfit_value", "worst_steps", "undiagnosed_value", "lost_count",
              "lost_value"):
        out[c] = out[c].fillna(0)
    out["approach_assumed"] = out["current_approach"].isna() if "current_approach" in out else False
    no_rec = out["recommended_approach"].isna() & (out["opportunities"] > 0)
    all_lost = out["recommended_approach"].isna() & (out["opportunities"] == 0) & (out["lost_count"] > 0)
    out["recommendation_rationale"] = (out["recommendation_rationale"].astype(object).where(~no_rec, NO_DIAGNOSIS)
                                       .where(~all_lost, ALL_LOST))
    return out


def with_latest_decision(summary: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """``account_summary`` with each account's latest decision: decided_approach, decided_by, decided_at and
    review_status (empty where none)."""
    latest = decisions.drop_duplicates("account_id", keep="first") if len(decisions) else decisions
    if len(latest):
        latest = latest[["account_id", "approach", "author", "created_at", "review_status"]].rename(columns={
            "approach": "decided_approach", "author": "decided_by", "created_at": "decided_at"})
        return summary.merge(latest, on="account_id", how="left")
    return summary.assign(decided_approach=None, decided_by=None, decided_at=None, review_status=None)


def biggest_misfits(assessed: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """Accounts ranked by the value of their misfit opportunities."""
    mis = assessed[assessed["fit"].isin([Fit.OVERKILL, Fit.INSUFFICIENT])]
    if mis.empty:
        return pd.DataFrame(columns=["account_id", "account_name", "approach", "misfits", "misfit_value", "worst_steps"])
    # Built-in group sums over 0/1 columns: a Python lambda per account took seconds at 100k accounts.
    mis = mis.assign(overkill=(mis["fit"] == Fit.OVERKILL).astype(int),
                     insufficient=(mis["fit"] == Fit.INSUFFICIENT).astype(int))
    out = mis.groupby("account_id", observed=True).agg(
        account_name=("account_name", "first"), approach=("approach", "first"), misfits=("value", "size"),
        misfit_value=("value", "sum"), worst_steps=("steps", "max"),
        overkill=("overkill", "sum"), insufficient=("insufficient", "sum"),
    ).reset_index()
    return out.sort_values(["misfit_value", "account_id"], ascending=[False, True]).head(limit)


@dataclass(frozen=True)
class MatrixEffect:
    """What a band edit changes across the portfolio, before it is saved."""

    changed: pd.DataFrame  # from_fit, to_fit, opportunities, value
    changed_count: int
    changed_value: float
    recommendation_changes: pd.DataFrame  # account_id, account_name, before, after


def compare(before: pd.DataFrame, after: pd.DataFrame, old_recs: pd.DataFrame, new_recs: pd.DataFrame) -> MatrixEffect:
    """The difference between one portfolio assessed (and recommended) under two matrices."""
    fit_before, fit_after = before["fit"], after["fit"]
    codes_before, codes_after = fit_before.cat.codes.to_numpy(), fit_after.cat.codes.to_numpy()
    moved = (codes_before != codes_after) & fit_before.notna().to_numpy()
    value = before["value"].to_numpy(dtype=float, na_value=np.nan)[moved]
    # Grouped on the fits' codes (not a text per moved opportunity), then named and ordered by name as before.
    pairs = pd.DataFrame({"from_fit": codes_before[moved], "to_fit": codes_after[moved], "value": value})
    changed = pairs.groupby(["from_fit", "to_fit"]).agg(opportunities=("value", "size"), value=("value", "sum")).reset_index()
    for column, fit in (("from_fit", fit_before), ("to_fit", fit_after)):
        words = np.array([str(c) for c in fit.cat.categories] + ["nan"], dtype=object)  # -1 (no fit): as str() says
        changed[column] = pd.Series(words[changed[column].to_numpy()], dtype=str)
    changed = changed.sort_values(["from_fit", "to_fit"]).reset_index(drop=True)
    new_cols = ["account_id", "recommended_approach"] + (["expected_value"] if "expected_value" in new_recs else [])
    both = _side_by_side(old_recs[["account_id", "recommended_approach"]], new_recs[new_cols])
    diff = both[_differ(both["recommended_approach_before"], both["recommended_approach_after"])]
    if "expected_value" in diff:  # the accounts with the most at stake first
        diff = diff.sort_values(["expected_value", "account_id"], ascending=[False, True], kind="stable")
    names = before.loc[_isin(before["account_id"], diff["account_id"]), ["account_id", "account_name"]] \
        .drop_duplicates("account_id").set_index("account_id")["account_name"]
    diff = diff.assign(account_name=diff["account_id"].map(names)).rename(
        columns={"recommended_approach_before": "before", "recommended_approach_after": "after"})
    value[np.isnan(value)] = 0.0  # as a Series' sum skips a missing amount: the same additions
    return MatrixEffect(changed, int(moved.sum()), float(value.sum()),
                        diff[["account_id", "account_name", "before", "after"]].reset_index(drop=True))


def _side_by_side(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """``old`` and ``new`` recommendations merged on the account, the second's columns suffixed ``_after``. Two
    recommendations of one portfolio list the same accounts in the same order: then they are put side by side as
    they stand, which is what the merge gives, without its hashing of 100,000 ids."""
    old_ids, new_ids = old["account_id"].reset_index(drop=True), new["account_id"].reset_index(drop=True)
    if not (len(old_ids) == len(new_ids) and old_ids.equals(new_ids) and old_ids.is_unique):
        return old.merge(new, on="account_id", suffixes=("_before", "_after"))
    both = old.reset_index(drop=True).rename(columns={c: f"{c}_before" for c in old.columns if c in new.columns
                                                      and c != "account_id"})
    for column in new.columns.drop("account_id"):
        both[f"{column}_after" if column in old.columns else column] = new[column].array
    return both


def _differ(before: pd.Series, after: pd.Series) -> pd.Series:
    """Where two columns of approaches differ (on their codes when both are the same categories)."""
    if isinstance(before.dtype, pd.CategoricalDtype) and before.dtype == after.dtype:
        return pd.Series(before.cat.codes.to_numpy() != after.cat.codes.to_numpy(), index=before.index)
    return before.astype(str) != after.astype(str)


def _isin(column: pd.Series, values: pd.Series) -> np.ndarray:
    """``column.isin(values)`` for id columns: matched in Arrow when both are Arrow strings (pandas makes a Python
    object of every value first)."""
    if hasattr(column.array, "__arrow_array__") and hasattr(values.array, "__arrow_array__"):
        found = pc.is_in(pa.array(column.array), value_set=pc.cast(pa.array(values.array), pa.array(column.array).type))
        return np.asarray(found.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    return column.isin(values).to_numpy(dtype=bool)


QUEUE_EMPTY_COLUMNS = ["account_id", "account_name", "value_at_stake", "decision_id", "my_verdict", "waiting",
                       "my_bus", "waiting_on"]


def review_queue(accounts: pd.DataFrame, assessed: pd.DataFrame, decisions: pd.DataFrame,
                 bus: str | Sequence[str] | None, matrix: ApproachMatrix,
                 reviews: pd.DataFrame | None = None) -> pd.DataFrame:
    """Accounts touching ``bus`` (one BU, a BU head's several, None: every BU) whose current approach or latest
    decision is flagged, or that carry a decision; each account once, those waiting for a verdict of ``bus`` first,
    then by value at stake.

    ``my_bus``: the BUs of ``bus`` the account touches ("BU-A, BU-B"); ``waiting_on``: those of them with value at
    the account (so their verdict is needed, see gtm.domain.reviews) that have not given it on its latest decision;
    ``waiting``: a decision exists and ``waiting_on`` is not empty; ``my_verdict``: the latest verdict of ``bus`` on
    it ("approved", "challenged", "mixed" when their BUs differ, "" when none; ``reviews`` as Store.reviews, None:
    none known).
    """
    play = in_play(assessed)  # a lost deal is no longer at stake: it flags nothing and asks no BU's verdict
    scope = _bu_scope(bus)
    touching = assessed[play] if scope is None else assessed[assessed["bu"].isin(scope).to_numpy(dtype=bool) & play]
    ids = touching["account_id"].unique()
    opps = assessed[assessed["account_id"].isin(ids).to_numpy() & play]
    if opps.empty:
        return pd.DataFrame(columns=QUEUE_EMPTY_COLUMNS)
    latest = decisions.drop_duplicates("account_id", keep="first") if len(decisions) else decisions
    decided = latest.set_index("account_id")["approach"] if len(latest) else pd.Series(dtype=object)
    # Judge each account's latest decision (else its current approach) against every opportunity.
    judged_approach = opps["account_id"].map(decided).astype(object).where(
        opps["account_id"].isin(decided.index), opps["approach"].astype(object))
    judged = assess(opps.assign(approach=judged_approach).dropna(subset=["approach", "nature"]), matrix)
    if judged.empty:
        return pd.DataFrame(columns=QUEUE_EMPTY_COLUMNS)
    judged["at_stake"] = np.where(judged["fit"] != Fit.REALISTIC, judged["value"], 0.0)
    judged = judged.assign(overkill=(judged["fit"] == Fit.OVERKILL).astype(int),
                           insufficient=(judged["fit"] == Fit.INSUFFICIENT).astype(int))
    agg = judged.groupby("account_id").agg(
        account_name=("account_name", "first"), judged_approach=("approach", "first"),
        value=("value", "sum"), value_at_stake=("at_stake", "sum"), worst_steps=("steps", "max"),
        overkill=("overkill", "sum"), insufficient=("insufficient", "sum"),
    ).reset_index()
    agg["worst_fit"] = np.select([agg["insufficient"] > 0, agg["overkill"] > 0],
                                [Fit.INSUFFICIENT.value, Fit.OVERKILL.value], Fit.REALISTIC.value)
    # A decision that fits still waits for the BUs' verdicts: it stays in the queue, with nothing at stake.
    agg = agg[(agg["value_at_stake"] > 0) | agg["account_id"].isin(decided.index)]
    if len(latest):
        cols = ["account_id", "decision_id", "approach", "author", "created_at", "rationale", "review_status",
                "review_comment", "approvals", "latest_review_id"]
        agg = agg.merge(latest[[c for c in cols if c in latest]].rename(columns={"approach": "decided_approach"}),
                        on="account_id", how="left")
    for c in ("decision_id", "decided_approach", "author", "created_at", "rationale", "review_status",
              "review_comment", "approvals", "latest_review_id"):
        if c not in agg:
            agg[c] = None
    agg["judged_on"] = np.where(agg["decided_approach"].notna(), "latest decision", "current approach")
    agg["my_verdict"], agg["waiting"], agg["my_bus"], agg["waiting_on"] = _verdicts_of(agg, touching, reviews, scope)
    return agg.sort_values(["waiting", "value_at_stake", "account_id"],
                           ascending=[False, False, True]).reset_index(drop=True)


def _bu_scope(bus: str | Sequence[str] | None) -> list[str] | None:
    """The BUs a queue is for: one named, several (a BU head's), or None for every BU."""
    if bus is None:
        return None
    return [bus] if isinstance(bus, str) else [str(b) for b in bus]


def _verdicts_of(queue: pd.DataFrame, touching: pd.DataFrame, reviews: pd.DataFrame | None,
                 scope: list[str] | None) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Per queue row: the verdict of ``scope``'s BUs on its decision, whether it waits for one of them, the BUs of
    ``scope`` the account touches and those it waits on (texts "BU-A, BU-B"), one merge over (account, BU) pairs."""
    none = pd.Series("", index=queue.index, dtype=object)
    if scope is None:
        return none, pd.Series(False, index=queue.index), none.copy(), none.copy()
    pairs = (touching[["account_id", "bu", "value"]].groupby(["account_id", "bu"], observed=True)["value"].sum()
             .rename("bu_value").reset_index().astype({"bu": str}))  # the merge below keeps the queue's accounts
    keys = pd.to_numeric(queue["decision_id"], errors="coerce").fillna(-1).astype("int64")
    pairs = pairs.merge(pd.DataFrame({"account_id": queue["account_id"].to_numpy(), "decision_id": keys.to_numpy()}),
                        on="account_id")
    if reviews is not None and len(reviews):
        given = latest_verdicts(reviews).astype({"bu": str})
        given = given[given["bu"].isin(scope)].assign(decision_id=lambda f: f["decision_id"].astype("int64"))
        pairs = pairs.merge(given, on=["decision_id", "bu"], how="left")
    else:
        pairs["verdict"] = None
    pairs["waits"] = (pairs["decision_id"] >= 0) & (pairs["bu_value"] > 0) & pairs["verdict"].isna()
    said = pairs.dropna(subset=["verdict"]).groupby("account_id")["verdict"]
    verdict = said.first().where(said.nunique() == 1, MIXED)
    account = queue["account_id"]
    mine, waits_on = _bu_lists(pairs, account, sorted(scope))
    return (account.map(verdict).astype(object).fillna(""), queue["decision_id"].notna() & (waits_on != ""),
            mine, waits_on)


def _bu_lists(pairs: pd.DataFrame, account: pd.Series, bus: list[str]) -> tuple[pd.Series, pd.Series]:
    """Per ``account`` row: the BUs of ``pairs`` (account_id, bu, waits) it touches and those it waits on, as text
    "BU-A, BU-B", built a BU at a time over whole columns (a join per account took seconds at 100,000 accounts)."""
    row = pd.Index(account).get_indexer(pd.Index(pairs["account_id"]))
    col = pd.Index(bus).get_indexer(pd.Index(pairs["bu"]))
    keep = (row >= 0) & (col >= 0)
    touched = np.zeros((len(account), len(bus)), dtype=bool)
    waiting = np.zeros_like(touched)
    touched[row[keep], col[keep]] = True
    waits = pairs["waits"].to_numpy(dtype=bool) & keep
    waiting[row[waits], col[waits]] = True
    out = []
    for flags in (touched, waiting):
        text = np.full(len(account), "", dtype=object)
        for j, bu in enumerate(bus):
            text = text + np.where(flags[:, j], ", " + bu, "")
        out.append(pd.Series(text, index=account.index, dtype=object).str.removeprefix(", "))
    return out[0], out[1]


def waiting_rows(queue: pd.DataFrame, waiting_only: bool) -> pd.DataFrame:
    """The rows a reviewer's inbox shows: only those waiting for their verdict, or all (waiting ones first)."""
    if not waiting_only or queue.empty:
        return queue
    return queue[queue["waiting"].astype(bool)]


def filter_opportunities(assessed: pd.DataFrame, *, bu: list[str] | None = None, region: list[str] | None = None,
                         industry: list[str] | None = None, fit: list[str] | None = None) -> pd.DataFrame:
    """Rows matching every non-empty filter (a filter's values are alternatives)."""
    chosen_filters = [(c, v) for c, v in (("bu", bu), ("region", region), ("industry", industry), ("fit", fit)) if v]
    if not chosen_filters:
        return assessed  # no copy: at a million rows a copy of every column is hundreds of MB per page run
    mask = np.ones(len(assessed), dtype=bool)
    for column, chosen in chosen_filters:
        mask &= assessed[column].astype(str).isin(chosen).to_numpy()
    return assessed[mask]


@dataclass(frozen=True)
class Overview:
    """What the Portfolio page shows for one view: small frames, computed once per data and filters."""

    figures: Figures
    cells: pd.DataFrame  # cell_summary
    undiagnosed: pd.DataFrame  # undiagnosed_summary
    misfits: pd.DataFrame  # biggest_misfits
    todo: pd.DataFrame  # the largest undiagnosed opportunities, at most todo_limit
    todo_count: int


def overview(view: pd.DataFrame, misfit_limit: int = 15, todo_limit: int = 200) -> Overview:
    """The figures, matrix cells, undiagnosed strip, biggest misfits and to-do list of ``view``."""
    count = int((view["nature"].isna().to_numpy() & in_play(view)).sum()) if "nature" in view else 0
    return Overview(figures(view), cell_summary(view), undiagnosed_summary(view), biggest_misfits(view, misfit_limit),
                    undiagnosed_todo(view, todo_limit), count)


def search_accounts(accounts: pd.DataFrame, query: str, limit: int | None = 50) -> pd.DataFrame:
    """Accounts whose name or id contains the query, largest value first (then by name): any case, accents folded
    ("muller" finds "Müller"). At most ``limit`` rows (None: every match)."""
    q = str(fold_text(pd.Series([query.strip()]))[0].as_py())
    if not q:
        return accounts.head(0)
    hit = (pc.match_substring(fold_text(accounts["name"]), q).to_numpy(zero_copy_only=False)
           | pc.match_substring(fold_text(accounts["account_id"]), q).to_numpy(zero_copy_only=False))
    found = accounts[hit]
    keys = [c for c in ("value", "name", "account_id") if c in found]
    ranked: pd.DataFrame = found.sort_values(keys, ascending=[c != "value" for c in keys], kind="stable",
                                             na_position="last")
    return ranked if limit is None else ranked.head(limit)


def fold_text(text: pd.Series) -> pa.Array:
    """Text to compare in a search: lower case, accents dropped (NFKD, then the combining marks), empty for none.

    Arrow's string kernels do it for a whole column at once, and only the names with a non-ASCII letter go
    through the (slow) mark-dropping pattern: 100,000 names in milliseconds, where a Python loop took 0.1 s."""
    lower = pc.utf8_lower(pa.array(text.astype(str), type=pa.string(), from_pandas=True).fill_null(""))
    other = pc.invert(pc.string_is_ascii(lower))
    if not pc.any(other).as_py():
        return lower
    marked = pc.utf8_normalize(pc.filter(lower, other), "NFKD")
    return pc.replace_with_mask(lower, other, pc.replace_substring_regex(marked, r"\p{Mn}+", ""))


STEPS_HELP = "Rows outside the realistic band: 0 is realistic, 1 is worth a look, 2 or more is a clear misfit"


def fit_under(opps: pd.DataFrame, approach: str, matrix: ApproachMatrix) -> pd.DataFrame:
    """The diagnosed opportunities at stake judged as if ``approach`` served them: fit, steps, band and rationale at
    that row (the account page's "under the recommendation" view); the undiagnosed have no column and the lost are
    no longer at stake: both are left out."""
    opps = opps[opps["nature"].notna().to_numpy() & in_play(opps)] if "nature" in opps else opps[in_play(opps)]
    return assess(opps.drop(columns=["fit", "steps", "band_low", "band_high", "rationale"], errors="ignore")
                  .assign(approach=approach), matrix)


def served_by(opps: pd.DataFrame, approach: str, matrix: ApproachMatrix) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The diagnosed opportunities that ``approach`` would over-serve and under-serve."""
    judged = fit_under(opps, approach, matrix)
    return judged[judged["fit"] == Fit.OVERKILL], judged[judged["fit"] == Fit.INSUFFICIENT]


def filter_queue(queue: pd.DataFrame, *, fits: list[str] | None = None, min_steps: int = 1,
                 min_value: float = 0.0) -> pd.DataFrame:
    """Review queue rows with the chosen worst fit, at least ``min_steps`` out, at least ``min_value`` at stake.

    A decision that fits (nothing at stake) and waits for the reviewer's verdict stays: the filters narrow the
    flagged accounts, never the verdicts asked of the reviewer."""
    if queue.empty:
        return queue
    mask = (queue["worst_steps"] >= min_steps) & (queue["value_at_stake"] >= min_value)
    if fits:
        mask &= (queue["overkill"].gt(0) & (Fit.OVERKILL in fits)) | (queue["insufficient"].gt(0) & (Fit.INSUFFICIENT in fits))
    if "waiting" in queue:
        mask |= queue["waiting"].astype(bool) & queue["value_at_stake"].le(0)
    return queue[mask]


def fit_summary(opps: pd.DataFrame, currency: str = DEFAULT_REPORTING) -> str:
    """Why an account's current structure is (or is not) flagged, in one sentence; amounts are expected values
    (as the recommendation weighs them: see recommend.EXPECTED_VALUE_NOTE), in ``currency``."""
    judged = opps.dropna(subset=["fit"]) if "fit" in opps else opps.iloc[0:0]
    if judged.empty:
        if len(opps) and not in_play(opps).any():
            return "Every opportunity of this account is lost, so nothing is at stake and nothing is flagged."
        return ("No opportunity of this account is diagnosed yet, so nothing can be flagged." if len(opps)
                else "This account has no opportunities yet, so nothing is flagged.")
    approach = vocab.APPROACHES.label(str(judged["approach"].iloc[0]))
    if "approach_assumed" in judged and bool(judged["approach_assumed"].iloc[0]):
        approach = f"not set (assumed {approach.lower()})"
    weight = judged["expected_value"] if "expected_value" in judged else pd.Series(expected_values(judged),
                                                                                   index=judged.index)
    fit = judged["fit"].astype(str)
    parts = []
    for code, side in ((Fit.INSUFFICIENT, "below"), (Fit.OVERKILL, "above")):
        hit = fit == code
        count = int(hit.sum())
        if not count:
            continue
        steps = judged.loc[hit, "steps"].astype(int)
        most = int(steps.max())
        how_far = f"{'' if steps.min() == most else 'up to '}{most} step{'' if most == 1 else 's'} {side} " \
                  f"{'its' if count == 1 else 'their'} band"
        parts.append(f"{count} of {len(judged)} opportunities ({money(float(weight[hit].sum()), currency)} "
                     f"expected value) {'is' if count == 1 else 'are'} {vocab.FITS.label(code).lower()}, {how_far}")
    if not parts:
        return f"Today, at '{approach}', every opportunity is a realistic option."
    return f"Today, at '{approach}': " + "; ".join(parts) + "."


_FOUND = {"given": "given in the CRM file", "undiagnosed": "not yet diagnosed"}


def nature_found(opps: pd.DataFrame) -> pd.Series:
    """How each opportunity's nature was found, in words: which person, given, which mapping row, which rule, or not
    yet (the order in which they decide)."""
    source = opps["nature_source"].astype(object) if "nature_source" in opps else pd.Series("", index=opps.index)
    rule = opps["diagnosis_rule"].astype(object).fillna("") if "diagnosis_rule" in opps else ""
    words = source.map(_FOUND)
    words = words.where(source != "rule", "rule: " + rule)
    if (source == "mapping").any():
        family = opps["product_family"].astype(object).fillna("") if "product_family" in opps else ""
        words = words.where(source != "mapping", "mapping: product family '" + family + "'")
    words = words.where(source != "person", rule)  # "set by <name>"
    return words.fillna(source)
