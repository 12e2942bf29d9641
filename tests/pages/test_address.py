"""AppTest of the address (pages/common/address.py, pages/common/present.py): the workspace, presentation mode and the
list in force survive every page change and every rerun; while presenting, the room sees one workspace until a
button that asks first says otherwise; an account of another workspace is said, never followed."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from test_apptest import PAGES, run  # tests/pages/test_apptest.py (rootdir-relative, no package)
from test_workspaces_page import import_into_main

from gtm.services import lists as lists_service
from gtm.storage.repository import Store

PLACE = ("workspace", "present", "list")


@pytest.fixture(autouse=True)
def every_run_through_app_py(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run app.py on every run, as a server does. AppTest starts each run in folder mode (a project with a pages/
    folder), which runs a switched-to page's file on its own, without app.py: its navigation, its sidebar and what it
    does to the address. A server leaves folder mode on its first request (pages/common/session/source.py); so do these."""
    init = PagesManager.__init__

    def leave_folder_mode(self: PagesManager, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)  # type: ignore[arg-type]
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", leave_folder_mode)


def focus_list(demo_db: str) -> str:
    """The name of a list the demo's workshop saved (the demo is seeded on the app's first run)."""
    store = Store(demo_db)
    try:
        return str(lists_service.list_names(store)["name"].iloc[0])
    finally:
        store.dispose()


def place(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k] for k in PLACE if k in at.query_params}


def text(at: AppTest) -> str:
    return " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.warning, *at.title, *at.header,
                                           *at.subheader])


def presenting(at: AppTest) -> bool:
    """The projector view: no sidebar (its toggle and workspace picker are gone), the way out at the top."""
    return not at.sidebar.selectbox and "Yes, leave presentation mode" in [b.label for b in at.button]


def navigate(at: AppTest, page: str) -> AppTest:
    """A click on a navigation entry: Streamlit opens the page with an address without parameters."""
    at.query_params.clear()
    return at.switch_page(page).run()


def test_every_page_keeps_the_workspace_presentation_mode_and_list_after_a_navigation_click(demo_db: str) -> None:
    at = run(workspace="demo")
    name = focus_list(demo_db)
    at.query_params.update({"present": "1", "list": name})
    at.run()
    for page in PAGES:
        navigate(at, page)
        assert not at.exception, (page, [e.message for e in at.exception])
        assert place(at) == {"workspace": "demo", "present": "1", "list": name}, page
        assert presenting(at), page


def test_the_normal_view_keeps_the_workspace_and_list_too(demo_db: str) -> None:
    at = run(workspace="demo")
    name = focus_list(demo_db)
    at.selectbox(key="sb_list").select(name).run()
    for page in ("pages/matrix.py", "pages/account.py", "pages/start.py"):
        navigate(at, page)
        assert place(at) == {"workspace": "demo", "list": name}, page
        assert at.selectbox(key="sb_list").value == name


def test_while_presenting_a_link_to_another_workspace_is_not_followed_and_says_so(demo_db: str) -> None:
    import_into_main()  # main holds a portfolio: a fresh session without a workspace would open it
    at = run(workspace="demo", present="1")
    at.query_params["workspace"] = "main"  # a link, a page or a form that asks for main
    at.run()
    assert place(at) == {"workspace": "demo", "present": "1"}
    assert "3,552" in text(at) and "Northwind" not in text(at)  # the demo's portfolio, not main's
    assert "This page asked for workspace **main**; the room keeps seeing **demo**" in text(at)
    navigate(at, "pages/account.py")  # and a link without any workspace keeps the room's
    assert place(at) == {"workspace": "demo", "present": "1"} and "Northwind" not in text(at)


def test_presenting_starts_on_the_workspace_on_view_and_the_sidebar_toggle_puts_it_in_the_address(demo_db: str) -> None:
    import_into_main()
    at = run(workspace="demo")
    at.query_params.clear()  # the address lost it; the session knows
    at.toggle(key="present_toggle").set_value(True).run()
    assert place(at) == {"workspace": "demo", "present": "1"} and presenting(at)


def test_showing_another_workspace_and_leaving_presentation_mode_each_ask_first(demo_db: str) -> None:
    import_into_main()
    at = run(workspace="demo", present="1")
    # Each way out is a button inside a popover at the top: the popover says what it does, the button does it.
    assert [b.label for b in at.button if (b.key or "").startswith("present_")] == ["Yes, leave presentation mode",
                                                                           "Yes, show main to the room"]
    at.button(key="present_show_main").click().run()
    assert place(at) == {"workspace": "main", "present": "1"} and presenting(at)
    assert "**2** opportunities" in text(at)  # main's portfolio, in the projector view
    navigate(at, "pages/portfolio.py")
    assert place(at) == {"workspace": "main", "present": "1"}  # the room is on main now, and stays there
    at.button(key="present_leave").click().run()
    assert place(at) == {"workspace": "main"} and not presenting(at)
    assert at.selectbox(key="sb_workspace").value == "main"  # the picker is back
    navigate(at, "pages/matrix.py")
    assert "present" not in at.query_params


@pytest.mark.parametrize("presenting_now", [False, True])
def test_an_account_of_another_workspace_is_said_and_the_workspace_stays(demo_db: str, presenting_now: bool) -> None:
    import_into_main()
    query = {"workspace": "demo", "account": "M-1", **({"present": "1"} if presenting_now else {})}
    at = run("pages/account.py", **query)
    said = " ".join(w.value for w in at.warning).replace("\\", "")  # Markdown's escapes (M\\-1) aside
    assert "is not in the **demo** workspace, so it is not shown; the workspace stays demo" in said
    assert ("M-1" in said) is not presenting_now  # the id is named at a desk, never in front of a room
    assert at.query_params["workspace"] == "demo" and at.query_params["account"].startswith("ACC-")
    assert "Northwind" not in text(at)


def _link_params(query_string: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(query_string).items()}


def test_the_links_the_pages_build_carry_the_place(demo_db: str) -> None:
    at = run(workspace="demo")
    name = focus_list(demo_db)
    at.query_params.update({"present": "1", "list": name})
    at.run()
    want = {"workspace": "demo", "present": "1", "list": name}
    for page in ("pages/start.py", "pages/account.py", "pages/structures.py"):
        navigate(at, page)
        links = at.main.get("page_link")
        assert links, page
        for link in links:
            assert _link_params(link.proto.query_string).items() >= want.items(), (page, link.proto.query_string)
    navigate(at, "pages/design.py")  # a table's link columns: accounts and the playbook's cards
    need = next(df.value for df in at.dataframe if "Playbook" in df.value.columns)
    for column in ("link", "Playbook"):
        assert need[column].str.contains(f"present=1&list={name.replace(' ', '+')}&", regex=False).all(), need[column].head()
    navigate(at, "pages/review.py")
    tables = [df.value for df in at.dataframe if "link" in df.value.columns]
    assert tables and all(t["link"].str.startswith("account?workspace=demo&present=1&list=").all() for t in tables)


def test_start_in_presentation_mode_offers_no_link_to_another_workspace(demo_db: str) -> None:
    at = run("pages/start.py", workspace="demo", present="1")
    assert all(_link_params(link.proto.query_string).get("workspace") == "demo" for link in at.main.get("page_link"))
    assert "The room stays on this workspace while presenting." in text(at)


def test_an_import_while_presenting_lands_in_main_and_the_room_stays_on_the_demo(demo_db: str) -> None:
    at = run("pages/data.py", workspace="demo", present="1")
    assert any("the room stays on demo" in i.value for i in at.info)  # not "after an import the app shows main"
    next(u for u in at.get("file_uploader")).upload(
        "accounts.csv", b"Account ID,Account Name\r\nM-9,Northwind Industrial\r\n", "text/csv").run()
    at.button(key="dt_read_file").click().run()
    at.button(key="dt_commit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "M-9" in set(Store(demo_db.replace("app-demo.db", "app.db")).accounts()["account_id"])  # main has it
    assert place(at) == {"workspace": "demo", "present": "1"} and presenting(at)
    assert "Imported into **main**; the room stays on demo." in text(at)
    assert "asked for workspace" not in text(at)  # nothing was asked for and refused: the page knew
