"""The playbook of the seven GTM structures and the assumptions of their economics (data/approaches.json).

For each structure: who owns the relationship, the point person, decision rights, incentives, metrics, governance,
skills and typical costs. The roles the structures need come with coverage ratios; the economics' defaults (cost to
serve, set-up cost, uplift, margin, horizon, ramp-up) are data too, validated here, and a person's edits are
validated by the same model (``Assumptions``) before anything is computed or saved.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gtm.domain import vocabulary as vocab
from gtm.domain.errors import InputError, Problem
from gtm.domain.rules import DATA_DIR, Example, load_rule_file

PLAYBOOK_FILE = DATA_DIR / "approaches.json"
MAX_MONEY = 1e12  # per account per year: anything above is a typo (a trillion), not an assumption
# Accounts per person (or people for the programme): below 0.01 is a hundred people on one account, above 10,000 one
# person for a whole portfolio. Outside is a typo, and 1e-300 would make the roles' arithmetic overflow.
COVERAGE_RANGE = (0.01, 10_000.0)


class Structure(BaseModel):
    """One structure's page of the playbook (the approach's code names it; its label is in the vocabulary)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    summary: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    point_person: str = Field(min_length=1)
    pricing: str = Field(min_length=1)
    signing: str = Field(min_length=1)
    incentives: str = Field(min_length=1)
    metrics: str = Field(min_length=1)
    governance: str = Field(min_length=1)
    skills: tuple[str, ...] = Field(min_length=1)
    typical_costs: str = Field(min_length=1)

    @property
    def label(self) -> str:
        """The structure's label from the vocabulary."""
        return vocab.APPROACHES.label(self.code)


class Role(BaseModel):
    """A role the structures need: per ``coverage`` accounts one person (basis accounts), or a number of people for
    the whole programme as soon as one account is served by a structure that needs it (basis programme)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z_]*$")
    label: str = Field(min_length=1)
    meaning: str = Field(min_length=1)
    needed_by: tuple[str, ...] = Field(min_length=1)
    basis: Literal["accounts", "programme"]
    source: Literal["hire", "assign"]


class Assumptions(BaseModel):
    """Every number the economics and the roles use. Costs are per account in ``currency``: per year to serve,
    once to set up when an account moves up into the structure."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    horizon_years: int = Field(ge=1, le=10)
    uplift: float = Field(ge=0, le=5)
    margin: float = Field(ge=0, le=1)
    ramp_up_months: int = Field(ge=0, le=60)
    cost_to_serve: dict[str, float]
    setup_cost: dict[str, float]
    coverage: dict[str, float]

    @model_validator(mode="after")
    def _consistent(self) -> Assumptions:
        codes = vocab.APPROACHES.codes
        for field in ("cost_to_serve", "setup_cost"):
            table: dict[str, float] = getattr(self, field)
            if set(table) != set(codes):
                missing, extra = sorted(set(codes) - set(table)), sorted(set(table) - set(codes))
                raise ValueError(f"{field} must give every structure exactly once; missing {missing}, unknown {extra}")
            for code, value in table.items():
                if not 0 <= value <= MAX_MONEY:
                    what = "the cost to serve" if field == "cost_to_serve" else "the set-up cost"
                    raise ValueError(f"{what} of {vocab.APPROACHES.label(code)} is {value:,.0f}; accepted: a "
                                     f"number from 0 to {MAX_MONEY:,.0f}")
        # The overkill zone is "costing more than benefits created": a heavier structure must not cost less.
        serve = [self.cost_to_serve[c] for c in codes]
        for lighter, heavier, a, b in zip(codes, codes[1:], serve, serve[1:]):
            if b < a:
                raise ValueError(
                    f"cost to serve must not fall as the structure gets heavier: {vocab.APPROACHES.label(heavier)} "
                    f"costs {b:,.0f} a year but the lighter {vocab.APPROACHES.label(lighter)} costs {a:,.0f}")
        if self.ramp_up_months >= 12 * self.horizon_years:
            raise ValueError(f"the ramp-up ({self.ramp_up_months} months) must be shorter than the horizon "
                             f"({self.horizon_years} years = {12 * self.horizon_years} months)")
        low, high = COVERAGE_RANGE
        for role, ratio in self.coverage.items():
            if not low <= ratio <= high:
                raise ValueError(f"coverage of {role} is {ratio:g}; accepted: a number from {low:g} to {high:,.0f} "
                                 "(accounts per person, or people for the programme)")
        return self

    def as_dict(self) -> dict[str, Any]:
        """The assumptions as plain JSON values (what a saved version stores)."""
        return self.model_dump(mode="json")


class Playbook(BaseModel):
    """data/approaches.json: the seven structures, the roles, the default assumptions and their notes."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    RULE_NAME: ClassVar[str] = "playbook of structures"

    description: str = Field(min_length=1)
    hit_policy: Literal["unique"]
    structures: tuple[Structure, ...]
    roles: tuple[Role, ...] = Field(min_length=1)
    defaults: Assumptions
    assumption_notes: dict[str, str]
    examples: tuple[Example[dict[str, Any], dict[str, Any]], ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Playbook:
        codes = tuple(s.code for s in self.structures)
        if codes != vocab.APPROACHES.codes:
            raise ValueError(f"structures must be the seven approaches in rank order: {', '.join(vocab.APPROACHES.codes)}"
                             f"; got {', '.join(codes)}")
        role_codes = [r.code for r in self.roles]
        if len(set(role_codes)) != len(role_codes):
            raise ValueError(f"a role appears twice: {role_codes}")
        for r in self.roles:
            unknown = sorted(set(r.needed_by) - set(codes))
            if unknown:
                raise ValueError(f"role {r.code} is needed by unknown structures {unknown}; accepted: {', '.join(codes)}")
        if set(self.defaults.coverage) != set(role_codes):
            raise ValueError(f"defaults.coverage must give every role exactly once: {', '.join(role_codes)}")
        missing = sorted({"horizon_years", "uplift", "margin", "ramp_up_months", "cost_to_serve", "setup_cost",
                          "coverage"} - set(self.assumption_notes))
        if missing:
            raise ValueError(f"assumption_notes must explain every assumption; missing {missing}")
        return self

    def structure(self, code: str) -> Structure:
        """The structure of this approach code; InputError naming the accepted codes."""
        for s in self.structures:
            if s.code == code:
                return s
        raise InputError(f"No structure {code!r}; accepted: {', '.join(vocab.APPROACHES.codes)}.")

    def roles_of(self, code: str) -> tuple[Role, ...]:
        """The roles a structure needs."""
        return tuple(r for r in self.roles if code in r.needed_by)

    def run_example(self, value: dict[str, Any]) -> dict[str, Any]:
        """An example's output: the people per role for a count of accounts per structure (kind roles), or a
        move's extra cost, extra benefit and payback months at the default assumptions (kind move)."""
        from gtm.domain import economics  # the calculations import this module; run_example needs them

        if value["kind"] == "roles":
            counts = {code: int(n) for code, n in value["accounts"].items()}
            table = economics.roles_needed(counts, self.defaults, self)
            return {str(r): int(n) for r, n in zip(table["role"], table["people"])}
        move = economics.single_move(value["in_band"], value["current"], value["plan"], self.defaults)
        payback = move["payback_months"]
        return {"extra_cost": round(move["extra_cost"]), "extra_benefit": round(move["extra_benefit"]),
                "payback_months": None if payback is None else round(payback, 1)}


def load_playbook(path: Path | str | None = None) -> Playbook:
    """Read and validate a playbook file (data/approaches.json by default); ConfigError naming the fault."""
    return load_rule_file(path or PLAYBOOK_FILE, Playbook)


@cache
def default_playbook() -> Playbook:
    """data/approaches.json, read and validated on first use."""
    return load_playbook()


# Where a value sits in the assumptions, as the Design page's editor names it.
_FIELDS = {"currency": "Currency of the costs", "horizon_years": "Horizon (years)", "uplift": "Uplift",
           "margin": "Margin", "ramp_up_months": "Ramp-up (months)", "cost_to_serve": "Cost to serve a year",
           "setup_cost": "Set-up cost once", "coverage": "Coverage"}


def _place(loc: tuple[int | str, ...], roles: dict[str, str]) -> str:
    """An error's location in the editor's words: "Cost to serve a year, Lead unit …", "Coverage, Specialists …"."""
    if not loc:
        return "the assumptions"
    head = _FIELDS.get(str(loc[0]), str(loc[0]))
    if len(loc) > 1:
        key = str(loc[1])
        name = roles.get(key) or (vocab.APPROACHES.label(key) if key in vocab.APPROACHES.codes else key)
        return f"{head}, {name}"
    return head


def assumptions_from(raw: dict[str, Any]) -> Assumptions:
    """Validate a person's (or a saved version's) assumptions; InputError naming each wrong value, where it is in
    the editor's words, and what is accepted. The coverage ratios must name exactly the playbook's roles."""
    roles = {r.code: r.label for r in default_playbook().roles}
    try:
        a = Assumptions.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            for code, label in roles.items():  # the model names roles by code; people know their labels
                msg = msg.replace(f"coverage of {code} ", f"the coverage of {label} ")
            loc = tuple(err["loc"])
            problems.append(Problem(None, _place(loc, roles) if loc else None, err.get("input") if loc else None,
                                    msg))
        head = problems[0]
        where = f"{head.column}: " if head.column else ""
        summary = f"The assumptions are not valid: {where}{head.reason}."
        if len(problems) == 1:  # the sentence says it all: no list repeating it
            raise InputError(summary, problems) from None
        raise InputError.from_problems(summary, problems) from None
    missing, extra = sorted(set(roles) - set(a.coverage)), sorted(set(a.coverage) - set(roles))
    if missing or extra:
        raise InputError(f"The coverage ratios must give each role of the playbook once: "
                         f"missing {[roles[m] for m in missing]}, unknown {extra}; accepted roles: "
                         f"{', '.join(roles.values())}.")
    return a
