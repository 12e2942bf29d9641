"""Account plans, pure: the editors' tables into a plan and back, every unreadable cell named, what nobody said kept
unknown, open actions overdue first, and targets prefilled from a whitespace grid where no person gave one."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from gtm.domain import account_plans as rules
from gtm.domain.errors import InputError


def _frames(**parts: list[dict[str, object]]) -> dict[str, pd.DataFrame]:
    return {name: pd.DataFrame(parts.get(name, []), columns=list(cols)) for name, cols in rules.PARTS.items()}


def test_the_editors_tables_make_a_plan_and_come_back_the_same() -> None:
    frames = _frames(
        objectives=[{"objective": "Win the next plant"}, {"objective": None}],  # an empty row left by the editor
        targets=[{"bu": "BU-A", "value": 2e6, "source": None}],
        stakeholders=[{"name": "Ana Lima", "role": "CTO", "strength": None, "owner": ""}],
        actions=[{"action": "Map the buying centre", "owner": "Dana", "due": date(2026, 3, 1), "status": "done"},
                 {"action": "Joint review", "owner": None, "due": None, "status": "in progress"}])
    plan = rules.plan_from_frames(frames, note=" first draft ")
    assert plan.objectives == ("Win the next plant",) and plan.note == "first draft"
    assert plan.targets[0].source == "entered"  # what nobody marked was entered by a person
    assert plan.stakeholders[0].strength is None  # not known: never a guess
    assert plan.actions[1].due is None and plan.actions[1].owner == ""
    again = rules.plan_from_frames(rules.plan_frames(plan), note=plan.note)
    assert again == plan
    assert rules.parse_plan(plan.body()) == plan


def test_every_unreadable_cell_is_named_by_part_row_column_value_and_what_is_accepted() -> None:
    frames = _frames(targets=[{"bu": "BU-A", "value": -5, "source": "entered"}],
                     stakeholders=[{"name": "Ana", "role": "", "strength": "lukewarm", "owner": ""}],
                     actions=[{"action": "Call", "owner": "", "due": "2026-13-01", "status": "not started"},
                              {"action": "", "owner": "Dana", "due": None, "status": "someday"}])
    with pytest.raises(InputError) as caught:
        rules.plan_from_frames(frames)
    shown = [str(p) for p in caught.value.problems]
    assert "row 1, column 'Whitespace targets per BU: Target': value '-5': accepted: an amount of 0 or more" in \
        shown[0]
    assert any("row 1, column 'Stakeholders: Relationship': value 'lukewarm': accepted: strong, medium, weak" in s
               for s in shown)
    assert any("row 1, column 'Actions: Due': value '2026-13-01': accepted: a date as YYYY-MM-DD" in s for s in shown)
    assert any("row 2, column 'Actions: Action'" in s for s in shown)
    assert any("row 2, column 'Actions: Status': value 'someday'" in s for s in shown)


def test_a_bu_with_two_targets_is_refused() -> None:
    frames = _frames(targets=[{"bu": "BU-A", "value": 1}, {"bu": "bu-a ", "value": 2}])
    with pytest.raises(InputError, match="has two targets"):
        rules.plan_from_frames(frames)


def test_open_actions_are_those_not_done_the_overdue_first_then_by_due_date_none_last() -> None:
    plan = rules.plan_from_frames(_frames(actions=[
        {"action": "later", "due": date(2026, 6, 1), "status": "not started"},
        {"action": "no date", "due": None, "status": "blocked"},
        {"action": "done", "due": date(2026, 1, 1), "status": "done"},
        {"action": "late", "due": date(2026, 2, 1), "status": "in progress"}]))
    opened = rules.open_actions(plan, date(2026, 3, 1))
    assert opened["action"].tolist() == ["late", "later", "no date"]
    assert opened["overdue"].tolist() == [True, False, False]
    line = rules.action_line(opened.iloc[2].to_dict())
    assert line == "no date · no owner yet · no due date yet · blocked"


def test_targets_prefilled_from_the_whitespace_never_replace_what_a_person_entered() -> None:
    grid = pd.DataFrame({"account_id": ["A", "A", "A", "B"], "bu": ["BU-1", "BU-2", "BU-3", "BU-1"],
                         "bu_name": ["One", "Two", "Three", "One"], "won_value": 0.0, "open_value": 0.0,
                         "potential": 0.0, "whitespace": [5.0, 9.0, 0.0, 7.0]})
    suggested = rules.targets_from_whitespace(grid, "A")
    assert suggested["bu"].tolist() == ["BU-2", "BU-1"] and set(suggested["source"]) == {"whitespace"}
    entered = pd.DataFrame({"bu": ["bu-1"], "value": [1.0], "source": ["entered"]})
    merged = rules.prefill_targets(entered, suggested)
    assert merged.to_dict("records") == [{"bu": "bu-1", "value": 1.0, "source": "entered"},
                                         {"bu": "BU-2", "value": 9.0, "source": "whitespace"}]
    with pytest.raises(InputError, match="lacks the columns whitespace"):
        rules.targets_from_whitespace(grid.drop(columns="whitespace"), "A")
