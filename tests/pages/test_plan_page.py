"""AppTest: the Plan page on the demo portfolio and on an empty database; a facilitator edits a duration and saves a
version; readers and presentation mode see the plan without its editing."""

from __future__ import annotations

from datetime import date

from acting import act_as
from streamlit.testing.v1 import AppTest
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.domain.permissions import Actor, Role
from gtm.services import plans
from gtm.storage.repository import Store

PAGE = "pages/plan.py"
EDITOR = "pl_rows_0_0"  # phase 1's table (generation 0)


def _figures(at: AppTest) -> str:
    """The line above the timeline: length, dates, activities done, without an owner (Markdown escapes removed)."""
    return next(m.value for m in at.markdown if "without an owner" in m.value).replace("\\", "")


def _edit(at: AppTest, key: str, edited_rows: dict[int, dict[str, object]]) -> None:
    """Edit cells of the data editor as the browser reports it (AppTest has no data editor API)."""
    at.session_state[key] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def test_the_default_plan_shows_on_an_empty_database(empty_db: str) -> None:
    at = run(PAGE)
    assert at.title[0].value == "Plan" and not at.error
    assert _figures(at).startswith("**27 weeks**")
    assert "**15** without an owner" in _figures(at)
    assert at.get("plotly_chart")
    assert at.button(key="pl_save").disabled is False  # local mode acts as an administrator
    assert any("No plan saved yet" in c.value for c in at.caption)


def test_the_page_runs_on_the_demo_portfolio(bare_demo_db: str) -> None:
    at = run(PAGE)
    assert not at.error
    assert "**0** of 15 activities done" in _figures(at)
    assert [d for d in at.get("download_button") if d.proto.label in ("Plan (CSV)", "Plan (XLSX)")]


def test_a_facilitator_lengthens_an_activity_and_saves_a_version(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    at = act_as(run(PAGE), "facilitator", "Fay Chen").run()
    at.date_input(key="pl_start_0").set_value(date(2026, 1, 5)).run()
    assert "27 weeks**, 05 Jan 2026 → 13 Jul 2026" in _figures(at)
    # Phase 1's first activity (knowledge base) from 6 to 8 weeks, owned and under way: phase 1 ends two weeks later
    _edit(at, EDITOR, {0: {"weeks": 8, "owner": "Fay Chen", "status": "in progress"}})
    assert not at.error, [e.value for e in at.error]
    assert "29 weeks**, 05 Jan 2026 → 27 Jul 2026" in _figures(at) and "**14** without an owner" in _figures(at)
    at.text_input(key="pl_name_0").input("Workshop plan")
    at.button(key="pl_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    store = Store(demo_db)
    plan, start, _ = plans.latest_plan(store, "Workshop plan")  # type: ignore[misc]
    first = plan.phases[0].activities[0]
    assert (first.weeks, first.owner, first.status, start) == (8, "Fay Chen", "in progress", date(2026, 1, 5))
    assert store.audit_log().iloc[0]["action"] == "plan.saved"
    # The page now shows the saved version, and the next save is version 2.
    assert at.selectbox(key="pl_source").value == "v1:Workshop plan"
    assert _figures(at).startswith("**29 weeks**")
    at.button(key="pl_save").click().run()
    assert plans.versions(store)["version"].tolist() == [2, 1]


def test_a_bad_duration_is_said_and_cannot_be_saved(demo_db: str) -> None:
    at = run(PAGE)
    _edit(at, EDITOR, {2: {"weeks": 0}})
    message = " ".join(e.value for e in at.error).replace("\\", "")  # the page escapes Markdown
    assert "activity 'Evaluate capability and change readiness': weeks 0 is not accepted" in message
    assert "above 0 and at most 104" in message
    assert at.button(key="pl_save").disabled
    assert _figures(at).startswith("**27 weeks**")  # the plan as loaded


def test_readers_and_presentation_mode_see_the_plan_without_editing(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    plans.save_plan(Store(demo_db), Actor("Fay", Role.FACILITATOR), "Workshop", date(2026, 1, 5),
                    plans.default_plan(), "Focus list")
    at = act_as(run(PAGE), "viewer", "Vic Viewer").run()
    assert not at.exception and not at.error
    assert at.selectbox(key="pl_source").value == "v1:Workshop"  # the latest saved version is shown
    assert any("For accounts" in m.value and "Focus list" in m.value for m in at.markdown)
    assert "05 Jan 2026 → 13 Jul 2026" in _figures(at)  # the latest saved plan, from its start date
    assert not [b for b in at.button if b.key == "pl_save"] and EDITOR not in at.session_state
    assert any("for workshop facilitators and administrators" in c.value for c in at.caption)
    at = run(PAGE, present="1")
    assert not at.exception and not at.error
    assert not [b for b in at.button if b.key == "pl_save"] and not at.get("download_button")
    assert at.get("plotly_chart")
