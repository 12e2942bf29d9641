"""Account plans for the focus accounts: the deck's phase 2, "pilot account planning" and "tactical action plans".

A plan holds the account's objectives; a whitespace target per BU (what the BU aims to sell there beyond today); the
customer's stakeholders with their role, how strong the relationship is and who on our side owns it; and actions with
an owner, a due date and a status. Pure: validation, the editors' tables and back, open actions. A relationship
strength or a due date nobody gave stays unknown, and says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal, get_args

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count
from gtm.domain.plan import STATUSES, Status
from gtm.domain.vocabulary import normalise

Strength = Literal["strong", "medium", "weak"]
STRENGTHS: tuple[str, ...] = get_args(Strength)
NOT_KNOWN = "not known"
TargetSource = Literal["entered", "whitespace"]
DONE = "done"
MAX_TEXT = 500
MAX_NAME = 255
MAX_ROWS = 100  # per part of a plan: more is a paste gone wrong, not a plan
# The parts of a plan, their columns (as the editors hold them) and the headers people read.
PARTS: dict[str, tuple[str, ...]] = {
    "objectives": ("objective",),
    "targets": ("bu", "value", "source"),
    "stakeholders": ("name", "role", "strength", "owner"),
    "actions": ("action", "owner", "due", "status"),
}
PART_LABELS = {"objectives": "Objectives", "targets": "Whitespace targets per BU", "stakeholders": "Stakeholders",
               "actions": "Actions"}
HEADERS = {"objective": "Objective", "bu": "BU", "value": "Target", "source": "Target from", "name": "Name",
           "role": "Role", "strength": "Relationship", "owner": "Owner", "action": "Action", "due": "Due",
           "status": "Status"}
ACCEPTED = {
    "objective": f"a sentence of 1 to {MAX_TEXT} characters",
    "bu": "a BU of this portfolio, by id or name",
    "value": "an amount of 0 or more in the reporting currency",
    "source": "entered (a person's number) or whitespace (prefilled from the whitespace grid)",
    "name": f"a name of 1 to {MAX_NAME} characters",
    "role": f"up to {MAX_NAME} characters",
    "strength": f"{', '.join(STRENGTHS)}, or empty (not known)",
    "owner": f"a person, up to {MAX_NAME} characters, or empty (no owner yet)",
    "action": f"a sentence of 1 to {MAX_TEXT} characters",
    "due": "a date as YYYY-MM-DD, or empty (no due date yet)",
    "status": ", ".join(STATUSES),
}


class Target(BaseModel):
    """What a BU aims to sell at the account beyond today, and where the number came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bu: str = Field(min_length=1, max_length=128)
    value: float = Field(ge=0)
    source: TargetSource = "entered"

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("must be a finite amount")
        return v


class Stakeholder(BaseModel):
    """Someone at the customer: their role, how strong our relationship is (None: not known) and who owns it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME)
    role: str = Field(default="", max_length=MAX_NAME)
    strength: Strength | None = None
    owner: str = Field(default="", max_length=MAX_NAME)


class PlanAction(BaseModel):
    """One action: what, who (empty: no owner yet), by when (None: no due date yet), where it stands."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    action: str = Field(min_length=1, max_length=MAX_TEXT)
    owner: str = Field(default="", max_length=MAX_NAME)
    due: date | None = None
    status: Status = "not started"

    @property
    def open(self) -> bool:
        """Not done yet."""
        return self.status != DONE


class AccountPlan(BaseModel):
    """One version of an account's plan."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    objectives: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    stakeholders: tuple[Stakeholder, ...] = ()
    actions: tuple[PlanAction, ...] = ()
    note: str = Field(default="", max_length=2000)

    @field_validator("objectives")
    @classmethod
    def _objectives(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for text in v:
            if not text.strip() or len(text) > MAX_TEXT:
                raise ValueError(f"an objective is {ACCEPTED['objective']}")
        return v

    @model_validator(mode="after")
    def _check(self) -> AccountPlan:
        seen: set[str] = set()
        for t in self.targets:
            if normalise(t.bu) in seen:
                raise ValueError(f"BU {t.bu!r} has two targets; give each BU one")
            seen.add(normalise(t.bu))
        for name in PARTS:
            if len(getattr(self, name)) > MAX_ROWS:
                raise ValueError(f"{name} holds more than {MAX_ROWS} rows")
        return self

    @property
    def empty(self) -> bool:
        """Nothing in any part."""
        return not (self.objectives or self.targets or self.stakeholders or self.actions)

    def body(self) -> dict[str, Any]:
        """As stored (JSON): dates as ISO text."""
        return self.model_dump(mode="json")


def parse_plan(body: Mapping[str, Any], source: str = "the account plan") -> AccountPlan:
    """A stored plan's body, validated; InputError saying what is wrong."""
    try:
        return AccountPlan.model_validate(dict(body))
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(f"{source} cannot be read: {'.'.join(map(str, first['loc']))}: {first['msg']}.") from None


# ---------------------------------------------------------------------------------------------- the editors' tables


def plan_frames(plan: AccountPlan | None) -> dict[str, pd.DataFrame]:
    """The plan's parts as tables (PARTS' columns), empty ones for no plan: what the page's editors start from."""
    plan = plan or AccountPlan()
    frames = {
        "objectives": pd.DataFrame({"objective": list(plan.objectives)}, dtype=object),
        "targets": pd.DataFrame([t.model_dump() for t in plan.targets], columns=list(PARTS["targets"])),
        "stakeholders": pd.DataFrame([s.model_dump() for s in plan.stakeholders], columns=list(PARTS["stakeholders"])),
        "actions": pd.DataFrame([a.model_dump() for a in plan.actions], columns=list(PARTS["actions"])),
    }
    frames["targets"]["value"] = pd.to_numeric(frames["targets"]["value"], errors="coerce").astype(float)
    frames["actions"]["due"] = pd.to_datetime(frames["actions"]["due"], errors="coerce").dt.date.astype(object)
    return frames


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        if pd.isna(value):  # type: ignore[call-overload]
            return True
    except (TypeError, ValueError):
        pass
    return isinstance(value, str) and not value.strip()


def _text(value: object) -> str:
    return "" if _blank(value) else str(value).strip()


def _due(value: object) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, pd.Timestamp):
        return value.date()
    return date.fromisoformat(str(value).strip())


def plan_from_frames(frames: Mapping[str, pd.DataFrame], note: str = "") -> AccountPlan:
    """A plan from the editors' tables (rows left wholly blank are skipped). Every cell that cannot be read is an
    InputError problem naming its part and row (1 = the first), column, value and what is accepted."""
    problems: list[Problem] = []
    parts: dict[str, list[Any]] = {name: [] for name in PARTS}
    for part, columns in PARTS.items():
        frame = frames.get(part)
        if frame is None:
            continue
        for i, row in enumerate(frame.to_dict("records"), start=1):  # a few dozen rows a plan: a loop is fine
            cells = {c: row.get(c) for c in columns}
            if all(_blank(v) for c, v in cells.items() if c not in ("source", "status")):
                continue
            item = _item(part, cells, i, problems)
            if item is not None:
                parts[part].append(item)
    if problems:
        raise InputError.from_problems(f"The plan has {count(len(problems), 'cell')} that cannot be read; nothing was saved.",
                                       problems)
    try:
        return AccountPlan(objectives=tuple(parts["objectives"]), targets=tuple(parts["targets"]),
                           stakeholders=tuple(parts["stakeholders"]), actions=tuple(parts["actions"]),
                           note=(note or "").strip())
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(f"The plan cannot be saved: {first['msg'].removeprefix('Value error, ')}.") from None


def _item(part: str, cells: dict[str, Any], row: int, problems: list[Problem]) -> Any:
    """One row (1 = the first) of a part as its model, or None with its problems appended."""
    before = len(problems)

    def bad(column: str) -> None:
        problems.append(Problem(row, f"{PART_LABELS[part]}: {HEADERS[column]}",
                                "" if _blank(cells.get(column)) else str(cells[column]),
                                f"accepted: {ACCEPTED[column]}"))

    if part == "objectives":
        text = _text(cells["objective"])
        if not 0 < len(text) <= MAX_TEXT:
            bad("objective")
        return text if len(problems) == before else None
    if part == "targets":
        bu = _text(cells["bu"])
        if not bu or len(bu) > 128:
            bad("bu")
        try:
            value = float(cells["value"]) if not _blank(cells["value"]) else math.nan
        except (TypeError, ValueError):
            value = math.nan
        if not math.isfinite(value) or value < 0:
            bad("value")
        source = _text(cells.get("source")) or "entered"
        if source not in get_args(TargetSource):
            bad("source")
        return Target.model_validate({"bu": bu, "value": value, "source": source}) if len(problems) == before else None
    if part == "stakeholders":
        name, role, owner = _text(cells["name"]), _text(cells["role"]), _text(cells["owner"])
        strength = _text(cells["strength"]).casefold()
        if not 0 < len(name) <= MAX_NAME:
            bad("name")
        if len(role) > MAX_NAME:
            bad("role")
        if len(owner) > MAX_NAME:
            bad("owner")
        if strength in ("", NOT_KNOWN):
            strength = ""
        elif strength not in STRENGTHS:
            bad("strength")
        return Stakeholder.model_validate({"name": name, "role": role, "strength": strength or None, "owner": owner}) \
            if len(problems) == before else None
    action, owner = _text(cells["action"]), _text(cells["owner"])
    status = _text(cells.get("status")) or "not started"
    if not 0 < len(action) <= MAX_TEXT:
        bad("action")
    if len(owner) > MAX_NAME:
        bad("owner")
    try:
        due = _due(cells["due"])
    except (TypeError, ValueError):
        bad("due")
        due = None
    if status not in STATUSES:
        bad("status")
    return PlanAction.model_validate({"action": action, "owner": owner, "due": due, "status": status}) \
        if len(problems) == before else None


# ---------------------------------------------------------------------------------------------- reads


def open_actions(plan: AccountPlan, today: date) -> pd.DataFrame:
    """The actions not done yet, the overdue first, then by due date (no date last): action, owner, due, status,
    overdue."""
    rows = [{**a.model_dump(), "overdue": a.due is not None and a.due < today} for a in plan.actions if a.open]
    frame = pd.DataFrame(rows, columns=["action", "owner", "due", "status", "overdue"])
    if frame.empty:
        return frame
    key = pd.to_datetime(frame["due"], errors="coerce")
    return frame.assign(_k=key).sort_values(["overdue", "_k"], ascending=[False, True], na_position="last",
                                            kind="stable").drop(columns="_k").reset_index(drop=True)


def action_line(action: Mapping[str, Any]) -> str:
    """One open action in a line: what, who, by when, where it stands (what is not known said so)."""
    due = action.get("due")
    when = f"due {pd.Timestamp(due):%-d %b %Y}" if due is not None and not _blank(due) else "no due date yet"
    who = _text(action.get("owner")) or "no owner yet"
    late = " (overdue)" if action.get("overdue") else ""
    return f"{action['action']} · {who} · {when}{late} · {action['status']}"


# ---------------------------------------------------------------------------------------------- whitespace targets

WHITESPACE_COLUMNS = ("account_id", "bu", "whitespace")


def targets_from_whitespace(whitespace: pd.DataFrame, account_id: str) -> pd.DataFrame:
    """Targets per BU prefilled from the whitespace grid (issue 25 item 2: account_id, bu, bu_name, won_value,
    open_value, potential, whitespace): each BU's whitespace above 0 at the account, largest first, marked
    ``whitespace``. A grid without those columns is an InputError."""
    missing = [c for c in WHITESPACE_COLUMNS if c not in whitespace]
    if missing:
        raise InputError(f"The whitespace grid lacks the columns {', '.join(missing)}; targets cannot be prefilled.")
    mine = whitespace[(whitespace["account_id"].astype(str) == str(account_id))
                      & (pd.to_numeric(whitespace["whitespace"], errors="coerce") > 0)]
    mine = mine.sort_values("whitespace", ascending=False, kind="stable")
    return pd.DataFrame({"bu": mine["bu"].astype(str).to_numpy(),
                         "value": pd.to_numeric(mine["whitespace"]).astype(float).to_numpy(),
                         "source": "whitespace"}, columns=list(PARTS["targets"]))


def prefill_targets(entered: pd.DataFrame, suggested: pd.DataFrame) -> pd.DataFrame:
    """The targets a person entered, then the suggested ones for the BUs they did not give a target: what a person
    said wins over any estimate."""
    have = {normalise(b) for b in entered["bu"].dropna().astype(str) if b.strip()} if len(entered) else set()
    extra = suggested[~suggested["bu"].astype(str).map(normalise).isin(have)]
    kept = entered.dropna(how="all") if len(entered) else entered
    return pd.concat([kept, extra], ignore_index=True)[list(PARTS["targets"])] if len(kept) else \
        extra.reset_index(drop=True)
