"""AppTest: the Maturity page on the demo portfolio and on an empty database; two people score and the radar, the
spread and who scored show; a missing score is said; BU heads, viewers and presentation mode see what is theirs."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
from acting import act_as
from streamlit.testing.v1 import AppTest
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.domain.permissions import Actor, Role
from gtm.services import maturity
from gtm.storage.repository import Store

PAGE = "pages/maturity.py"
CODES = [d.code for d in maturity.DIMENSIONS]


def _score(at: AppTest, scores: dict[str, object], note: str = "") -> AppTest:
    """Choose a score per dimension in the form (segmented controls) and save."""
    gen = at.session_state.get("mt_gen", 0)
    for code, value in scores.items():
        at.button_group(key=f"mt_score_{code}_{gen}").set_value(value)
    if note:
        at.text_area(key=f"mt_note_{gen}").input(note)
    at.button(key="mt_save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The table showing ``column`` (AppTest does not report a plain table's key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _text(at: AppTest) -> str:
    return " ".join(e.value for e in [*at.markdown, *at.info, *at.caption, *at.error]).replace("\\", "")


def test_an_empty_database_says_no_assessment_yet_and_offers_the_form(empty_db: str) -> None:
    at = run(PAGE)
    assert at.title[0].value == "Maturity" and not at.error
    assert "No maturity assessment yet for the organisation. Score it below" in at.info[0].value
    assert not at.get("plotly_chart")
    assert len(at.get("button_group")) == 9
    # each control's two ends are the deck's two phrasings
    assert "judgment-based decisions" in _text(at) and "fact-based decisions" in _text(at)
    assert at.selectbox(key="mt_scope").options == ["The organisation"]


def test_two_people_score_the_demo_organisation_and_the_radar_shows_the_spread(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    at = act_as(run(PAGE), "sales_leader", "Sam Lee").run()
    assert "No maturity assessment yet" in at.info[0].value
    _score(at, {**dict.fromkeys(CODES, 4), "decisions": 1, "feedback": "Not scored"}, note="our first look")
    assert not at.error, [e.value for e in at.error]
    assert at.get("plotly_chart") and "1 person** scored the organisation" in at.markdown[0].value
    act_as(at, "bu_head", "Hans Berg", ["BU-AUT"]).run()
    _score(at, {**dict.fromkeys(CODES, 4), "decisions": 3, "feedback": 2})
    assert not at.error, [e.value for e in at.error]

    store = Store(demo_db)
    summary = maturity.summary(store)
    assert summary.iloc[0][["dimension", "people", "spread"]].tolist() == ["decisions", 2, 2.0]
    assert summary.set_index("dimension").loc["feedback", "people"] == 1  # not scored stays unknown
    text = _text(at)
    assert "2 people** scored the organisation" in text
    assert "Weakest: **Basis of decisions, Feedback loops" in text
    assert "People disagree most on Basis of decisions (a spread of 2 or more)" in text
    table = _table(at, "What winners do")
    first = table.iloc[0]
    assert (first["Dimension"], first["Mean"], first["Lowest–highest"], first["Spread"], first["People"]) == \
           ("Basis of decisions", "2", "1–3", "2", 2)
    assert first["What winners do"].startswith("Build an account-level fact base")
    who = _table(at, "Who")
    assert who["Who"].tolist() == ["Hans Berg", "Sam Lee"] and who["Note"].tolist() == ["", "our first look"]
    radar = at.get("plotly_chart")[0].proto.spec
    assert '"Lowest to highest score"' in radar and '"toself"' in radar  # the spread band
    assert store.audit_log()["action"].tolist()[:2] == ["maturity.assessed", "maturity.assessed"]


def test_a_dimension_left_without_a_choice_is_said_and_nothing_is_saved(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    at = run(PAGE)
    _score(at, {c: 3 for c in CODES if c not in ("planning", "leverage")})
    assert "Choose a score from 1 to 5, or 'Not scored', for: Account planning, What is leveraged." in _text(at)
    assert maturity.dates(Store(demo_db)) == []


def test_two_dates_are_compared(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    store = Store(demo_db)
    earlier, later = date.today() - timedelta(days=120), date.today() - timedelta(days=1)
    sam = Actor("Sam Lee", Role.SALES_LEADER)
    maturity.record_assessment(store, sam, "organisation", earlier, dict.fromkeys(CODES, 2))
    maturity.record_assessment(store, sam, "organisation", later, {**dict.fromkeys(CODES, 3), "planning": 1})
    at = run(PAGE)
    assert at.selectbox(key="mt_date").value == later  # the latest first
    at.toggle(key="mt_compare").set_value(True).run()
    assert at.selectbox(key="mt_earlier").value == earlier
    change = _table(at, "Change").set_index("Dimension")
    assert change.loc["Account planning", "Change"] == "-1.0" and change.loc["Tailored delivery", "Change"] == "+1.0"
    names = [t["name"] for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]]
    assert f"Mean on {earlier:%d %b %Y}" in names and f"Mean on {later:%d %b %Y}" in names


def test_a_bu_head_may_score_the_organisation_and_their_own_bu_only(demo_db: str) -> None:
    at = act_as(run(PAGE), "bu_head", "Hans Berg", ["BU-AUT"]).run()
    assert at.selectbox(key="mt_form_scope_0").options == ["The organisation", "Automation Systems (BU-AUT)"]
    at.selectbox(key="mt_form_scope_0").set_value("BU-AUT")
    _score(at, dict.fromkeys(CODES, 5))
    assert maturity.dates(Store(demo_db), "BU-AUT") == [date.today()]
    assert at.selectbox(key="mt_scope").value == "BU-AUT"  # the page shows what was just saved


def test_a_viewer_sees_the_result_without_the_form(demo_db: str) -> None:
    maturity.record_assessment(Store(demo_db), Actor("Sam", Role.SALES_LEADER), "organisation", date.today(),
                               dict.fromkeys(CODES, 3))
    at = act_as(run(PAGE), "viewer", "Vic Viewer").run()
    assert at.get("plotly_chart") and not at.get("button_group")
    assert "Scoring is for sales leaders, workshop facilitators, BU heads and administrators." in _text(at)


def test_presentation_mode_shows_the_radar_and_hides_the_form(demo_db: str) -> None:
    maturity.record_assessment(Store(demo_db), Actor("Sam", Role.SALES_LEADER), "organisation", date.today(),
                               dict.fromkeys(CODES, 3))
    at = run(PAGE, present="1")
    assert not at.error and at.get("plotly_chart") and not _table(at, "What winners do").empty
    assert not at.get("button_group") and not at.get("form")
