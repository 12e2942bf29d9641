"""AppTest: the Design page on the demo portfolio and on an empty database. The three answers show (structures,
roles, money); a changed assumption changes every figure it feeds and can be saved by whom may; a wrong one is said;
a saved list and a saved scenario can be designed for; presentation mode shows the answers only."""

from __future__ import annotations

from acting import act_as
from streamlit.testing.v1 import AppTest
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.domain.permissions import Actor, Role
from gtm.services import design, lists
from gtm.storage.repository import Store

PAGE = "pages/design.py"
FAY = Actor("Fay", Role.FACILITATOR)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _gen(at: AppTest) -> int:
    return at.session_state.get("dz_assume_gen", 0)


def _apply(at: AppTest, **numbers: float) -> AppTest:
    """Change the global assumptions in the form (uplift, margin in %; horizon, ramp) and apply them."""
    gen = _gen(at)
    for name, value in numbers.items():
        at.number_input(key=f"dz_assume_{name}_{gen}").set_value(value)
    at.button(key="dz_assume_apply").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _money(text: str) -> float:
    scale = {"k": 1e3, "M": 1e6, "B": 1e9}
    return float(text.lstrip("−$")[:-1]) * scale[text[-1]] * (-1 if text.startswith("−") else 1)


def test_an_empty_database_says_there_is_nothing_to_design_yet(empty_db: str) -> None:
    at = run(PAGE)
    assert at.title[0].value == "Design" and not at.error
    assert "No accounts yet" in at.info[0].value
    assert not at.metric


def test_the_demo_answers_the_three_questions_for_every_account(bare_demo_db: str) -> None:
    at = run(PAGE)
    assert not at.error
    figures = _metrics(at)
    assert figures["Accounts moved"].endswith("of 400")
    assert set(figures) == {"Accounts moved", "To hire · to assign", "Cost to serve a year",
                            "Value at stake, 3 years", "Net against today"}
    subheaders = [h.value for h in at.subheader]
    assert subheaders[:3] == ["What structure does each account need?", "Who must we hire or assign?",
                              "What does it cost, and what is it worth?"]
    need = next(d.value for d in at.dataframe if "In the plan" in d.value.columns)
    assert len(need) == 400 and need["Playbook"].str.startswith("structures?workspace=demo&structure=").all()
    roles = next(d.value for d in at.dataframe if "People in the plan" in d.value.columns)
    assert roles["Role"].tolist()[0] == "Programme executive"
    assert "Assumptions: the defaults (data/approaches.json)" in at.expander[0].label
    assert len(at.get("plotly_chart")) == 2


def test_a_changed_uplift_changes_the_value_at_stake_and_can_be_saved_or_dropped(demo_db: str) -> None:
    at = run(PAGE)
    before = _money(_metrics(at)["Value at stake, 3 years"])
    _apply(at, uplift=40.0)
    after = _money(_metrics(at)["Value at stake, 3 years"])
    assert after / before > 1.8  # 0.2 -> 0.4 (figures are rounded to one decimal)
    assert "edited in this session, not saved" in at.expander[0].label
    at.button(key="dz_assume_save").click().run()  # local mode acts as an administrator
    saved = design.assumptions(Store(demo_db))
    assert saved.version == 1 and saved.assumptions.uplift == 0.4
    assert "saved version 1" in at.expander[0].label
    _apply(at, margin=50.0)
    at.button(key="dz_assume_drop").click().run()
    assert "saved version 1" in at.expander[0].label
    assert design.assumptions(Store(demo_db)).assumptions.margin == 0.3


def test_a_wrong_assumption_is_said_and_the_figures_stay(demo_db: str) -> None:
    at = run(PAGE)
    before = _metrics(at)
    _apply(at, ramp=60)
    message = " ".join(e.value for e in at.error).replace("\\", "")
    assert "the ramp-up (60 months) must be shorter than the horizon (3 years = 36 months)" in message
    assert _metrics(at) == before and "defaults" in at.expander[0].label


def test_a_viewer_may_try_assumptions_but_not_save_them(demo_db: str) -> None:
    at = act_as(run(PAGE), "viewer", "Vic Viewer").run()
    assert not at.error
    assert any("saving them is for sales leaders" in c.value for c in at.caption)
    _apply(at, uplift=30.0)
    assert "edited in this session" in at.expander[0].label
    assert not [b for b in at.button if b.key == "dz_assume_save"]
    assert design.assumptions(Store(demo_db)).version == 0


def test_the_focus_list_and_a_saved_scenario_can_be_designed_for(demo_db: str) -> None:
    at = run(PAGE)  # the first run seeds the demo
    store = Store(demo_db)
    focus = [str(a) for a in store.accounts()["account_id"].head(15)]
    lists.save_list(store, FAY, "Focus accounts", "focus", focus)
    at = run(PAGE)  # a new session: it opens on the latest focus list
    assert at.selectbox(key="dz_scope").value == "Focus accounts"  # the latest focus list by default
    assert _metrics(at)["Accounts moved"].endswith("of 15")
    design.save_scenario(store, FAY, "All lead units", __import__("pandas").DataFrame(
        {"account_id": focus[:5], "approach": ["lead_unit"] * 5}))
    at.run()
    key = next(k for k in at.selectbox(key="dz_plan").options if "All lead units" in k)
    at.selectbox(key="dz_plan").select(key).run()
    assert not at.exception and not at.error
    need = next(d.value for d in at.dataframe if "In the plan" in d.value.columns)
    assert len(need) == 15  # the list's accounts; the scenario's five are lead units, the others stay as they are
    assert (need["In the plan"] == "Lead unit").sum() >= 5
    assert any("not in this plan keep their current structure" in c.value for c in at.caption)


def test_presentation_mode_shows_the_answers_without_the_export(demo_db: str) -> None:
    at = run(PAGE, present="1")
    assert not at.exception and not at.error
    assert len(at.metric) == 5 and len(at.get("plotly_chart")) == 2
    assert not at.get("download_button")


def test_the_moves_that_pay_keep_the_others_at_today_s_structure(bare_demo_db: str) -> None:
    at = run(PAGE)
    recommended = _metrics(at)
    at.selectbox(key="dz_plan").select(design.PAYING).run()
    assert not at.exception and not at.error
    paying = _metrics(at)
    moved = int(paying["Accounts moved"].split(" of ")[0].replace(",", ""))
    assert 0 < moved < int(recommended["Accounts moved"].split(" of ")[0].replace(",", ""))
    assert _money(paying["Net against today"]) > 0 > _money(recommended["Net against today"])
    said = " ".join(c.value.replace("\\", "") for c in at.caption)
    assert f"All {moved:,} moves pay back within 3 years" in said and "the other 0" not in said
    assert any("does not pay back within 3 years at these assumptions keep today" in c.value.replace("\\", "")
               for c in at.caption)


def test_a_negative_cost_typed_in_the_grid_is_refused_naming_the_structure(demo_db: str) -> None:
    at = run(PAGE)
    before = _metrics(at)
    at.session_state["dz_assume_costs_0"] = {"edited_rows": {2: {"Cost to serve a year (USD)": -5000}},
                                             "added_rows": [], "deleted_rows": []}
    at.button(key="dz_assume_apply").click().run()
    message = " ".join(e.value for e in at.error).replace("\\", "")
    assert "the cost to serve of Assignment of lead unit for multi-unit accounts is -5,000" in message
    assert "accepted: a number from 0" in message
    assert _metrics(at) == before
