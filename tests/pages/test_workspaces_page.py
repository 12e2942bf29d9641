"""AppTest of workspaces: which one the app opens on, ?workspace= in links, and the confirmed demo reload."""

from __future__ import annotations

import os

from fixtures_import import load, text_bytes
from streamlit.testing.v1 import AppTest
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

from gtm.storage.repository import Store


def opportunities(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "Opportunities")


def main_store() -> Store:
    """The main workspace of the database the app is pointed at."""
    return Store(os.environ["GTM_DATABASE_URL"])


def import_into_main() -> Store:
    main = main_store()
    load(main, "accounts", text_bytes(["Account ID", "Account Name"], [["M-1", "Northwind Industrial"]]))
    load(main, "opportunities", text_bytes(["Opportunity ID", "Account ID", "Amount", "Nature"],
                                           [["MO-1", "M-1", "1000", "Turnkey"], ["MO-2", "M-1", "500", "Turnkey"]]))
    return main


def test_the_app_opens_on_demo_while_main_is_empty_and_on_main_once_it_holds_accounts(demo_db: str) -> None:
    at = run()
    assert at.selectbox(key="sb_workspace").value == "demo"
    assert opportunities(at) == "3,552"
    assert at.query_params["workspace"] == "demo"  # the address bar says which, so a copied link opens it
    assert main_store().is_empty()  # the demo never lands in main
    import_into_main()
    at = run()
    assert at.selectbox(key="sb_workspace").value == "main"
    assert at.title[0].value == "Start"  # main is not set up yet: its root is the first hour's checklist
    at.switch_page("pages/portfolio.py").run()
    assert opportunities(at) == "2"


def test_without_the_demo_seeded_the_app_opens_on_main(empty_db: str) -> None:
    at = run()
    assert at.selectbox(key="sb_workspace").value == "main" and at.title[0].value == "Start"
    at.switch_page("pages/portfolio.py").run()
    assert any("workspace **main** is empty" in i.value for i in at.info)


def test_workspace_in_the_url_chooses_the_portfolio_and_links_keep_it(demo_db: str) -> None:
    import_into_main()
    assert opportunities(run("pages/portfolio.py", workspace="main")) == "2"
    at = run(workspace="demo")
    assert opportunities(at) == "3,552"
    tables = [df.value for df in at.dataframe if "link" in df.value.columns]
    assert tables and all(t["link"].str.startswith("account?workspace=demo&account=").all() for t in tables)
    at = run(workspace="nonsense")
    assert any("There is no workspace nonsense" in w.value for w in at.sidebar.warning)
    at = run("pages/account.py", workspace="demo", account="ACC-0002")
    assert at.query_params["workspace"] == "demo" and at.query_params["account"] == "ACC-0002"


def test_the_sidebar_selector_switches_the_workspace(demo_db: str) -> None:
    import_into_main()
    at = run(workspace="demo")
    at.selectbox(key="sb_workspace").select("main").run()
    assert not at.exception
    assert opportunities(at) == "2" and at.query_params["workspace"] == "main"


def test_the_demo_reload_waits_for_demo_to_be_typed_and_leaves_main_alone(demo_db: str) -> None:
    main = import_into_main()
    before = (main.accounts(), main.opportunities(), main.data_version())
    demo = Store(demo_db)
    load(demo, "accounts", text_bytes(["Account ID", "Account Name"], [["EXTRA-1", "Added in the workshop"]]))
    at = run("pages/data.py", workspace="demo")
    assert at.button(key="dt_demo").disabled
    at.text_input(key="dt_demo_confirm_0").input("main").run()
    assert at.button(key="dt_demo").disabled
    at.text_input(key="dt_demo_confirm_0").input("demo").run()
    assert not at.button(key="dt_demo").disabled
    at.button(key="dt_demo").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "EXTRA-1" not in set(demo.accounts()["account_id"])
    assert len(demo.accounts()) == 400
    after = (main.accounts(), main.opportunities(), main.data_version())
    assert after[0].equals(before[0]) and after[1].equals(before[1]) and after[2] == before[2]
    assert at.text_input(key="dt_demo_confirm_1").value == ""  # a fresh, empty confirmation box


def test_the_data_page_says_imports_go_to_main_when_viewing_the_demo(demo_db: str) -> None:
    at = run("pages/data.py", workspace="demo")
    assert any("Imports go to **main**" in i.value for i in at.info)
    at = run("pages/data.py", workspace="main")
    assert not any("Imports go to" in i.value for i in at.info)
