"""What the hand-out shows: the content gtm.services.deck gathers, as plain dataclasses (no python-pptx here)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from gtm.domain import vocabulary as vocab
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.playbook import Assumptions
from gtm.domain.portfolio import Figures

MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
SLIDE_TITLES = {"title": "title", "matrix": "The portfolio matrix", "funnel": "Key accounts: the funnel",
                "maturity": "Maturity: losers and winners", "economics": "Economics of the focus accounts",
                "plan": "The engagement plan", "results": "Results so far"}


@dataclass(frozen=True)
class Decision:
    """An account's latest recorded decision and where its review stands."""

    approach: str
    author: str | None
    decided_on: date | None
    review_status: str | None  # pending, approved, challenged (gtm.domain.reviews)
    approvals: str = ""  # e.g. "EMEA ✓ · APAC awaiting"
    rationale: str = ""


@dataclass(frozen=True)
class Lead:
    """An account's lead BU and point person in force (a person's choice, else the CRM's evidence), and why."""

    bu: str | None  # the lead BU's name; None: none proposed or chosen
    person: str | None
    reason: str  # the sentences of gtm.domain.lead.decided: the evidence, a person's choice, or why there is none
    chosen: bool = False  # a person chose at least one of them in a decision


@dataclass(frozen=True)
class FocusAccount:
    """What one focus account's slide shows."""

    account_id: str
    name: str
    cells: pd.DataFrame  # cell_summary of its opportunities: nature, approach (its current one), count, value
    opportunities: int
    value: float
    current: str | None  # approach code; None: none recorded
    current_assumed: str  # the approach assumed when none is recorded (the lightest)
    recommended: str | None
    rationale: str  # why the recommendation (or why there is none)
    flagged: str  # why the current structure is (or is not) flagged: portfolio.fit_summary
    decision: Decision | None
    undiagnosed: int = 0  # opportunities without a nature: not in the matrix
    details: str = ""  # industry, region, owner
    # The id was made by the import from the account's name (an account known by its name only, "name:…"): it
    # means nothing to the room, so the slide shows the name and only the speaker notes carry the id.
    id_is_internal: bool = False
    lead: Lead | None = None  # who leads it: the lead BU and point person in force, and why (None: not gathered)
    plan_version: int = 0  # of its account plan; 0: none saved yet
    open_actions: Sequence[str] = ()  # its plan's open actions in a line each, overdue first


@dataclass(frozen=True)
class ResultsSoFar:
    """What the "Results so far" slide shows, as gtm.services.results counted it (the slide only places it)."""

    sentences: Sequence[str]  # the figures in words; or, with nothing to compare yet, why
    baseline: str = ""  # which import the results run from, and which accounts
    dates: Sequence[date] = ()  # the imports' export dates from the baseline on
    gained: Sequence[float] = ()  # won since the baseline at each
    pace: Sequence[float | None] = ()  # what the target asks by each (None: no target)
    figures: Sequence[tuple[str, str]] = ()  # (figure, what it is), the headline figures
    top: Sequence[tuple[str, float, bool]] = ()  # (account, gained, cross-BU), largest gain first


@dataclass(frozen=True)
class Economics:
    """The economics of moving the focus accounts from their current structures to the recommended ones, as
    gtm.services.design computed them (every figure here is theirs; the slide only formats and places them)."""

    # One row per focus account, largest value first: name, current, plan (approach codes), moved, value,
    # cost_year_current, cost_year_plan, setup_cost, stake_current, stake_plan, extra_benefit, net, payback_months
    # (NaN: never, or no move).
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    totals: dict[str, float] = field(default_factory=dict)  # the money columns summed over every account
    accounts: int = 0
    moved: int = 0
    payback_months: float | None = None  # of all the moves together; None: never (or nothing moves)
    roles: pd.DataFrame | None = None  # label, source (hire/assign), people_current, people_plan
    assumptions: Assumptions | None = None  # in force, costs in the deck's currency
    version: int = 0  # of the saved assumptions; 0: the workshop's defaults (data/approaches.json)
    tried: bool = False  # tried in a session and not saved (the Design page's edits)
    saved_by: str | None = None
    saved_on: date | None = None
    notes: Sequence[str] = ()  # conversions, and what was assumed where the data had nothing
    formulas: Sequence[str] = ()  # each figure's formula in words, for the speaker notes
    coverage: Sequence[tuple[str, float]] = ()  # each role's ratio in force, in words: accounts per person, or people
    problem: str = ""  # why the economics cannot be computed (then nothing else is set)


@dataclass(frozen=True)
class DeckContent:
    """Everything the slides show, gathered by gtm.services.deck."""

    title: str
    workspace: str
    made_on: date
    currency: str
    matrix: ApproachMatrix
    cells: pd.DataFrame  # portfolio.cell_summary of the whole portfolio
    figures: Figures | None
    chosen_by: str  # which rule chose the focus accounts, in words
    accounts: Sequence[FocusAccount]
    funnel: pd.DataFrame | None = None  # stage, accounts, value
    target: tuple[float | None, int | None] = (None, None)  # incremental sales, over so many years
    funnel_note: str = ""
    maturity: pd.DataFrame | None = None  # maturity.summary: dimension, label, losers, winners, winners_do, mean ...
    maturity_note: str = ""
    plan: pd.DataFrame | None = None  # plans.schedule_frame: phase, activity, owner, status, start, end, weeks
    plan_note: str = ""
    notes: Sequence[str] = field(default_factory=tuple)  # said on the title slide (accounts left out, say)
    economics: Economics | None = None  # None: no focus account
    organisation: str = ""  # whose hand-out: the organisation's name, else its workspace's ("" : the workspace)
    at_stake: float | None = None  # the focus accounts' value outside the realistic band; None: not known
    speaker_notes: Sequence[str] = field(default_factory=tuple)  # the title slide's notes (ids left out, say)
    results: ResultsSoFar | None = None  # None: not gathered (a hand-made content)


def day(d: date | pd.Timestamp | None) -> str:
    """A date as people read it: '2 Mar 2026' ('date not known' for none)."""
    if d is None or (isinstance(d, float) and math.isnan(d)) or pd.isna(d):
        return "date not known"
    d = pd.Timestamp(d)
    return f"{d.day} {d:%b %Y}"


def empty_cells() -> pd.DataFrame:
    """A cell summary with every cell empty (a portfolio without opportunities)."""
    grid = pd.MultiIndex.from_product([vocab.NATURES.codes, vocab.APPROACHES.codes],
                                      names=["nature", "approach"]).to_frame(index=False)
    return grid.assign(count=0, value=0.0)
