"""AppTest of the Start page and the root: the first hour as a checklist on the demo, on an empty database and half-way
through; the root opens Start until the workspace is set up; an import says what comes next."""

from __future__ import annotations

import os

from acting import act_as
from fixtures_import import load, text_bytes
from streamlit.testing.v1 import AppTest
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.storage.repository import Store


def _main() -> Store:
    return Store(os.environ["GTM_DATABASE_URL"])


def _half_way() -> None:
    """Accounts and opportunities of a CRM export in main: no BU, no nature, no current approach."""
    main = _main()
    load(main, "accounts", text_bytes(["Account Name"], [["Acme Corporation"], ["Globex"]]))
    load(main, "opportunities", text_bytes(
        ["Opportunity ID", "Account Name", "Product Family", "Amount"],
        [["006-1", "Acme Corporation", "Valves", "$50.00"], ["006-2", "Globex", "Pumps", "$12,000.00"]]))


def _steps(at: AppTest) -> list[str]:
    return [m.value for m in at.main.markdown if m.value.startswith((":green[", ":material/radio"))]


def _links(at: AppTest) -> list[tuple[str, str]]:
    """The main area's page links: (address, label), the address with its query string."""
    return [(e.proto.page + (f"?{e.proto.query_string}" if e.proto.query_string else ""), e.proto.label)
            for e in at.main.get("page_link")]


def test_on_the_demo_the_root_opens_portfolio_and_start_points_to_ones_own_portfolio(bare_demo_db: str) -> None:
    at = run()
    assert at.title[0].value == "Portfolio"  # the demo is set up: its root is the Portfolio page
    at.switch_page("pages/start.py").run()
    assert not at.exception and at.title[0].value == "Start"
    assert any("This is the **demo** workspace" in i.value and "still empty" in i.value for i in at.info)
    assert ("start", "Start with your own portfolio (main)") in [(p.split("?")[0], label)
                                                                 for p, label in _links(at)]
    steps = _steps(at)
    assert len(steps) == 8 and "**1. Accounts and opportunities imported** · done · 400 accounts · 3,552 " \
                                "opportunities" in steps[0]
    assert "**4. Natures diagnosed** · to do" in steps[3]  # 196 demo opportunities are not yet diagnosed
    assert "**7. Decisions recorded** · to do" in steps[6]
    bar = at.get("progress")[0].proto
    assert "of 8 steps done · next:" in bar.text
    # The first decision is offered on the account with the most value in misfits, in this workspace.
    decide = next(p for p, label in _links(at) if label == "Open that account")
    assert decide.startswith("account") and "workspace=demo" in decide and "account=ACC-" in decide


def test_an_empty_database_opens_on_start_with_the_import_first(empty_db: str) -> None:
    at = run()
    assert not at.exception and at.title[0].value == "Start"
    assert at.query_params["workspace"] == "main"
    steps = _steps(at)
    assert len(steps) == 8 and all("· to do ·" in s for s in steps)
    assert at.get("progress")[0].proto.text == "0 of 8 steps done · next: accounts and opportunities imported"
    captions = [c.value.replace("\\", "") for c in at.main.caption]
    assert any(c.startswith("Nothing is imported yet: import your accounts, then your opportunities") for c in captions)
    assert ("data", "Import a file") in [(p.split("?")[0], label) for p, label in _links(at)]
    assert not any(label == "Or look around the demo portfolio first" for _, label in _links(at))  # none seeded


def test_half_way_through_the_root_still_opens_start_which_says_what_is_missing(demo_db: str) -> None:
    _half_way()
    at = run(workspace="main")
    assert not at.exception and at.title[0].value == "Start"  # main is not set up yet
    steps = _steps(at)
    assert steps[0].startswith(":green[:material/check_circle:] **1. Accounts and opportunities imported** · done "
                               "· 2 accounts · 2 opportunities")
    assert "**2. BUs known** · to do · 0% of the value has a BU" in steps[1]
    assert "**4. Natures diagnosed** · to do · 0% of the value diagnosed" in steps[3]
    captions = " ".join(c.value.replace("\\", "") for c in at.main.caption)
    assert "2 opportunities (100% of the value) have no BU: map their product families to BUs" in captions
    assert "2 accounts have no current approach recorded" in captions
    links = [(p.split("?")[0], label) for p, label in _links(at)]
    assert ("diagnose", "Map product families to BUs") in links and ("diagnose", "Diagnose") in links
    assert ("portfolio", "Set current approaches") in links
    assert all("workspace=main" in p for p, _ in _links(at))  # every link keeps the workspace
    act_as(at, "viewer", "Vic Viewer").run()  # a viewer reads what is missing, and who may do it
    captions = " ".join(c.value.replace("\\", "") for c in at.main.caption)
    assert "(Sales leaders, workshop facilitators and administrators may do this.)" in captions
    at = run("pages/portfolio.py", workspace="main")  # Portfolio stays one click away
    assert at.title[0].value == "Portfolio" and not at.exception


def test_after_an_import_the_page_says_what_comes_next(empty_db: str) -> None:
    at = run("pages/data.py")
    at.radio(key="dt_kind").set_value("accounts").run()
    uploader = next(u for u in at.get("file_uploader"))
    uploader.upload("accounts.csv", text_bytes(["Account Name"], [["Acme Corporation"]]), "text/csv").run()
    at.button(key="dt_read_file").click().run()
    at.button(key="dt_commit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    text = " ".join(m.value.replace("\\", "") for m in at.main.markdown)
    assert "**Next: accounts and opportunities imported.** No opportunities yet: import the opportunities file" in text
    links = [(p.split("?")[0], label) for p, label in _links(at)]
    assert ("data", "Import a file") in links and ("start", "Every step on Start") in links


def test_the_demo_s_workshop_has_its_decisions_and_reviews_done(demo_db: str) -> None:
    at = run()
    at.switch_page("pages/start.py").run()
    steps = _steps(at)
    assert "**7. Decisions recorded** · done" in steps[6] and "**8. Reviews done** · done" in steps[7]


def _tab_shown(at: AppTest) -> int:
    """The index of the tab a tab bar opens on (its default)."""
    def walk(node):  # type: ignore[no-untyped-def]
        proto = getattr(node, "proto", None)
        if proto is not None and "tab_container" in type(proto).DESCRIPTOR.fields_by_name \
                and proto.HasField("tab_container"):
            yield proto.tab_container.default_tab_index
        for child in getattr(node, "children", {}).values():
            yield from walk(child)
    return next(walk(at.main))


def test_after_the_opportunities_next_says_bus_known_and_opens_the_product_families(empty_db: str) -> None:
    load(_main(), "accounts", text_bytes(["Account Name"], [["Acme Corporation"], ["Globex"]]))
    at = run("pages/data.py", workspace="main")
    at.radio(key="dt_kind").set_value("opportunities").run()
    next(iter(at.get("file_uploader"))).upload("opportunities.csv", text_bytes(
        ["Opportunity ID", "Account Name", "Product Family", "Amount"],
        [["006-1", "Acme Corporation", "Valves", "$50.00"], ["006-2", "Globex", "Pumps", "$12,000.00"]]),
        "text/csv").run()
    at.button(key="dt_read_file").click().run()
    at.button(key="dt_commit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    text = " ".join(m.value.replace("\\", "") for m in at.main.markdown)
    assert "**Next: BUs known.** 2 opportunities (100% of the value) have no BU" in text  # not "bus known"
    fix = next(p for p, label in _links(at) if label == "Map product families to BUs")
    assert fix.startswith("diagnose?") and "tab=families" in fix and "workspace=main" in fix
    at.switch_page("pages/start.py").run()
    assert at.get("progress")[0].proto.text.endswith(" of 8 steps done · next: BUs known")
    at = run("pages/diagnose.py", workspace="main", tab="families")
    assert _tab_shown(at) == 1  # the Product families tab, where the BUs are mapped
    assert _tab_shown(run("pages/diagnose.py", workspace="main")) == 0  # the rules, as before
