"""The engagement plan: the data file, the schedule it makes from a start date, and messages for people."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from gtm.domain.errors import ConfigError, InputError
from gtm.domain.plan import (
    MAX_WEEKS,
    PLAN_FILE,
    STATUSES,
    Activity,
    Phase,
    Plan,
    default_plan,
    load_plan_file,
    parse_plan,
    plan_from_rows,
    schedule,
)
from gtm.domain.rules import check_examples

MONDAY = date(2026, 1, 5)


def test_the_data_file_is_valid_and_its_examples_hold() -> None:
    rules = load_plan_file()
    assert rules.hit_policy == "unique" and "hit policy unique" in rules.description.lower()
    assert check_examples(rules, PLAN_FILE.name) == []


def test_three_phases_of_6_8_and_13_weeks_with_the_decks_activities() -> None:
    plan = default_plan()
    assert [p.weeks for p in plan.phases] == [6, 8, 13]
    assert [p.name for p in plan.phases] == ["Opportunity assessment and program design",
                                             "Execution with target customer sets",
                                             "Launch the organization of the future"]
    names = [a.name for p in plan.phases for a in p.activities]
    assert "Decide the GTM / KAM structure" in names
    assert sum("KAM pilots" in n for n in names) == 3  # roles, account planning, tactical action plans
    for phase in plan.phases:
        for act in phase.activities:
            assert act.owner == "" and act.status == "not started"
            assert (act.offset or 0) + act.weeks <= phase.weeks, f"{act.name} runs past its phase"
    assert "varies by program" in plan.phases[2].note


def test_phases_follow_each_other_and_the_plan_lasts_27_weeks() -> None:
    sched = schedule(default_plan(), MONDAY)
    assert sched.phases["start"].tolist() == [MONDAY, date(2026, 2, 16), date(2026, 4, 13)]
    assert sched.phases["end"].tolist() == [date(2026, 2, 16), date(2026, 4, 13), date(2026, 7, 13)]
    assert (sched.end, sched.weeks) == (date(2026, 7, 13), 27)
    assert list(sched.activities.columns[:7]) == ["phase", "activity", "owner", "status", "start", "end", "weeks"]


def _one_phase(*activities: Activity, weeks: float = 4) -> Plan:
    return Plan(phases=(Phase(name="P", weeks=weeks, activities=activities),
                        Phase(name="Q", weeks=2, activities=(Activity(name="q", weeks=1),))))


def test_activities_without_offset_run_in_sequence_and_with_one_in_parallel() -> None:
    plan = _one_phase(Activity(name="a", weeks=1), Activity(name="b", weeks=2), Activity(name="c", weeks=1, offset=0))
    acts = schedule(plan, MONDAY).activities.set_index("activity")
    assert (acts.loc["a", "start"], acts.loc["a", "end"]) == (MONDAY, date(2026, 1, 12))
    assert (acts.loc["b", "start"], acts.loc["b", "end"]) == (date(2026, 1, 12), date(2026, 1, 26))
    assert acts.loc["c", "start"] == MONDAY  # offset 0: beside a, not after b
    assert acts.loc["q", "start"] == date(2026, 2, 2)  # phase P's own 4 weeks, then Q


def test_an_activity_that_overruns_its_phase_pushes_the_next_phase() -> None:
    plan = _one_phase(Activity(name="long", weeks=6, offset=1))
    sched = schedule(plan, MONDAY)
    assert sched.phases["weeks"].tolist() == [7, 2]
    assert sched.activities.set_index("activity").loc["q", "start"] == date(2026, 2, 23)
    assert sched.weeks == 9


def test_half_weeks_are_whole_days() -> None:
    sched = schedule(_one_phase(Activity(name="a", weeks=0.5)), MONDAY)
    assert sched.activities["end"].iloc[0] == date(2026, 1, 9)  # 3.5 days, rounded to 4


def _rows() -> pd.DataFrame:
    return default_plan().rows()


def test_rows_round_trip_to_the_same_plan() -> None:
    assert plan_from_rows(default_plan(), _rows()) == default_plan()


@pytest.mark.parametrize(("row", "field", "value", "said"), [
    (2, "weeks", 0, "weeks 0 is not accepted; give a number of weeks above 0 and at most 104"),
    (2, "weeks", 105, "weeks 105 is not accepted"),
    (2, "weeks", None, "weeks (empty) is not accepted"),
    (2, "offset", -1, "offset -1 is not accepted; give empty (right after the activity above it) or a number"),
    (2, "status", "finished", "status 'finished' is not accepted; give one of: not started, in progress, done, "
                              "blocked"),
])
def test_a_bad_cell_is_named_by_phase_activity_field_value_and_what_is_accepted(row: int, field: str, value: object,
                                                                                said: str) -> None:
    rows = _rows()
    rows[field] = rows[field].astype(object)
    rows.at[row, field] = value
    with pytest.raises(InputError) as err:
        plan_from_rows(default_plan(), rows)
    message = str(err.value)
    assert "Phase 'Opportunity assessment and program design', activity 'Evaluate capability and change readiness': " \
           in message
    assert said in message


def test_an_empty_activity_name_and_an_unknown_phase_are_said() -> None:
    rows = _rows()
    rows.at[4, "activity"] = "  "
    with pytest.raises(InputError, match=r"Phase 'Execution with target customer sets', activity 1 \(no name\): "
                                         r"the activity's name is empty"):
        plan_from_rows(default_plan(), rows)
    rows = _rows()
    rows.at[0, "phase"] = "Phase four"
    with pytest.raises(InputError, match=r"Row 1 \(activity 'Begin the market / customer knowledge base'\): phase "
                                         r"'Phase four' is not accepted; give one of: 'Opportunity assessment"):
        plan_from_rows(default_plan(), rows)


def test_every_problem_is_listed_at_once() -> None:
    rows = _rows()
    rows.at[0, "weeks"] = 0
    rows.at[14, "status"] = "later"
    with pytest.raises(InputError) as err:
        plan_from_rows(default_plan(), rows, {"Execution with target customer sets": 200})
    assert len(err.value.problems) == 3
    assert "Phase 'Execution with target customer sets': weeks 200 is not accepted" in str(err.value)


def test_added_and_removed_rows_change_the_plan() -> None:
    rows = _rows().drop(index=[1])
    added = pd.DataFrame([{"phase": "Launch the organization of the future", "activity": "Celebrate", "offset": None,
                           "weeks": 1, "owner": "Fay", "status": "in progress"}])
    plan = plan_from_rows(default_plan(), pd.concat([rows, added], ignore_index=True))
    assert len(plan.phases[0].activities) == 3
    assert plan.phases[2].activities[-1] == Activity(name="Celebrate", weeks=1, owner="Fay", status="in progress")
    assert all(status in STATUSES for p in plan.phases for status in (a.status for a in p.activities))


def test_a_body_from_storage_is_checked_too() -> None:
    body = default_plan().body()
    body["phases"][1]["activities"][0]["weeks"] = MAX_WEEKS + 1
    with pytest.raises(InputError, match="Phase 'Execution with target customer sets', activity 'Build the "
                                         "account-level fact base': weeks 105 is not accepted"):
        parse_plan(body)


def test_a_broken_data_file_names_the_file_and_the_place(tmp_path: Path) -> None:
    raw = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    raw["phases"][0]["activities"][0]["status"] = "someday"
    path = tmp_path / "engagement_plan.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"(?s)engagement_plan.json: invalid engagement plan: .*Phase 'Opportunity "
                                          r"assessment and program design', activity 'Begin the market / customer "
                                          r"knowledge base': status 'someday' is not accepted"):
        load_plan_file(path)
