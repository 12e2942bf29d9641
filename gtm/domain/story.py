"""The demo's workshop story (data/demo/workshop.json): who took part and what they did, as data.

The deck's case ran a funnel (400 → 50 → 15 with a target), self-assessed the organisation's maturity, planned the
engagement, and recorded decisions that BU heads reviewed. The demo workspace is seeded with all of it, so every
page opens on a workshop under way. This module only validates the file; gtm.services.workshop carries it out.
"""

from __future__ import annotations

from functools import cache
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gtm.domain import vocabulary as vocab
from gtm.domain.rules import DATA_DIR, load_rule_file


class Person(BaseModel):
    """Someone of the demo's organisation: a display name and an email (their user id)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=255)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")


class Shortlist(BaseModel):
    """The first narrowing: the top N accounts on the two axes of the funnel."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=128)
    top_n: int = Field(ge=1)
    size_axis: str
    ease_axis: str


class Focus(BaseModel):
    """The BU leaders' picks narrowed to the focus list, with its incremental-sales target."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=128)
    top_n: int = Field(ge=1)
    target_value: float = Field(gt=0)
    target_years: int = Field(ge=1, le=10)


class Assessor(BaseModel):
    """One person's maturity scores: ``who`` is "facilitator" or a BU id (that BU's head)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    who: str
    scores: dict[str, int]


class Assessment(BaseModel):
    """A maturity self-assessment on one day (``days_ago`` before the seeding) by several people."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    days_ago: int = Field(ge=0, le=3650)
    note: str = ""
    people: tuple[Assessor, ...] = Field(min_length=1)


class PlanUnderWay(BaseModel):
    """The default engagement plan started ``weeks_ago``, with owners (cycled over the activities) and statuses
    (one list per phase, one per activity)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=128)
    weeks_ago: int = Field(ge=0, le=520)
    owners: tuple[str, ...] = Field(min_length=1)
    statuses: tuple[tuple[str, ...], ...]


class DecisionStep(BaseModel):
    """A decision on the focus list's account of rank ``focus_rank`` (1 = first), and its review (None: pending)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    focus_rank: int = Field(ge=1)
    approach: str  # an approach code, or "recommended": the account's recommendation
    rationale: str = Field(min_length=1)
    review: Literal["approved", "challenged"] | None
    comment: str = ""

    @model_validator(mode="after")
    def _check(self) -> DecisionStep:
        if self.approach != "recommended" and self.approach not in vocab.APPROACHES.codes:
            raise ValueError(f"approach {self.approach!r} is not 'recommended' or one of "
                             f"{', '.join(vocab.APPROACHES.codes)}")
        if self.review == "challenged" and not self.comment.strip():
            raise ValueError("a challenge needs a comment")
        return self


class ScenarioStep(BaseModel):
    """A saved scenario: the focus accounts at their recommended structures."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=128)
    note: str = ""


class WinStep(BaseModel):
    """Deals of the focus account of rank ``focus_rank`` closed won by the second export: the likeliest open deal of
    each of its ``bus`` BUs with the likeliest deals (two or more: a cross-BU win)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    focus_rank: int = Field(ge=1)
    bus: int = Field(ge=1, le=6)


class ResultsStory(BaseModel):
    """Two dated imports: the portfolio as exported ``days_between`` days before the seeding (the kick-off), then the
    deals changed since, exported on the day of seeding, with the wins of ``won``. Deals above ``max_value`` stay open
    (a quarter's wins are not the turnkey megaprojects)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    days_between: int = Field(ge=1, le=730)
    first_file: str = Field(min_length=1, max_length=255)
    second_file: str = Field(min_length=1, max_length=255)
    max_value: float = Field(gt=0)
    won: tuple[WinStep, ...] = Field(min_length=1)


class PlanAction(BaseModel):
    """An action of the demo's account plans: ``owner`` "account owner", "facilitator" or a BU id (its head);
    due ``due_in_days`` after the seeding (negative: already due)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: str = Field(min_length=1, max_length=500)
    owner: str
    due_in_days: int | None = Field(default=None, ge=-365, le=730)
    status: Literal["not started", "in progress", "done", "blocked"]


class PlanStakeholder(BaseModel):
    """A stakeholder's role of the demo's account plans (the name is drawn from the plans' name lists); ``owner`` as
    for actions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str = ""
    strength: Literal["strong", "medium", "weak"] | None = None
    owner: str


class AccountPlansStory(BaseModel):
    """Plans for the first ``accounts`` focus accounts, saved by the facilitator: the objectives (``{account}`` and
    ``{bu}``, the BU with the most open pipeline there, filled in), a target for each of the ``target_bus`` BUs with
    the most open pipeline (``target_share`` of it, entered in the workshop), and stakeholders and actions taken in
    turn from the pools, ``per_account`` of each; each stakeholder named from ``first_names`` and ``last_names`` in
    turn (lists of coprime lengths name up to their product of people apart)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    accounts: int = Field(ge=1)
    objectives: tuple[str, ...] = Field(min_length=1)
    target_bus: int = Field(ge=0, le=6)
    target_share: float = Field(gt=0, le=1)
    first_names: tuple[str, ...] = Field(min_length=1)
    last_names: tuple[str, ...] = Field(min_length=1)
    stakeholders: tuple[PlanStakeholder, ...] = Field(min_length=1)
    actions: tuple[PlanAction, ...] = Field(min_length=1)
    per_account: int = Field(ge=1)


class WorkshopStory(BaseModel):
    """data/demo/workshop.json, validated."""

    RULE_NAME: ClassVar[str] = "demo workshop"
    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = Field(min_length=1)
    facilitator: Person
    bu_heads: dict[str, Person] = Field(min_length=1)
    shortlist: Shortlist
    picks_per_bu: int = Field(ge=1)
    focus: Focus
    maturity: tuple[Assessment, ...] = Field(min_length=1)
    plan: PlanUnderWay
    decisions: tuple[DecisionStep, ...]
    scenario: ScenarioStep
    results: ResultsStory
    account_plans: AccountPlansStory

    @model_validator(mode="after")
    def _check(self) -> WorkshopStory:
        for i, assessment in enumerate(self.maturity):
            for person in assessment.people:
                if person.who != "facilitator" and person.who not in self.bu_heads:
                    raise ValueError(f"maturity[{i}]: {person.who!r} is neither 'facilitator' nor a BU of bu_heads")
        if self.focus.top_n > self.shortlist.top_n:
            raise ValueError("the focus list cannot be longer than the shortlist")
        for step in self.decisions:
            if step.focus_rank > self.focus.top_n:
                raise ValueError(f"decision on focus rank {step.focus_rank}: the focus list has {self.focus.top_n}")
        for win in self.results.won:
            if win.focus_rank > self.focus.top_n:
                raise ValueError(f"win on focus rank {win.focus_rank}: the focus list has {self.focus.top_n}")
        owners = {"account owner", "facilitator", *self.bu_heads}
        named = [a.owner for a in self.account_plans.actions] + [s.owner for s in self.account_plans.stakeholders]
        for owner in named:
            if owner not in owners:
                raise ValueError(f"account plans: owner {owner!r} is not 'account owner', 'facilitator' or a BU of "
                                 "bu_heads")
        return self


@cache
def default_story() -> WorkshopStory:
    """The story of data/demo/workshop.json, read and validated on first use."""
    return load_rule_file(DATA_DIR / "demo" / "workshop.json", WorkshopStory)
