"""AppTest: the Portfolio page says how many accounts its misfits judge at an assumed structure (no current approach
recorded), beside the misfit figures, with a link to where current structures are set."""

from __future__ import annotations

import os

from acting import act_as
from fixtures_import import load, small_portfolio, text_bytes  # tests/fixtures_import.py (rootdir-relative, no package)
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.domain.permissions import ADMIN
from gtm.services import accounts
from gtm.storage.repository import Store


def _imported() -> Store:
    """Main holds three accounts imported from a CRM report without a current approach column."""
    store = Store(os.environ["GTM_DATABASE_URL"])
    small_portfolio(store)
    assert store.accounts()["current_approach"].isna().all()
    return store


def test_the_portfolio_says_how_many_structures_are_assumed_beside_the_misfits(empty_db: str) -> None:
    store = _imported()
    at = run("pages/portfolio.py")
    said = at.caption[0].value.replace("\\", "")  # the first line under the figures, above the matrix
    assert said.startswith("All 3 accounts have no current structure recorded: the misfits judge them as served by "
                           "traditional sales representatives and distributors (assumed)."), said
    assert said.endswith("[Set current structures](#current-structures)")
    assert [h.proto.anchor for h in at.subheader if h.value == "Current structures"] == ["current-structures"]
    accounts.set_current_approaches(store, ADMIN, {"0011x000001AbcD": "lead_unit"})
    at = run("pages/portfolio.py")
    assert at.caption[0].value.replace("\\", "").startswith("2 of the 3 accounts have no current structure recorded")


def test_a_viewer_is_told_who_sets_current_structures(empty_db: str) -> None:
    _imported()
    at = act_as(run("pages/portfolio.py"), "viewer", "Vic").run()
    assert not at.exception
    assert "(#current-structures)" in at.caption[0].value
    assert any("workshop facilitators and administrators also set it here" in c.value for c in at.caption)
    assert not [e for e in at.get("data_editor") if e.key == "pf_ap_editor"]


def test_presentation_mode_counts_them_in_the_one_line_of_figures(empty_db: str) -> None:
    _imported()
    at = run("pages/portfolio.py", present="1")
    assert any("3 accounts at an assumed structure" in m.value for m in at.markdown)


def test_the_demo_assumes_no_structure_and_says_nothing_of_it(demo_db: str) -> None:
    at = run("pages/portfolio.py")
    assert not any("no current structure recorded" in c.value for c in at.caption)


def test_the_current_approaches_say_how_to_set_many_alike(empty_db: str) -> None:
    store = Store(empty_db)
    load(store, "accounts", text_bytes(["Account Name"], [["Acme Corporation"], ["Globex"]]))
    load(store, "opportunities", text_bytes(["Opportunity ID", "Account Name", "Amount"],
                                            [["006-1", "Acme Corporation", "$50.00"], ["006-2", "Globex", "$900.00"]]))
    at = run("pages/portfolio.py", workspace="main")
    said = " ".join(c.value for c in at.main.caption)
    assert "2 accounts. Many alike: set the first, select down to the last (Ctrl+Shift+↓) and press Ctrl+D" in said
