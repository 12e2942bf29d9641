"""The demo on first open shows results and plans: its kick-off export dated a quarter back, the deals won since in a
second import (some focus accounts in two BUs), and a plan with open actions for each focus account."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from gtm.domain.permissions import Actor, Role
from gtm.domain.story import default_story
from gtm.services import account_plans, lists, results
from gtm.services.demo import seed_demo
from gtm.storage.repository import Store

FAY = Actor("Fay Chen", Role.FACILITATOR)


@pytest.fixture
def demo(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'gtm.db'}", workspace="demo")
    seed_demo(store, workshop_story=True)
    yield store
    store.dispose()


def test_two_dated_imports_a_quarter_apart_with_gains_against_the_targets_pace(demo: Store) -> None:
    found = demo.imports()
    story = default_story().results
    assert found["as_of"].tolist() == [date.today() - timedelta(days=story.days_between), date.today()]
    assert found["source"].tolist() == [story.first_file, story.second_file]
    res = results.programme_results(demo)  # the focus list, since it was saved: the kick-off import
    s = res.summary
    assert res.scope.list_name == "Focus list" and res.baseline is not None and res.baseline.import_id == 1
    assert s is not None and s.won_before == 0 and s.gained > 100e6
    assert s.pace is not None and 0.5 < s.gained / s.pace < 1.0  # behind the target's pace, but on its way
    assert s.cross_bu >= 3 and s.with_deal >= 9 and s.within_six_months == s.with_deal
    assert set(res.accounts.loc[res.accounts["new_wins"] > 0, "first_deal_from"]) == {"close date"}
    assert s.accounts_by_group.get("moved", 0) >= 1  # the story's decisions that chose the recommendation


def test_each_focus_account_has_a_plan_with_open_actions_and_a_reset_brings_them_back(demo: Store) -> None:
    focus = lists.list_accounts(demo, stage="focus")
    summary = account_plans.summary(demo, focus)
    assert (summary["version"] == 1).all() and (summary["open_actions"] > 0).all()
    assert (summary["overdue_actions"] > 0).any() and (summary["targets"] == 2).all()
    seed_demo(demo, reset=True, actor=FAY, confirm="demo", workshop_story=True)
    assert len(demo.imports()) == 2
    assert (account_plans.summary(demo, lists.list_accounts(demo, stage="focus"))["version"] == 1).all()


def test_without_its_workshop_the_demo_is_one_import_of_today(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'gtm.db'}", workspace="demo")
    seed_demo(store, workshop_story=False)
    found = store.imports()
    assert found["as_of"].tolist() == [date.today()]
    assert results.programme_results(store).waiting_for is not None
    store.dispose()
