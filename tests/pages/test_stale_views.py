"""Two people on one page: the second, whose view went stale meanwhile, is told so instead of overwriting."""

from __future__ import annotations

from pathlib import Path

from acting import act_as
from streamlit.testing.v1 import AppTest

from gtm.domain.permissions import Actor, Role
from gtm.services import decisions, matrices
from gtm.storage.repository import Store

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


def _page(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    act_as(at, "facilitator", "Dana Reyes")
    return at.run()


def test_a_decision_recorded_meanwhile_is_shown_before_deciding_again(demo_db: str) -> None:
    at = _page("pages/account.py", account="ACC-0002")
    assert not at.exception
    store = Store(demo_db)
    decisions.record_decision(store, Actor("Sam Other", Role.FACILITATOR), "ACC-0002", "lead_unit", "first in")
    at.text_area(key="dec_rationale").input("My careful reasons")
    next(b for b in at.button if b.label == "Record decision").click().run()
    errors = [e.value.replace("\\", "") for e in at.error]  # the message is shown as escaped markdown
    assert any("Someone recorded a decision on this account meanwhile (Sam Other" in e for e in errors), errors
    assert store.decisions("ACC-0002")["rationale"].tolist() == ["first in"]
    assert at.text_area(key="dec_rationale").value == "My careful reasons"  # kept, to submit again
    next(b for b in at.button if b.label == "Record decision").click().run()  # now the view is fresh
    assert not at.error, [e.value for e in at.error]
    assert store.decisions("ACC-0002")["rationale"].tolist() == ["My careful reasons", "first in"]


def test_a_matrix_switched_meanwhile_is_not_switched_again_blindly(demo_db: str) -> None:
    store = Store(demo_db)
    facilitator = Actor("Fay", Role.FACILITATOR)
    matrices.save_matrix(store, facilitator, store.active_matrix().matrix, "workshop", activate=False)
    at = _page("pages/matrix.py")
    at.run()
    at.selectbox(key="mx_version").set_value("workshop").run()
    matrices.activate_matrix(store, Actor("Sam Other", Role.FACILITATOR), "workshop")  # someone else, meanwhile
    at.selectbox(key="mx_version").set_value("default")
    next(b for b in at.button if b.label == "Activate").click().run()
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("switched the active matrix version meanwhile: it is now 'workshop'" in e for e in errors), errors
    assert store.active_matrix().name == "workshop"
