"""The first hour with a CRM export as a checklist: what a workspace holds and what is still missing, step by step.

A read model, pure over the frames every page already reads (accounts, the assessed opportunities, the
recommendations, the decisions). A column the frames do not hold (an older store, a file without it) makes its
step say so; it never reads as done.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gtm.domain import portfolio
from gtm.domain.permissions import Action
from gtm.domain.vocabulary import APPROACHES, Fit

# Where a step is fixed: the page keys the pages turn into links (gtm never knows a page's file).
IMPORT, DIAGNOSE, PORTFOLIO, ACCOUNT, REVIEW = "import", "diagnose", "portfolio", "account", "review"
# The Diagnose page's product family mappings, opened by a step whose fix is mapping families (?tab=families).
FAMILIES = {"tab": "families"}

# Who found a nature, in the words the checklist uses (nature_source values; "mapping" is the product family ->
# nature mapping's, "given" the CRM file's).
_SOURCES = {"given": "the file", "mapping": "a mapping", "rule": "a rule", "person": "a person"}
_KNOWN_OUTCOMES = ("open", "won", "lost")
# What fixing each step takes: importing (a file, current approaches), diagnosing (BUs, natures), deciding, reviewing.
_NEEDS = {"imported": Action.IMPORT_DATA, "bus": Action.DIAGNOSE, "stages": Action.IMPORT_DATA,
          "natures": Action.DIAGNOSE, "structures": Action.IMPORT_DATA, "recommendations": Action.DIAGNOSE,
          "decisions": Action.RECORD_DECISION, "reviews": Action.REVIEW_DECISION}


@dataclass(frozen=True)
class Step:
    """One step of the first hour: done or not, its figures in one line, and what is missing in one sentence with the
    place that fixes it (``place``: a page key, ``query``: what the link adds to the address)."""

    key: str
    title: str
    done: bool
    figures: str
    missing: str = ""
    place: str = IMPORT
    link: str = ""  # the link's words: "Import a file", "Diagnose"…
    share: float | None = None  # the share done (0–1) where one applies
    query: dict[str, str] = field(default_factory=dict)

    @property
    def in_sentence(self) -> str:
        """The title as said inside a sentence ("next: BUs known"): its first word in lower case, unless that word is
        an abbreviation such as "BUs"."""
        first, _, rest = self.title.partition(" ")
        if sum(c.isupper() for c in first) > 1:
            return self.title
        return first.lower() + (" " + rest if rest else "")

    @property
    def needs(self) -> Action:
        """The permission the fix needs (gtm.domain.permissions): who may do it."""
        return _NEEDS[self.key]


@dataclass(frozen=True)
class Progress:
    """The checklist, in order."""

    steps: tuple[Step, ...]

    @property
    def done(self) -> int:
        """How many steps are done."""
        return sum(s.done for s in self.steps)

    @property
    def complete(self) -> bool:
        """True when every step is done: the workspace is set up."""
        return self.done == len(self.steps)

    @property
    def next_step(self) -> Step | None:
        """The first step not done yet (None when all are)."""
        return next((s for s in self.steps if not s.done), None)

    def step(self, key: str) -> Step:
        """The step called ``key``."""
        return next(s for s in self.steps if s.key == key)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _verb(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _share(part: np.ndarray, weight: np.ndarray) -> float:
    """The share of ``weight`` where ``part`` holds; by count when the weights sum to nothing (every amount 0)."""
    total = float(weight.sum())
    if total > 0:
        return float(weight[part].sum()) / total
    return float(part.mean()) if len(part) else 0.0


def _values(opps: pd.DataFrame) -> np.ndarray:
    if "value" not in opps:
        return np.zeros(len(opps))
    value: np.ndarray = np.nan_to_num(pd.to_numeric(opps["value"], errors="coerce").to_numpy(dtype=float), nan=0.0)
    return value.clip(min=0)


def _texts(opps: pd.DataFrame, column: str) -> pd.Series:
    """A column as lower-case words, blank where empty, as a categorical: each distinct value is read once and the
    comparisons run on codes, so a million rows of a few stages or sources cost one factorisation."""
    values = opps[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, distinct = values.cat.codes.to_numpy(), values.cat.categories
    else:
        codes, distinct = pd.factorize(values)
    words = pd.Index(distinct).astype(str).str.strip().str.lower()
    merged, inverse = np.unique(words.to_numpy(dtype=str), return_inverse=True)  # "Lost" and "lost" are one word
    # Code -1 (an empty cell) takes the last entry: a code past the words, which, like a blank word, becomes -1.
    codes = np.append(np.asarray(inverse).ravel(), len(merged))[codes]
    codes = np.where(np.append(merged == "", True)[codes], -1, codes)
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(merged)), index=opps.index)


def _pct(share: float) -> str:
    """A share as a percentage that never rounds a part to 0 % or 100 %: "under 1 %" and "over 99 %" say a little."""
    if 0 < share < 0.005:
        return "under 1%"
    if 0.995 <= share < 1:
        return "over 99%"
    return f"{share:.0%}"


def progress(accounts: pd.DataFrame, assessed: pd.DataFrame, recommendations: pd.DataFrame,
             decisions: pd.DataFrame) -> Progress:
    """The first hour's steps for a workspace: imported, BUs known, stages understood, natures diagnosed, current
    structures known, recommendations, decisions recorded, reviews done.

    ``assessed``: the opportunities as ``portfolio.assess_portfolio`` returns them (their ``outcome``, ``bu``,
    ``nature_source`` and ``approach_assumed`` are read when present). A lost deal is no longer at stake: BUs, natures
    and recommendations are counted over the others.
    """
    # Read once: the outcome says which deals are lost (left out of BUs, natures and recommendations) and is a step.
    outcome = _texts(assessed, "outcome") if "outcome" in assessed else None
    lost = (outcome == "lost").to_numpy(dtype=bool) if outcome is not None else np.zeros(len(assessed), dtype=bool)
    at_stake = assessed[~lost] if lost.any() else assessed
    return Progress((
        _imported(accounts, assessed),
        _bus(at_stake, lost_count=int(lost.sum())),
        _stages(assessed, outcome),
        _natures(at_stake, lost_count=int(lost.sum())),
        _structures(accounts, assessed),
        _recommendations(at_stake, recommendations),
        _decisions(assessed, recommendations, decisions),
        _reviews(decisions),
    ))


def _waiting(key: str, title: str, what: str = "opportunities") -> Step:
    """A step that cannot start before the import: it says so in a few words, and links to the import."""
    return Step(key, title, False, f"no {what} yet", f"Waits for the {what} (step 1).", IMPORT, "Import a file")


def _imported(accounts: pd.DataFrame, opps: pd.DataFrame) -> Step:
    n_acc, n_opp = len(accounts), len(opps)
    figures = f"{_plural(n_acc, 'account')} · {_plural(n_opp, 'opportunity', 'opportunities')}"
    if n_acc and n_opp:
        return Step("imported", "Accounts and opportunities imported", True, figures, place=IMPORT,
                    link="Import more")
    missing = ("Nothing is imported yet: import your accounts, then your opportunities (a CRM export as it is: "
               "Salesforce, HubSpot, CSV or XLSX)." if not n_acc else
               "No opportunities yet: import the opportunities file, whose Account Name or Account ID links each "
               "one to its account.")
    return Step("imported", "Accounts and opportunities imported", False, figures, missing, IMPORT, "Import a file")


def _bus(opps: pd.DataFrame, lost_count: int) -> Step:
    title = "BUs known"
    if opps.empty:
        return _waiting("bus", title)
    value = _values(opps)
    known = _texts(opps, "bu").notna().to_numpy() if "bu" in opps else np.zeros(len(opps), dtype=bool)
    share = _share(known, value)
    missing_n = int((~known).sum())
    scope = " at stake (lost deals left out)" if lost_count else ""
    figures = f"{_pct(share)} of the value{scope} has a BU ({known.sum():,} of {len(opps):,} opportunities)"
    if "bu_source" in opps and known.any():
        source = _texts(opps, "bu_source")[known]
        by = [f"{_pct(_share((source == s).to_numpy(), value[known]))} {words}"
              for s, words in (("file", "from the file"), ("mapping", "from the family → BU mapping"))
              if (source == s).any()]
        if by:
            figures += ": " + ", ".join(by)
    if not missing_n:
        return Step("bus", title, True, figures, place=DIAGNOSE, link="Product families and BUs", share=share)
    families = "product_family" in opps and _texts(opps, "product_family")[~known].notna().any()
    missing = (f"{_plural(missing_n, 'opportunity', 'opportunities')} ({_pct(1 - share)} of the value) "
               f"{_verb(missing_n, 'has', 'have')} no BU: "
               + ("map their product families to BUs on the Diagnose page." if families else
                  "import a BU column, or a product family column and map the families to BUs on the Diagnose page."))
    return Step("bus", title, False, figures, missing, DIAGNOSE, "Map product families to BUs", share,
                query=dict(FAMILIES) if families else {})


def _stages(opps: pd.DataFrame, outcome: pd.Series | None) -> Step:
    title = "Stages understood"
    if opps.empty:
        return _waiting("stages", title)
    if outcome is None:
        staged = "stage" in opps and bool(_texts(opps, "stage").notna().any())
        figures = "stages imported, not read as open, won or lost" if staged else "no stage column imported"
        missing = ("Nothing says which deals are open, won or lost, so a lost deal still counts as at stake"
                   + ("." if staged else ": import the opportunities again with their Stage (or Probability) column."))
        return Step("stages", title, False, figures, missing, IMPORT, "Import a file")
    counts = {o: int((outcome == o).sum()) for o in _KNOWN_OUTCOMES}
    unknown = len(opps) - sum(counts.values())
    share = 1 - unknown / len(opps)
    figures = " · ".join(f"{n:,} {o}" for o, n in counts.items())
    if unknown == len(opps):
        return Step("stages", title, False, "no stage column imported",
                    "Nothing says which deals are open, won or lost, so a lost deal still counts as at stake: import "
                    "the opportunities again with their Stage (or Probability) column.", IMPORT, "Import a file", 0.0)
    if not unknown:
        return Step("stages", title, True, figures, place=IMPORT, link="Import more", share=share)
    return Step("stages", title, False, figures + f" · {unknown:,} not known",
                f"{_plural(unknown, 'opportunity', 'opportunities')} {_verb(unknown, 'has', 'have')} a stage that says "
                "neither open, won nor lost "
                "(or none): import them again with a Stage or a Probability.", IMPORT, "Import a file", share)


def _natures(opps: pd.DataFrame, lost_count: int) -> Step:
    title = "Natures diagnosed"
    if opps.empty:
        return _waiting("natures", title)
    value = _values(opps)
    known = opps["nature"].notna().to_numpy() if "nature" in opps else np.zeros(len(opps), dtype=bool)
    share = _share(known, value)
    scope = " at stake (lost deals left out)" if lost_count else ""
    figures = f"{_pct(share)} of the value{scope} diagnosed"
    if "nature_source" in opps and known.any():
        source = _texts(opps, "nature_source")
        by = [f"{_pct(_share((source == s).to_numpy(), value))} by {words}"
              for s, words in _SOURCES.items() if (source == s).any()]
        if by:
            figures += ": " + ", ".join(by)
    undiagnosed = int((~known).sum())
    if not undiagnosed:
        return Step("natures", title, True, figures, place=DIAGNOSE, link="Diagnose", share=share)
    families = "product_family" in opps and bool(_texts(opps, "product_family")[~known].notna().any())
    return Step("natures", title, False, figures,
                f"{_plural(undiagnosed, 'opportunity', 'opportunities')} ({_pct(1 - share)} of the value) "
                f"{_verb(undiagnosed, 'is', 'are')} not yet "
                "diagnosed: map their product families to natures, add a rule, or decide them one by one on the "
                "Diagnose page.", DIAGNOSE, "Diagnose", share, query=dict(FAMILIES) if families else {})


def _structures(accounts: pd.DataFrame, opps: pd.DataFrame) -> Step:
    title = "Current structures known"
    assumed = APPROACHES.term(portfolio.assumed_approach()).short_label.lower()
    if "current_approach" in accounts:
        total = len(accounts)
        unknown = int(accounts["current_approach"].isna().sum())
    elif "approach_assumed" in opps and "account_id" in opps:  # only the accounts with opportunities are known
        total = int(opps["account_id"].nunique())
        unknown = int(opps.loc[opps["approach_assumed"].astype(bool), "account_id"].nunique())
    else:
        return Step("structures", title, False, "not known",
                    "Nothing says which structure serves each account today: import a current approach column or "
                    "set it on the Portfolio page.", PORTFOLIO, "Set current approaches")
    if not total:
        return _waiting("structures", title, "accounts")
    share = 1 - unknown / total
    figures = f"{_pct(share)} of the accounts have one recorded ({total - unknown:,} of {total:,})"
    if not unknown:
        return Step("structures", title, True, figures, place=PORTFOLIO, link="Portfolio", share=share)
    return Step("structures", title, False, figures,
                f"{_plural(unknown, 'account')} {'has' if unknown == 1 else 'have'} no current approach recorded, so "
                f"{'it is' if unknown == 1 else 'they are'} judged as if on {assumed} (assumed): set them under "
                "“Current approach per account” on the Portfolio page, or import a current approach column.",
                PORTFOLIO, "Set current approaches", share)


def _recommendations(opps: pd.DataFrame, recs: pd.DataFrame) -> Step:
    title = "Recommendations"
    with_opps = pd.Index(opps["account_id"].dropna().unique()) if "account_id" in opps else pd.Index([])
    if not len(with_opps):
        return _waiting("recommendations", title)
    if "recommended_approach" in recs and "account_id" in recs:
        recommended = recs.loc[recs["recommended_approach"].notna(), "account_id"]
        got = int(with_opps.isin(recommended).sum())
    else:
        got = 0
    share = got / len(with_opps)
    figures = f"{got:,} of {len(with_opps):,} accounts have one"
    if got == len(with_opps):
        return Step("recommendations", title, True, figures, place=PORTFOLIO, link="Portfolio", share=share)
    left = len(with_opps) - got
    return Step("recommendations", title, False, figures,
                f"{_plural(left, 'account')} {'has' if left == 1 else 'have'} no recommendation because none of "
                f"{'its' if left == 1 else 'their'} opportunities is diagnosed yet: diagnose them on the Diagnose page.",
                DIAGNOSE, "Diagnose", share)


def _latest(decisions: pd.DataFrame) -> pd.DataFrame:
    """Each account's latest decision (the store lists them newest first)."""
    if decisions.empty or "account_id" not in decisions:
        return decisions.iloc[0:0]
    return decisions.drop_duplicates("account_id", keep="first")


def _first_to_decide(opps: pd.DataFrame, recs: pd.DataFrame, decided: pd.Index) -> str | None:
    """The account a first decision is best spent on: the most misfit value, else the most value, among the accounts
    with a recommendation and no decision yet."""
    if opps.empty or "account_id" not in opps or "recommended_approach" not in recs:
        return None
    candidates = pd.Index(recs.loc[recs["recommended_approach"].notna(), "account_id"]).difference(decided)
    if not len(candidates):
        return None
    value = _values(opps)
    misfit = opps["fit"].isin([Fit.OVERKILL, Fit.INSUFFICIENT]).to_numpy() if "fit" in opps else \
        np.zeros(len(opps), dtype=bool)
    codes, ids = pd.factorize(opps["account_id"])
    misfit_value = np.bincount(codes, weights=np.where(misfit, value, 0.0), minlength=len(ids))
    total_value = np.bincount(codes, weights=value, minlength=len(ids))
    open_ = np.flatnonzero(pd.Index(ids).isin(candidates))
    if not len(open_):
        return str(candidates[0])
    best = open_[np.lexsort((-total_value[open_], -misfit_value[open_]))[0]]  # the last key sorts first
    return str(ids[best])


def _decisions(opps: pd.DataFrame, recs: pd.DataFrame, decisions: pd.DataFrame) -> Step:
    title = "Decisions recorded"
    latest = _latest(decisions)
    recommended = int(recs["recommended_approach"].notna().sum()) if "recommended_approach" in recs else 0
    figures = (f"{len(latest):,} of {recommended:,} accounts with a recommendation have a decision" if recommended
               else f"{_plural(len(latest), 'account')} with a decision")
    if len(latest):  # the first decision is the first hour's; the others follow account by account
        return Step("decisions", title, True, figures, place=PORTFOLIO, link="Biggest misfits")
    if opps.empty:
        return _waiting("decisions", title)
    first = _first_to_decide(opps, recs, pd.Index(latest["account_id"]) if len(latest) else pd.Index([]))
    if first is None:
        return Step("decisions", title, False, figures,
                    "No decision recorded yet: a decision needs an account with a recommendation, so diagnose first.",
                    DIAGNOSE, "Diagnose")
    return Step("decisions", title, False, figures,
                "No decision recorded yet: open the account with the most value in misfits and record the structure "
                "you choose for it, with your reasons.", ACCOUNT, "Open that account", query={"account": first})


def _reviews(decisions: pd.DataFrame) -> Step:
    title = "Reviews done"
    latest = _latest(decisions)
    if latest.empty:
        return Step("reviews", title, False, "no decision to review yet",
                    "Waits for a decision (step 7): BU heads then approve or challenge it.", REVIEW, "Review")
    status = _texts(latest, "review_status") if "review_status" in latest else \
        pd.Series("", index=latest.index)
    reviewed = status.isin(["approved", "challenged"])
    figures = f"{int(reviewed.sum()):,} of {_plural(len(latest), 'decision')} reviewed" + (
        f" ({int((status == 'approved').sum()):,} approved, {int((status == 'challenged').sum()):,} challenged)"
        if reviewed.any() else "")
    waiting = int((~reviewed).sum())
    # Like the decisions, the first verdict is the first hour's: a decision recorded since then waits, and says so,
    # without sending the workspace back to Start.
    return Step("reviews", title, bool(reviewed.any()), figures,
                f"{_plural(waiting, 'decision')} {_verb(waiting, 'waits', 'wait')} for a BU head's verdict on the "
                "Review page." if waiting else "", REVIEW, "Review", float(reviewed.mean()))
