"""AppTest: the demo opens on a workshop under way, every page showing its part of the story on first open."""

from __future__ import annotations

from test_apptest import metric, run


def test_key_accounts_shows_the_funnel_400_50_15_with_the_target(demo_db: str) -> None:
    at = run("pages/key_accounts.py")
    assert (metric(at, "Long list"), metric(at, "Shortlist"), metric(at, "Focus list")) == ("400", "50", "15")
    assert metric(at, "Focus target") == "$3.5B"
    assert not at.info  # no "No shortlist saved yet"


def test_maturity_shows_two_dates_scored_by_several_people(demo_db: str) -> None:
    at = run("pages/maturity.py")
    assert not any("No maturity assessment yet" in i.value for i in at.info)
    dates = next(s for s in at.selectbox if s.label == "Assessed on")
    assert len(dates.options) == 2


def test_plan_shows_the_workshop_plan_under_way(demo_db: str) -> None:
    at = run("pages/plan.py")
    shown = next(s for s in at.selectbox if s.label == "Plan shown")
    assert "Workshop plan" in str(shown.value)
    assert not any("No plan saved yet" in c.value for c in at.caption)


def test_scenarios_and_design_open_on_the_focus_list(demo_db: str) -> None:
    at = run("pages/scenarios.py")
    assert next(s for s in at.selectbox if s.label == "Accounts").value == "Focus list"
    assert str(next(s for s in at.selectbox if s.label == "B").value).startswith("scenario:")
    at = run("pages/design.py")
    assert next(s for s in at.selectbox if s.label == "Accounts").value == "Focus list"
    assert metric(at, "Accounts moved").endswith("of 15")
