"""Real-browser fixtures: `streamlit run app.py` headless on a free port against a temporary database,
driven by Playwright in Debian's Chromium (/usr/bin/chromium)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from fixtures_sqlite import fingerprint  # tests/fixtures_sqlite.py
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from gtm.storage.engine import workspace_url

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("GTM_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium, with the flags this closed network needs, and V8 without its optimising compilers
    (``--max-opt=1``: the interpreter and the baseline compiler only). A test's page lives seconds: the optimising
    compilers' background work cost a sixth of Chromium's CPU in the browser tests and never paid back (the tier took
    461 CPU-s instead of 516, 268 s instead of 297 on 2 workers). The app's behaviour is the same; only its
    JavaScript runs unoptimised."""
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"CI must run the browser tests: {CHROMIUM} is missing")
        pytest.skip(f"browser tests skipped outside CI: {CHROMIUM} is missing (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--js-flags=--max-opt=1"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A laptop-sized window, as in front of a room."""
    return {**browser_context_args, "viewport": {"width": 1440, "height": 1000}}


@pytest.fixture(scope="session")
def _worker_tab(browser: Browser, browser_context_args: dict) -> Iterator[Page]:
    """One browser tab for this test process's tests, in one context: each test opens its address in it.

    A fresh context and tab per test (pytest-playwright's default) cost Chromium a new renderer process and the app's
    JavaScript compiled again: on the Portfolio page 2.5 s of CPU and 2.8 s of wall time against 1.1 s and 1.2 s for
    the next address in a tab already open, and the app's files served again. Each test still gets a new Streamlit
    session (its first ``goto`` opens one); what the tab keeps between tests is the browser's cache, while its
    storage and cookies are emptied after each test (``page``). Tests that need a context of their own (sign-in
    cookies, a proxy's headers, another window size from the start) make one."""
    context = browser.new_context(**browser_context_args)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(_worker_tab: Page, browser_context_args: dict) -> Iterator[Page]:
    """This test process's tab, at the default window size, with nothing of the last test's kept but the cache: its
    local and session storage (where Streamlit keeps the sidebar's state) and cookies are cleared, and tabs it
    opened are closed."""
    tab = _worker_tab
    tab.set_viewport_size(browser_context_args["viewport"])
    try:
        yield tab
    finally:
        for opened in tab.context.pages:
            if opened.url.startswith("http"):
                with suppress(Exception):  # a page that crashed or is closing keeps nothing anyway
                    opened.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
            if opened is not tab:
                opened.close()
        tab.context.clear_cookies()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class App:
    """A running `streamlit run app.py` and its database: ``db_url`` the demo workspace the pages open on (main
    starts empty), ``main_url`` the main workspace that imports on the Data page go to."""

    def __init__(self, url: str, db_url: str, log: Path, main_url: str = "") -> None:
        self.url = url
        self.db_url = db_url
        self.log = log
        self.main_url = main_url


@contextmanager
def streamlit_server(env: dict[str, str], cwd: Path, log: Path, port: int) -> Iterator[str]:
    """``streamlit run app.py`` on 127.0.0.1:port from ``cwd`` (where .streamlit/ is read), until it is healthy."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError(f"streamlit did not start:\n{log.read_text()}")
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


# Templates of a browser run's database, one pair of files (main, demo) per demo variant, made once per test process:
# main migrated and empty, the demo seeded (with its workshop or without) as a server's first request would seed it.
_TEMPLATES: dict[bool, Path] = {}


def _template(base: Path, workshop: bool) -> Path:
    """The main database file of the template with (or without) the demo's workshop; its demo file lies beside."""
    if workshop not in _TEMPLATES:
        from gtm.services.demo import seed_demo
        from gtm.services.workspaces import DEMO, MAIN, open_store

        folder = base / ("template-workshop" if workshop else "template-plain")
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / 'gtm.db'}"
        open_store(url, MAIN).dispose()
        demo = open_store(url, DEMO)
        try:
            seed_demo(demo, workshop_story=workshop)
            demo.snapshot_secret()  # drawn here, not by a module's first page: a module that only reads writes nothing
        finally:
            demo.dispose()
        _TEMPLATES[workshop] = folder / "gtm.db"
    return _TEMPLATES[workshop]


class SharedApp(App):
    """This test process's shared server and what its database was last reset to."""

    def __init__(self, url: str, db_url: str, log: Path, templates: Path) -> None:
        super().__init__(url, workspace_url(db_url, "demo"), log, main_url=db_url)
        self.templates = templates
        self.pristine: tuple[bool, tuple[tuple[int, int] | None, ...]] | None = None

    def reset(self, workshop: bool) -> None:
        """Put back the template's data, main and demo, unless nothing was written since the last reset to it.

        Through ``restore_sqlite``, as ``gtm restore`` while servers run: the data versions advance past every
        version the server has seen, so each of its caches (keyed on them) reads the restored data."""
        from gtm.storage.backup import restore_sqlite

        if self.pristine == (workshop, fingerprint(self.main_url)):
            return
        template = _template(self.templates, workshop)
        restore_sqlite(template, self.main_url, create=True)
        restore_sqlite(template.with_name("gtm-demo.db"), self.main_url, "demo", create=True)
        self.pristine = (workshop, fingerprint(self.main_url))


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[SharedApp]:
    """One ``streamlit run app.py`` for this test process's browser modules, each of which resets its database
    (``app_server``): a module gets a clean database without waiting for a server to start. The first page is
    asked for here, so no module meets a server's very first request (those that test it have their own)."""
    tmp = tmp_path_factory.mktemp("shared-app")
    db_url = f"sqlite:///{tmp / 'browser.db'}"
    app = SharedApp("", db_url, tmp / "streamlit.log", tmp)
    app.reset(workshop=False)
    port = _free_port()
    # The data is the template's: the server never seeds (it seeds only an empty demo), whatever the variant.
    env = {**os.environ, "GTM_DATABASE_URL": db_url, "GTM_SEED_DEMO": "1", "GTM_DEMO_WORKSHOP": "0"}
    try:
        with streamlit_server(env, ROOT, app.log, port) as base:
            app.url = base
            page = browser.new_page()
            try:
                page.goto(f"{base}/?workspace=demo")
                wait_for_app(page)
            finally:
                page.close()
            yield app
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        if app.log.exists():
            shutil.copy(app.log, ARTIFACTS / f"streamlit-shared-{port}.log")


def _own_server(tmp_path_factory: pytest.TempPathFactory, workshop: bool) -> Iterator[App]:
    tmp = tmp_path_factory.mktemp("app")
    db_url = f"sqlite:///{tmp / 'browser.db'}"
    port = _free_port()
    env = {**os.environ, "GTM_DATABASE_URL": db_url, "GTM_SEED_DEMO": "1", "GTM_DEMO_WORKSHOP": "1" if workshop else "0"}
    log = tmp / "streamlit.log"
    try:
        with streamlit_server(env, ROOT, log, port) as base:
            yield App(base, workspace_url(db_url, "demo"), log, main_url=db_url)
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log, ARTIFACTS / f"streamlit-{port}.log")


@pytest.fixture(scope="module")
def app_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The app headless on the demo (with its workshop when the test module sets ``DEMO_WORKSHOP = True``), main
    empty: this process's shared server with its database reset to that, or, when the module sets
    ``OWN_SERVER = True`` (it tests a fresh server's first request), a server of its own against a fresh SQLite file
    that the server seeds itself."""
    workshop = bool(getattr(request.module, "DEMO_WORKSHOP", False))
    if getattr(request.module, "OWN_SERVER", False):
        yield from _own_server(tmp_path_factory, workshop)
        return
    shared: SharedApp = request.getfixturevalue("shared_app")
    shared.reset(workshop)
    yield shared


LEFT_NOT_RUNNING = "() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState !== 'notRunning'"

# Connected, the script's run over, no running-status widget and no loading skeleton (heavy elements, dataframes
# and charts, load lazily after the run, behind one), all in the same frame. Checked every animation frame: an
# ``expect`` polls at 100, 250, 500 then 1000 ms, so a run that ended just after a poll was seen up to a second late.
AT_REST = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.dataset.testConnectionState === 'CONNECTED' && app.dataset.testScriptState === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidget"]') && !document.querySelector('[data-testid="stSkeleton"]');
}"""


def wait_for_app(page: Page, timeout: float = 60_000) -> None:
    """Wait until the app has connected and finished running its script.

    What Streamlit's own e2e tests check: connected, script state "notRunning" (not "initial", "running" or
    "rerunRequested"), no running-status widget and no loading skeleton (``AT_REST``); then until the page is still
    (``settle``). First, up to 150 ms for an interaction's rerun to start: the run's state is seen leaving
    "notRunning" (most often within a few milliseconds), or the whole pause passes (an action that reruns nothing,
    or a run already over).
    """
    with suppress(PlaywrightTimeoutError):
        page.wait_for_function(LEFT_NOT_RUNNING, timeout=150)
    page.wait_for_function(AT_REST, polling="raf", timeout=timeout)
    settle(page)


# Resolves once the page's DOM has not changed for ``quiet`` ms and no CSS transition is under way (or after ``most``
# ms, whatever changes): a MutationObserver kept on the document notes each change's time; the first call in a
# document installs it.
QUIET_DOM = """([quiet, most]) => new Promise(resolve => {
  if (!window.__gtmLastChange) {
    window.__gtmLastChange = performance.now();
    new MutationObserver(() => { window.__gtmLastChange = performance.now(); })
      .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  }
  const start = performance.now();
  const moving = () => document.getAnimations().some(a => a.playState === 'running'
    && a.effect?.getComputedTiming().endTime !== Infinity);  // a CSS transition under way (not a spinner's loop)
  const check = () => {
    const now = performance.now();
    if ((now - window.__gtmLastChange >= quiet && !moving()) || now - start >= most) resolve(now - start);
    else setTimeout(check, Math.max(5, quiet - (now - window.__gtmLastChange)));
  };
  check();
})"""


STILL = """() => new Promise(resolve => {
  const main = document.querySelector('[data-testid="stMain"]');
  let last = -1, same = 0;
  const frame = () => {
    const now = main ? main.scrollTop : 0;
    same = now === last ? same + 1 : 0;
    last = now;
    if (same >= 2) resolve(); else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})"""


def still(page: Page) -> None:
    """Wait until a scroll of the main area has ended (its position the same three frames in a row) and what it
    brought on screen has drawn: instead of a fixed pause after scrolling."""
    page.evaluate(STILL)
    settle(page, quiet=50)


def settle(page: Page, quiet: int = 80, most: int = 1_000) -> None:
    """Wait until the page has stopped changing: no DOM change for ``quiet`` ms (charts and grids draw after the
    script's run, a resized chart lays out again) and no CSS transition under way, at most ``most`` ms. Instead of
    a fixed pause, which is either too short on a loaded machine or wasted on a quiet one."""
    page.evaluate(QUIET_DOM, [quiet, most])


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot in test-artifacts/.

    Streamlit scrolls inside <main>, not the document, so Playwright's full_page alone stops at the viewport:
    grow the viewport to the main area's height for the shot, then restore it (and let the app settle)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    viewport = page.viewport_size
    height = int(page.evaluate(
        "() => Math.max(...['[data-testid=stMain]', '[data-testid=stSidebarContent]']"
        ".map(s => document.querySelector(s)?.scrollHeight ?? 0))"))
    if viewport and height > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": min(height + 16, 12_000)})
        settle(page, quiet=120)  # charts and grids lay out again to the new size
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if viewport and height > viewport["height"]:
            page.set_viewport_size(viewport)
            settle(page, quiet=120)
    return path


ROLE_LABELS = {"viewer": "Viewer", "sales_leader": "Sales leader", "bu_head": "BU head",
               "facilitator": "Workshop facilitator", "admin": "Administrator"}


def view_as(page: Page, app: App, role: str, name: str, bus: Sequence[str] = ()) -> None:
    """Local single-user mode's supported way to act as someone: store them as a user (main workspace, as an
    administrator would), reload, and choose them in the sidebar's "View as". A BU head heads ``bus`` (default: the
    demo's BU-AUT; a BU head is never saved without BUs)."""
    from gtm.domain.permissions import ADMIN
    from gtm.services import users
    from gtm.storage.repository import Store

    email = name.lower().replace(" ", ".") + "@example.com"
    heads = list(bus or ("BU-AUT",)) if role == "bu_head" else []
    store = Store(app.main_url or app.db_url)
    try:
        if store.user(email) is None:
            users.add_user(store, ADMIN, email, role, name, heads)
        else:
            users.update_user(store, ADMIN, email, role=role, name=name, bus=heads)
    finally:
        store.dispose()
    page.reload()
    wait_for_app(page)
    label = f"{name} · {ROLE_LABELS[role]}"
    # The chooser stands below the navigation: bring it to the top of the sidebar, so that its list opens in full.
    page.locator(".st-key-sb_view_as").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.locator(".st-key-sb_view_as button[aria-label='Open']").click()
    page.get_by_role("option", name=label, exact=True).click()
    wait_for_app(page)
    expect(page.locator(".st-key-sb_view_as input")).to_have_value(label)
