"""AppTest: every page runs on the demo portfolio and on an empty database; key widgets change what is shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from acting import act_as
from streamlit.testing.v1 import AppTest

from gtm.storage.repository import Store

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["pages/start.py", "pages/portfolio.py", "pages/account.py", "pages/diagnose.py", "pages/review.py",
         "pages/matrix.py", "pages/structures.py", "pages/key_accounts.py", "pages/whitespace.py", "pages/maturity.py",
         "pages/plan.py", "pages/results.py", "pages/design.py", "pages/scenarios.py", "pages/data.py", "pages/exports.py"]
# Pages that need a portfolio: on an empty one they link to the import and to Start (navigation.empty_state).
LINKED = {"pages/portfolio.py", "pages/account.py", "pages/matrix.py", "pages/key_accounts.py", "pages/design.py",
          "pages/scenarios.py", "pages/review.py", "pages/whitespace.py", "pages/results.py"}
# The words that name a next step in the other pages' empty states (an import, a score).
NEXT_STEP = ("import some", "score it below")
TIMEOUT = 60





def run(page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_demo_portfolio(demo_db: str, page: str) -> None:
    at = run(page)
    assert at.title[0].value
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_clear_empty_state(empty_db: str, page: str) -> None:
    at = run(page)
    text = " ".join(e.value for e in [*at.info, *at.markdown, *at.caption])
    links = [e.proto.page for e in at.main.get("page_link")]
    if page == "pages/plan.py":  # a plan needs no portfolio: the default plan shows, and says it is one
        assert "No plan saved yet: the default plan is shown." in text
    elif page == "pages/structures.py":  # the playbook needs no portfolio: the seven cards, no account in any
        assert "0 in it today" in text and len(at.subheader) == 7
    elif page == "pages/start.py":  # the checklist, its first step the import
        assert "Nothing is imported yet" in text.replace("\\", "") and "data" in links
    elif page == "pages/data.py":  # the import itself, and the way to the exports
        assert at.get("file_uploader") and "exports" in links
    elif page == "pages/exports.py":  # empty files with their headers, and the way to the import
        assert "The portfolio is empty" in text and "data" in links
    else:
        assert at.info, f"{page} shows no empty-state message"
        assert any(w in text.lower() for w in ("import", "no ", "nothing", "empty"))
        # ... and what to do next: links on (the import, Start), or a sentence naming the step
        said = " ".join(i.value.lower() for i in at.info)
        if page in LINKED:
            assert {"data", "start"} <= set(links), (page, links)
        else:
            assert any(w in said for w in NEXT_STEP), (page, said)


def test_portfolio_bu_filter_changes_the_figures(demo_db: str) -> None:
    at = run()
    all_opps = metric(at, "Opportunities")
    at.multiselect(key="pf_bu").select("BU-AUT").run()
    assert not at.exception
    assert metric(at, "Opportunities") != all_opps
    assert int(metric(at, "Opportunities").replace(",", "")) < int(all_opps.replace(",", ""))


def test_portfolio_filters_live_in_the_address_and_survive_leaving_the_page(demo_db: str) -> None:
    at = run()
    all_opps = metric(at, "Opportunities")
    at.multiselect(key="pf_bu").select("BU-AUT").run()
    at.multiselect(key="pf_fit").select("overkill").run()
    in_address = {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}
    assert in_address["bu"] == ["BU-AUT"] and in_address["fit"] == ["overkill"]
    filtered = metric(at, "Opportunities")
    at.switch_page("pages/matrix.py").run()
    at.switch_page("pages/portfolio.py").run()
    assert at.multiselect(key="pf_bu").value == ["BU-AUT"] and metric(at, "Opportunities") == filtered
    shared = run(bu="BU-AUT", fit="overkill")  # a copied link opens the same view
    assert metric(shared, "Opportunities") == filtered != all_opps
    unknown = run(bu="NO-SUCH-BU")
    assert unknown.multiselect(key="pf_bu").value == [] and metric(unknown, "Opportunities") == all_opps


def test_saving_a_decision_adds_a_row_to_the_history(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    at = act_as(run("pages/account.py"), "facilitator", "Dana Reyes")
    at.text_area(key="dec_rationale").input("Turnkey work needs one front end")
    submit = next(b for b in at.button if b.label == "Record decision")
    submit.click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    store = Store(demo_db)
    assert len(store.decisions()) == 1
    row = store.decisions().iloc[0]
    assert row["author"] == "Dana Reyes" and row["rationale"] == "Turnkey work needs one front end"
    history = [d for d in at.dataframe if "rationale" in d.value.columns]
    assert history and len(history[-1].value) == 1
    top = " ".join(m.value for m in at.markdown)  # the status row at the top names the decision and its review
    assert "by Dana Reyes" in top and "review: **pending**" in top


def test_a_decision_without_rationale_is_refused_with_a_message(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    at = act_as(run("pages/account.py"), "facilitator", "Dana Reyes")
    next(b for b in at.button if b.label == "Record decision").click().run()
    assert any("rationale" in e.value for e in at.error)
    assert Store(demo_db).decisions().empty


def test_account_from_url_is_preselected(demo_db: str) -> None:
    at = run("pages/account.py", account="ACC-0002")
    assert at.query_params["account"] == "ACC-0002"
    assert "account=ACC-0002" in at.code[0].value  # the account's link, to copy


def test_matrix_edit_moves_the_preview_before_saving(demo_db: str) -> None:
    at = run("pages/matrix.py")
    before = int(metric(at, "▼ Likely insufficient").replace(",", ""))
    # Qualification opportunities handled by sales reps become realistic.
    at.select_slider(key="mx_band_qualification").set_value(("traditional_sales", "lead_unit")).run()
    assert not at.exception and not at.error
    assert int(metric(at, "▼ Likely insufficient").replace(",", "")) < before
    assert any("change fit" in m.value for m in at.markdown)
    assert Store(demo_db).active_matrix().name == "default"  # nothing saved yet


def test_invalid_band_is_refused_with_a_reason(demo_db: str) -> None:
    at = run("pages/matrix.py")
    at.select_slider(key="mx_band_info_exchange").set_value(("market_bu", "market_bu")).run()
    assert any("never fall" in e.value for e in at.error)


def test_bu_head_challenges_a_decision(bare_demo_db: str) -> None:
    demo_db = bare_demo_db  # the demo portfolio without its workshop: this test builds it
    at = act_as(run("pages/account.py", account="ACC-0002"), "facilitator", "Dana Reyes")
    at.text_area(key="dec_rationale").input("Keep reps for now")
    next(b for b in at.button if b.label == "Record decision").click().run()
    store = Store(demo_db)
    bu = store.opportunities().query("account_id == 'ACC-0002'")["bu"].iloc[0]
    act_as(at, "bu_head", "Bo Lind", bus=[bu])
    at.switch_page("pages/review.py").run()
    assert not at.exception
    rows = next(df.value for df in at.dataframe if df.key == "rv_table")
    assert len(rows) == 1  # the inbox opens on what waits for this BU's verdict: the one decision
    at.session_state["rv_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.text_input(key="rv_comment").input("Turnkey deals need more than reps")
    at.button(key="rv_challenge").click().run()
    assert not at.error, [e.value for e in at.error]
    assert store.decisions().iloc[0]["review_status"] == "challenged"


def test_reset_puts_the_sliders_back_on_the_default_band(demo_db: str) -> None:
    at = run("pages/matrix.py")
    before = metric(at, "▼ Likely insufficient")
    act_as(at, "facilitator", "Fay")
    at.select_slider(key="mx_band_qualification").set_value(("traditional_sales", "lead_unit")).run()
    assert metric(at, "▼ Likely insufficient") != before
    next(b for b in at.button if b.label == "Reset to default").click().run()
    assert not at.exception
    sliders = [s for s in at.select_slider if s.key.startswith("mx_band_qualification")]
    assert sliders[0].value == ("coordinated_incentives", "lead_unit")
    assert metric(at, "▼ Likely insufficient") == before


def test_after_save_and_reset_the_version_selector_shows_the_active_version(demo_db: str) -> None:
    at = run("pages/matrix.py")
    act_as(at, "facilitator", "Fay")
    at.select_slider(key="mx_band_qualification").set_value(("traditional_sales", "lead_unit")).run()
    at.text_input(key="mx_name").set_value("Workshop A").run()
    next(b for b in at.button if b.label == "Save and activate").click().run()
    assert not at.exception and not at.error
    version = next(b for b in at.selectbox if b.key.startswith("mx_version"))
    assert version.value == "Workshop A"
    assert any("Saved and activated" in t.value for t in at.toast)
    next(b for b in at.button if b.label == "Reset to default").click().run()
    version = next(b for b in at.selectbox if b.key.startswith("mx_version"))
    assert version.value == "default" and any("default matrix" in t.value for t in at.toast)


def test_searching_shows_the_matching_account(demo_db: str) -> None:
    at = run("pages/account.py", account="ACC-0002")
    at.text_input(key="acc_search").input("müller").run()
    assert not at.exception
    results = next(t for t in at.dataframe if t.key and t.key.startswith("acc_results"))
    assert results.value["name"].str.contains("Müller").all()
    assert any("Müller" in h.value for h in at.header)
    at.text_input(key="acc_search").input("zzzz-no-such").run()
    assert any("No account matches" in w.value for w in at.warning)


def test_a_refused_decision_keeps_the_typed_rationale(demo_db: str) -> None:
    at = act_as(run("pages/account.py"), "facilitator", "Fay").run()
    typed = "A careful paragraph of reasons. " * 200  # over the 5,000 characters kept
    at.text_area(key="dec_rationale").input(typed)
    next(b for b in at.button if b.label == "Record decision").click().run()
    assert any("at most 5000 are kept" in e.value for e in at.error), [e.value for e in at.error]
    assert at.text_area(key="dec_rationale").value == typed


def test_a_database_url_secret_is_used_when_no_variable_is_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GTM_DATABASE_URL", raising=False)
    monkeypatch.setenv("GTM_SEED_DEMO", "0")
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.secrets["connections"] = {"gtm": {"url": f"sqlite:///{tmp_path / 'from-secret.db'}"}}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("from-secret.db" in m.value for m in at.sidebar.markdown)


def test_presentation_mode_shows_the_projector_view(demo_db: str) -> None:
    at = run(present="1")
    assert "Yes, leave presentation mode" in [b.label for b in at.button]  # in "Leave presentation mode": it asks
    assert not [b.label for b in at.button if "change(s)" in b.label]  # the approach editor is hidden
    assert not any(t.label == "Presentation mode" for t in at.toggle)  # no sidebar
    at.switch_page("pages/matrix.py").run()  # the mode is kept from page to page
    labels = [b.label for b in at.button]
    assert "Save and activate" in labels  # beside the sliders
    assert "Activate" not in labels and "Reset to default" not in labels  # switching and resetting: normal view
    assert any("of value in band" in m.value for m in at.markdown)  # the figures in one line above the matrix
    act_as(at, "facilitator", "Fay")
    at.select_slider(key="mx_band_qualification").set_value(("traditional_sales", "lead_unit")).run()
    assert any("pts)" in m.value for m in at.markdown)  # the edit's effect, in the same line
    # Leaving it is a browser flow (tests/browser/test_presentation.py): AppTest keeps ?present=1 on every run.
