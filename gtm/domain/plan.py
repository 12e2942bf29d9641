"""The engagement plan (docs/domain.md section 6): phases of activities, each with weeks, an owner and a status, and
the schedule they make from a start date. Pure: no storage, no Streamlit.

How the schedule is laid out, kept simple on purpose:

- phases run one after another, the first from the start date;
- an activity with an ``offset`` starts that many weeks after its phase starts, so activities with offsets run in
  parallel; an activity without one starts when the activity above it in the same phase ends (the first one at the
  phase's start), so a run of them is a sequence;
- a phase lasts its own ``weeks``, or longer when one of its activities ends later: an overrun pushes every later
  phase, never silently overlaps it.

Spans are half-open: an activity runs from its start date up to its end date, on which the next one may start.
Weeks may be fractional; a span is a whole number of days (weeks x 7, rounded).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal, get_args

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gtm.domain.errors import ConfigError, InputError, Problem
from gtm.domain.fmt import plural
from gtm.domain.rules import DATA_DIR, Example, config_error, describe, read_json

Status = Literal["not started", "in progress", "done", "blocked"]
STATUSES: tuple[str, ...] = get_args(Status)
NOT_STARTED: Status = "not started"
MAX_WEEKS = 104  # two years: longer is a typing slip, not a plan
MAX_NAME = 200
MAX_OWNER = 255
PLAN_FILE = DATA_DIR / "engagement_plan.json"
# The schedule's columns, in the order the page, the exports and the deck show them.
SCHEDULE_COLUMNS = ("phase", "activity", "owner", "status", "start", "end", "weeks")
# The editable rows of a plan (one per activity), as the page's editor holds them.
ROW_COLUMNS = ("phase", "activity", "offset", "weeks", "owner", "status")
_WEEKS_ACCEPTED = f"a number of weeks above 0 and at most {MAX_WEEKS}"
_OFFSET_ACCEPTED = (f"empty (right after the activity above it) or a number of weeks from 0 to {MAX_WEEKS} after "
                    "its phase starts")


class Activity(BaseModel):
    """One activity of a phase: its name, length in weeks, owner ("" while unknown), status, optional offset."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME)
    weeks: float = Field(gt=0, le=MAX_WEEKS)
    owner: str = Field(default="", max_length=MAX_OWNER)
    status: Status = NOT_STARTED
    offset: float | None = Field(default=None, ge=0, le=MAX_WEEKS)


class Phase(BaseModel):
    """One phase: its name, its default length in weeks, a note on that length, its activities in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME)
    weeks: float = Field(gt=0, le=MAX_WEEKS)
    note: str = ""
    activities: tuple[Activity, ...] = ()


class Plan(BaseModel):
    """An engagement plan: its phases in the order they run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    phases: tuple[Phase, ...] = Field(min_length=1)

    def rows(self) -> pd.DataFrame:
        """One row per activity (ROW_COLUMNS), in order: what the page's editor shows."""
        records = [{"phase": p.name, "activity": a.name, "offset": a.offset, "weeks": a.weeks, "owner": a.owner,
                    "status": a.status} for p in self.phases for a in p.activities]
        # Text as plain objects: st.data_editor (Streamlit 1.67) sends no edit of a pandas "string"/"str" column.
        return pd.DataFrame(records, columns=list(ROW_COLUMNS)).astype(
            {"phase": object, "activity": object, "offset": "float64", "weeks": "float64", "owner": object,
             "status": object})

    def body(self) -> dict[str, Any]:
        """The plan as JSON-ready data (what storage keeps)."""
        return self.model_dump(mode="json")


class Query(BaseModel):
    """An example's input: a start date and a phase or an activity (neither: the whole plan)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: date
    phase: str | None = None
    activity: str | None = None


class Span(BaseModel):
    """An example's expected span: from ``start`` up to ``end``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: date
    end: date


class PlanFile(Plan):
    """data/engagement_plan.json: the default plan, and example spans of its schedule (hit policy unique)."""

    RULE_NAME: ClassVar[str] = "engagement plan"

    description: str = ""
    hit_policy: Literal["unique"]
    examples: tuple[Example[Query, Span], ...] = Field(min_length=1)

    def plan(self) -> Plan:
        """The plan alone, without the file's description and examples."""
        return Plan(phases=self.phases)

    def run_example(self, query: Query) -> Span:
        """The span a query picks in this plan's schedule."""
        sched = schedule(self.plan(), query.start)
        if query.activity is not None:
            rows = sched.activities[sched.activities["activity"] == query.activity]
        elif query.phase is not None:
            rows = sched.phases[sched.phases["phase"] == query.phase]
        else:
            return Span(start=sched.start, end=sched.end)
        if len(rows) != 1:
            raise ValueError(f"{len(rows)} spans are named {query.activity or query.phase!r}; name exactly one")
        return Span(start=rows["start"].iloc[0], end=rows["end"].iloc[0])


@dataclass(frozen=True)
class Schedule:
    """A plan laid out from a start date: activities (SCHEDULE_COLUMNS plus ``offset``), phases (phase, start, end,
    weeks), and the whole plan's end and length in weeks."""

    activities: pd.DataFrame
    phases: pd.DataFrame
    start: date
    end: date

    @property
    def weeks(self) -> float:
        """The whole plan's length in weeks."""
        return (self.end - self.start).days / 7


def _days(weeks: float) -> int:
    return int(round(weeks * 7))


def schedule(plan: Plan, start: date) -> Schedule:
    """Each activity's and phase's start and end dates from ``start`` (see the module's docstring for the rules)."""
    activities: list[dict[str, Any]] = []
    phases: list[dict[str, Any]] = []
    phase_start = start
    for phase in plan.phases:
        cursor = phase_start  # where an activity without an offset starts
        phase_end = phase_start + timedelta(days=_days(phase.weeks))
        for act in phase.activities:
            begin = phase_start + timedelta(days=_days(act.offset)) if act.offset is not None else cursor
            end = begin + timedelta(days=_days(act.weeks))
            activities.append({"phase": phase.name, "activity": act.name, "owner": act.owner, "status": act.status,
                               "start": begin, "end": end, "weeks": act.weeks, "offset": act.offset})
            cursor = end
            phase_end = max(phase_end, end)
        phases.append({"phase": phase.name, "start": phase_start, "end": phase_end,
                       "weeks": (phase_end - phase_start).days / 7})
        phase_start = phase_end
    frame = pd.DataFrame(activities, columns=[*SCHEDULE_COLUMNS, "offset"])
    frame = frame.astype({"weeks": "float64", "offset": "float64"})
    return Schedule(frame, pd.DataFrame(phases, columns=["phase", "start", "end", "weeks"]), start, phase_start)


# ---------------------------------------------------------------------------------------------- validation


def _text(value: Any) -> str:
    """A cell as text: missing is ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _number(value: Any) -> float | None:
    """A cell as a finite number, None when missing; raises ValueError for anything else."""
    if value is None or value is pd.NA or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    number = float(value)
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise ValueError(value)
    return number


def _shown(value: Any) -> str:
    """A value as a message quotes it: a number as people write it (0, 2.5), text in quotes, nothing as (empty)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value):
        return f"{value:g}"
    text = _text(value)
    return repr(text) if text else "(empty)"


def _refuse(problems: list[Problem]) -> InputError:
    """One InputError listing each problem's sentence (which names its place, field, value and what is accepted)."""
    lines = [f"  - {p.reason}" for p in problems[:8]]
    if len(problems) > 8:
        lines.append(f"  ... and {len(problems) - 8} more")
    return InputError("\n".join(["The plan cannot be used as it stands:", *lines]), problems)


def _check_weeks(where: str, field: str, value: Any, *, optional: bool = False) -> tuple[float | None, Problem | None]:
    accepted = _OFFSET_ACCEPTED if optional else _WEEKS_ACCEPTED
    try:
        number = _number(value)
    except (TypeError, ValueError):
        number, bad = None, True
    else:
        bad = (number is None and not optional) or (number is not None and (
            number > MAX_WEEKS or (number < 0 if optional else number <= 0)))
    if bad:
        return None, Problem(where, field, value, f"{where}: {field} {_shown(value)} is not accepted; give {accepted}.")
    return number, None


def _check_activity(where: str, raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    name = _text(raw.get("name"))
    if not name:
        problems.append(Problem(where, "name", raw.get("name"),
                                f"{where}: the activity's name is empty; give it a name of 1 to {MAX_NAME} characters."))
    elif len(name) > MAX_NAME:
        problems.append(Problem(where, "name", name, f"{where}: the name has {len(name)} characters; "
                                                     f"{MAX_NAME} at most are accepted."))
    weeks, problem = _check_weeks(where, "weeks", raw.get("weeks"))
    problems += [problem] if problem else []
    offset, problem = _check_weeks(where, "offset", raw.get("offset"), optional=True)
    problems += [problem] if problem else []
    status = _text(raw.get("status")).lower() or NOT_STARTED
    if status not in STATUSES:
        problems.append(Problem(where, "status", raw.get("status"),
                                f"{where}: status {_shown(raw.get('status'))} is not accepted; give one of: "
                                f"{', '.join(STATUSES)}."))
    owner = _text(raw.get("owner"))
    if len(owner) > MAX_OWNER:
        problems.append(Problem(where, "owner", owner, f"{where}: the owner has {len(owner)} characters; "
                                                       f"{MAX_OWNER} at most are accepted."))
    return {"name": name, "weeks": weeks, "offset": offset, "owner": owner, "status": status}, problems


def _activity_where(phase: str, index: int, name: Any) -> str:
    label = f"activity {_text(name)!r}" if _text(name) else f"activity {index + 1} (no name)"
    return f"Phase {phase!r}, {label}"


def parse_plan(raw: Mapping[str, Any]) -> Plan:
    """A Plan from JSON-like data (phases -> activities), every problem named by phase, activity (its name, or its
    position in the phase when it has none), field and value with what is accepted; raises InputError listing them."""
    problems: list[Problem] = []
    phases_out: list[dict[str, Any]] = []
    phases = raw.get("phases") if isinstance(raw, Mapping) else None
    if not isinstance(phases, (list, tuple)) or not phases:
        raise InputError("A plan needs at least one phase.")
    seen: set[str] = set()
    for i, phase in enumerate(phases):
        phase = phase if isinstance(phase, Mapping) else {}
        name = _text(phase.get("name"))
        where = f"Phase {name!r}" if name else f"Phase {i + 1} (no name)"
        if not name:
            problems.append(Problem(where, "name", phase.get("name"), f"{where}: the phase's name is empty; give it "
                                                                       f"a name of 1 to {MAX_NAME} characters."))
        elif name in seen:
            problems.append(Problem(where, "name", name, f"{where}: two phases have this name; give each its own."))
        seen.add(name)
        weeks, problem = _check_weeks(where, "weeks", phase.get("weeks"))
        problems += [problem] if problem else []
        activities = []
        for j, act in enumerate(phase.get("activities") or ()):
            act = act if isinstance(act, Mapping) else {}
            checked, found = _check_activity(_activity_where(name, j, act.get("name")), act)
            activities.append(checked)
            problems += found
        phases_out.append({"name": name, "weeks": weeks, "note": _text(phase.get("note")), "activities": activities})
    if problems:
        raise _refuse(problems)
    try:
        return Plan.model_validate({"phases": phases_out})
    except ValidationError as exc:  # the checks above should have said it: a safety net, still in words
        raise InputError(f"The plan cannot be used as it stands: {describe(exc)}") from None


def plan_from_rows(phases: Sequence[Phase] | Plan, rows: pd.DataFrame,
                   phase_weeks: Mapping[str, Any] | None = None) -> Plan:
    """A Plan from the editor's rows (ROW_COLUMNS, one per activity) into the given phases, in the rows' order;
    ``phase_weeks`` replaces phase lengths by name. A row whose phase is unknown is named by its number (1 = first)."""
    known = list(phases.phases if isinstance(phases, Plan) else phases)
    names = [p.name for p in known]
    missing = [c for c in ROW_COLUMNS if c not in rows.columns and c not in ("offset", "owner", "status")]
    if missing:
        raise InputError(f"The plan's table lacks the {plural(len(missing), 'column')} {', '.join(missing)}.")
    grouped: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    problems: list[Problem] = []
    for number, record in enumerate(rows.to_dict("records"), start=1):  # dozens of rows: a loop is fine
        phase = _text(record.get("phase"))
        if phase not in grouped:
            where = f"Row {number}" + (f" (activity {_text(record.get('activity'))!r})"
                                       if _text(record.get("activity")) else "")
            problems.append(Problem(number, "phase", record.get("phase"),
                                    f"{where}: phase {_shown(record.get('phase'))} is not accepted; give one of: "
                                    + ", ".join(repr(n) for n in names) + "."))
            continue
        grouped[phase].append({"name": record.get("activity"), "weeks": record.get("weeks"),
                               "offset": record.get("offset"), "owner": record.get("owner"),
                               "status": record.get("status")})
    if problems:
        raise _refuse(problems)
    weeks = dict(phase_weeks or {})
    raw = {"phases": [{"name": p.name, "weeks": weeks.get(p.name, p.weeks), "note": p.note,
                       "activities": grouped[p.name]} for p in known]}
    return parse_plan(raw)


# ---------------------------------------------------------------------------------------------- the data file


def load_plan_file(path: Path | str = PLAN_FILE) -> PlanFile:
    """Read and validate an engagement plan file; ConfigError names the file, the place and the reason."""
    path = Path(path)
    raw = read_json(path, PlanFile.RULE_NAME)
    try:
        parse_plan(raw)  # the people's messages first: phase, activity, field, value, what is accepted
    except InputError as exc:
        raise ConfigError(f"{path}: invalid {PlanFile.RULE_NAME}: {exc}") from None
    try:
        return PlanFile.model_validate(raw)
    except ValidationError as exc:
        raise config_error(path, PlanFile.RULE_NAME, exc) from None


@cache
def default_plan() -> Plan:
    """The default plan of data/engagement_plan.json, read and validated once (frozen, safe to share)."""
    return load_plan_file().plan()
