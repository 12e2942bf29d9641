"""AppTest: a band edit is a draft kept from page to page until it is saved or discarded; undo takes back the last
edit; the Portfolio page shows the draft, and says so; a cell of the portfolio matrix lists who stands in it."""

from __future__ import annotations

from pathlib import Path

from acting import act_as
from streamlit.testing.v1 import AppTest

from gtm.storage.repository import Store

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_QUALIFICATION = ("coordinated_incentives", "lead_unit")
EDITED = ("traditional_sales", "lead_unit")


def _run(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _slider(at: AppTest, nature: str):  # type: ignore[no-untyped-def]
    return next(s for s in at.select_slider if s.key.startswith(f"mx_band_{nature}"))


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _marked(at: AppTest) -> bool:
    return any("Unsaved draft" in m.value for m in at.markdown)


def test_the_draft_is_kept_across_pages_shown_on_the_portfolio_and_undone(demo_db: str) -> None:
    at = _run("pages/matrix.py")
    assert not _marked(at)
    _slider(at, "qualification").set_value(EDITED).run()
    assert _marked(at) and not at.exception
    edited_insufficient = _metric(at, "▼ Likely insufficient")

    at.switch_page("pages/portfolio.py").run()  # the facilitator shows the room its effect
    assert not at.exception
    toggle = at.toggle(key="pf_draft")
    assert toggle.value is True
    assert _metric(at, "▼ Insufficient") == edited_insufficient
    assert any("unsaved band draft" in c.value for c in at.caption)
    toggle.set_value(False).run()  # the saved matrix again, the draft still kept
    assert _metric(at, "▼ Insufficient") != edited_insufficient

    at.switch_page("pages/matrix.py").run()
    assert _slider(at, "qualification").value == EDITED and _marked(at)
    _slider(at, "cross_sell").set_value(("coordinated_incentives", "overlay_advisory")).run()
    at.button(key="mx_undo").click().run()  # takes back the cross-sell edit only
    assert _slider(at, "cross_sell").value == ("lead_unit", "overlay_advisory")
    assert _slider(at, "qualification").value == EDITED and _marked(at)
    at.button(key="mx_undo").click().run()
    assert _slider(at, "qualification").value == DEFAULT_QUALIFICATION and not _marked(at)
    at.switch_page("pages/portfolio.py").run()
    assert not [t for t in at.toggle if t.key == "pf_draft"]  # no draft: nothing to show
    assert Store(demo_db).active_matrix().name == "default"  # and nothing was ever saved


def test_saving_or_discarding_ends_the_draft(demo_db: str) -> None:
    at = act_as(_run("pages/matrix.py"), "facilitator", "Fay")
    _slider(at, "qualification").set_value(EDITED).run()
    at.button(key="mx_discard").click().run()
    assert not _marked(at) and _slider(at, "qualification").value == DEFAULT_QUALIFICATION

    _slider(at, "qualification").set_value(EDITED).run()
    at.text_input(key="mx_name").set_value("Workshop B").run()
    at.button(key="mx_save").click().run()
    assert not at.exception and not at.error
    assert Store(demo_db).active_matrix().name == "Workshop B"
    assert not _marked(at) and _slider(at, "qualification").value == EDITED  # the saved band, no draft
    assert any("Workshop B" in s.value for s in at.subheader)


def test_a_selected_cell_lists_its_accounts_and_opportunities(demo_db: str) -> None:
    at = _run("pages/portfolio.py")
    at.session_state["pf_matrix"] = {"selection": {"points": [{"customdata": ["cross_sell", "traditional_sales"]}],
                                                   "point_indices": [0], "box": [], "lasso": []}}
    at.run()
    assert not at.exception
    assert any(s.value == "Cross-sell / referral at Traditional sales representatives and distributors"
               for s in at.subheader)
    assert any("677 opportunities at" in c.value for c in at.caption)
    frames = [d.value for d in at.dataframe]
    accounts = next(f for f in frames if {"account_name", "opportunities", "link"} <= set(f.columns))
    opportunities = next(f for f in frames if {"name", "account_name", "steps"} <= set(f.columns))
    assert accounts["value"].is_monotonic_decreasing and 0 < accounts["opportunities"].sum() <= 677
    assert len(opportunities) == 200  # all of the cell's nature, as its title says (the table shows no nature column)
