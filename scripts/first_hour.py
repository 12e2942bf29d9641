"""The first hour with a real CRM export, in Chromium at 1280x720, as a new user with no command line does it; and
what it took: per step the clicks, the fields filled, the keys pressed and the app's own time.

    .venv/bin/python scripts/first_hour.py [--json figures.json] [--shots DIR] [--without-workshop]

It starts its own ``streamlit run app.py`` on a free loopback port against a fresh SQLite file (the demo seeded on
the first request, as shipped; the main workspace empty) with GTM_TIMING_LOG set, drives headless Debian Chromium
(/usr/bin/chromium, GTM_CHROMIUM) through the first hour with the Salesforce-style files of tests/fixtures/crm/, and
stops the server. The steps follow the app's own way on (Start, its links, "Next: ..."):

 1. open the app, find Start, and your own portfolio's checklist;
 2. import the accounts file (Import: upload, Read the file, Import);
 3. import the opportunities file (the stage table read, Import), "Next: BUs known";
 4. map the six product families to two BUs on the Diagnose page, in its grid, and save a version;
 5. map them to natures in the other grid (the preview follows), and save a version;
 6. back on Start: what comes next;
 7. set every account's current structure at once (Portfolio: one cell, filled down with Ctrl+D, saved);
 8. record a decision on the account Start offers (its natures found by the mapping);
 9. add the head of both BUs on the Admin page;
10. as that BU head (local mode's "View as"): approve once on Review, for both BUs;
11. Start: every step done.

Counted per step: a *click* is a press of the mouse on a control (a link, a tab, a button, a grid cell, a list and
its option); a *field* is a value a person gives (a file chosen, a word typed, an option picked, a column filled
down); a *key* is a key pressed to move or confirm (Enter, an arrow, Ctrl+D). *App time* is the server's own time in
the page runs the step caused (GTM_TIMING_LOG: one line per page run, the script of the page; the navigation and
sidebar around it are not in it); *wall* is the step's time in the browser, including this script's own waits after
each action until the page is still (tests/browser/conftest.py wait_for_app). Reading and deciding are a person's own
time and are not counted here: compare the totals with "raw files to a diagnosed, recommended portfolio in
<= 10 minutes".

tests/browser/test_first_hour_flow.py runs the same steps (FirstHour) and checks the store between them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypedDict

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests" / "browser"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from conftest import still, streamlit_server, wait_for_app  # noqa: E402  (the browser tests' own "app at rest")
from playwright.sync_api import Locator, Page, ViewportSize, expect  # noqa: E402

from gtm import timing  # noqa: E402

CRM = ROOT / "tests" / "fixtures" / "crm"
ACCOUNTS = CRM / "sf_first_hour_accounts.csv"
OPPORTUNITIES = CRM / "sf_first_hour_opportunities.csv"
CHROMIUM = os.environ.get("GTM_CHROMIUM", "/usr/bin/chromium")
VIEWPORT: ViewportSize = {"width": 1280, "height": 720}
TIMEOUT = 60_000

# What the analyst knows about the organisation and types in: each product family's BU and nature.
BUS = {"Power Systems": "Energy", "Automation": "Automation", "Drives": "Automation", "Service Contracts": "Energy",
       "Sensors": "Automation", "Spare Parts": "Energy"}
NATURES = {"Power Systems": "Turnkey solutions", "Automation": "Unique technical solutions",
           "Drives": "Cross-sell / referral", "Service Contracts": "Coordinated account strategy",
           "Sensors": "Qualification / one-time action", "Spare Parts": "Info exchange / cost reduction"}


class Person(TypedDict):
    """Someone the hour adds on the Admin page."""

    email: str
    name: str
    bus: tuple[str, ...]


BU_HEAD: Person = {"email": "bo.hale@example.com", "name": "Bo Hale", "bus": ("Automation", "Energy")}
RATIONALE = "Turnkey and engineered deals across both BUs: one front end leads the account."
BUS_VERSION, NATURES_VERSION = "Families to BUs", "Families to natures"
# The two parts of the hour: what the promise of ten minutes counts, and what follows it.
TO_PORTFOLIO, DECIDE = "raw files to a diagnosed, recommended portfolio", "a decision, reviewed"


# ---------------------------------------------------------------- counting


@dataclass
class StepFigures:
    """What one step took: a person's clicks, fields and keys, and the app's time."""

    name: str
    part: str
    person: str
    clicks: int = 0
    fields: int = 0
    keys: int = 0
    page_runs: int = 0
    app_ms: float = 0.0
    wall_s: float = 0.0
    errors: list[str] = field(default_factory=list)


class Recorder:
    """Does what a person does in the page, counting it, and reads the server's page runs per step."""

    def __init__(self, page: Page, timing_log: Path | None) -> None:
        self.page = page
        self.timing_log = timing_log
        self.steps: list[StepFigures] = []

    @property
    def now(self) -> StepFigures:
        return self.steps[-1]

    def _lines(self) -> list[dict[str, Any]]:
        return timing.read(self.timing_log) if self.timing_log else []

    @contextmanager
    def step(self, name: str, part: str, person: str = "analyst") -> Iterator[StepFigures]:
        """One step: its counts, and the page runs the server logged while it lasted (the app is at rest when a
        step ends, so every run it caused has been written)."""
        figures = StepFigures(name, part, person)
        self.steps.append(figures)
        before = len(self._lines())
        started = time.perf_counter()
        yield figures
        figures.wall_s = round(time.perf_counter() - started, 1)
        runs = self._lines()[before:]
        figures.page_runs = len(runs)
        figures.app_ms = round(sum(float(r["ms"]) for r in runs), 1)
        figures.errors += [f"{r['page']}: {r['raised']}" for r in runs
                           if r.get("raised") not in (None, "RerunException", "StopException")]

    def open(self, url: str) -> None:
        """Type the app's address (or open a bookmark): one click."""
        self.page.goto(url)
        self.now.clicks += 1
        wait_for_app(self.page)

    def click(self, target: Locator) -> None:
        target.click()
        self.now.clicks += 1
        wait_for_app(self.page)

    def click_at(self, x: float, y: float) -> None:
        """A click on a grid's canvas (a cell, a row's box)."""
        self.page.mouse.click(x, y)
        self.now.clicks += 1
        self.page.wait_for_timeout(300)

    def choose_file(self, uploader: Locator, path: Path) -> None:
        """Upload, then pick the file in the system's dialog: a click and a field."""
        uploader.set_input_files(str(path))
        self.now.clicks += 1
        self.now.fields += 1
        wait_for_app(self.page)

    def fill(self, box: Locator, text: str) -> None:
        """Type a value into a text box and confirm it with Enter."""
        box.click()
        box.fill(text)
        box.press("Enter")
        self.now.clicks += 1
        self.now.fields += 1
        self.now.keys += 1
        wait_for_app(self.page)

    def type(self, text: str) -> None:
        """Type into the selected grid cell (a field), without confirming."""
        self.page.keyboard.type(text, delay=20)
        self.now.fields += 1

    def press(self, key: str, wait: bool = True) -> None:
        self.page.keyboard.press(key)
        self.now.keys += 1
        if wait:
            wait_for_app(self.page)
        else:
            self.page.wait_for_timeout(150)

    def pick(self, box: Locator, option: str) -> None:
        """Open a selectbox or multiselect and pick an option: two clicks, a field. A list that closed again (a rerun
        still landing) is opened again."""
        wanted = self.page.get_by_role("option", name=option, exact=True)
        for _ in range(5):
            box.click()
            try:
                expect(wanted).to_be_visible(timeout=3_000)
                break
            except AssertionError:
                self.page.keyboard.press("Escape")
                wait_for_app(self.page)
        wanted.click()
        self.now.clicks += 2
        self.now.fields += 1
        wait_for_app(self.page)

    def scroll_sideways(self, area: Locator, pixels: int) -> None:
        """Scroll a wide table sideways (a wheel or a trackpad: no click)."""
        box = area.bounding_box()
        assert box is not None
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.page.mouse.wheel(pixels, 0)
        self.page.wait_for_timeout(400)


# ---------------------------------------------------------------- the flow


def main_area(page: Page) -> Locator:
    return page.locator('[data-testid="stMain"]')


def heading(page: Page) -> Locator:
    return page.locator('[data-testid="stMain"] h1').first


def nav(page: Page, title: str) -> Locator:
    return page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title)


def link(page: Page, label: str) -> Locator:
    """A link in the main area by its words (the first, when a page shows it twice)."""
    return main_area(page).get_by_role("link", name=label).first


def grid(page: Page, key: str) -> Locator:
    """A keyed st.data_editor's grid (a canvas: cells are reached by position)."""
    return page.locator(f".st-key-{key} [data-testid='stDataFrameResizable']").first


def table_text(page: Page, name: str) -> Locator:
    """The st.dataframe whose visible cells hold ``name`` (the grid mirrors them in an accessible table)."""
    return main_area(page).locator('[data-testid="stDataFrame"]').filter(has_text=name)


ROW = 35  # px: a grid's header and each row


class FirstHour:
    """The steps of the first hour, each checking what a person would notice."""

    def __init__(self, page: Page, rec: Recorder, url: str, shots: Path | None = None) -> None:
        self.page, self.rec, self.url, self.shots = page, rec, url, shots
        self.decided: str = ""  # the account the decision is recorded on (its name)

    def shot(self, name: str) -> None:
        """What the window shows at 1280x720 (the viewport, not the whole page: what a person sees)."""
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(self.shots / f"first-hour-{name}.png"))

    def _select_cell(self, key: str, row: int, column: int) -> None:
        """Select a grid cell: the first column's cell of ``row`` (1 = the first row) clicked, then arrows right."""
        area = grid(self.page, key)
        area.scroll_into_view_if_needed()
        still(self.page)
        box = area.bounding_box()
        assert box is not None
        self.rec.click_at(box["x"] + 60, box["y"] + ROW * row + ROW / 2)
        for _ in range(column):
            self.rec.press("ArrowRight", wait=False)

    def _write_cell(self, text: str) -> None:
        """Open the selected text cell's editor (Enter), write ``text`` and confirm (Enter): the selection moves down.
        (Typing on a selected cell opens the editor too, but its first letter is sometimes lost to the opening.)"""
        self.rec.press("Enter", wait=False)
        box = self.page.locator("textarea.gdg-input")
        expect(box).to_be_visible(timeout=TIMEOUT)
        box.fill(text)
        self.rec.now.fields += 1
        self.rec.press("Enter")

    def _pick_cell(self, typed: str, option: str | re.Pattern[str]) -> None:
        """Open the selected list cell (Enter), type the start of ``option`` to filter the list, confirm (Enter)."""
        self.rec.press("Enter", wait=False)
        expect(self.page.locator("input[id^='react-select-'][id$='-input']")).to_be_focused(timeout=TIMEOUT)
        self.rec.type(typed)
        expect(self.page.get_by_role("option", name=option, exact=True)).to_be_visible(timeout=TIMEOUT)
        self.rec.press("Enter")

    def open_app(self) -> None:
        """Open the app; find Start and your own portfolio's checklist."""
        page = self.page
        with self.rec.step("Open the app, find Start", TO_PORTFOLIO):
            self.rec.open(self.url + "/")
            expect(nav(page, "Start")).to_be_visible(timeout=TIMEOUT)  # the first entry of the navigation
            self.shot("01-opened")
            if heading(page).inner_text() != "Start":  # the demo's Portfolio: Start is one click away
                self.rec.click(nav(page, "Start"))
            expect(heading(page)).to_have_text("Start", timeout=TIMEOUT)
            own = link(page, "Start with your own portfolio")
            if own.count():  # the demo's checklist, which points to your own portfolio's
                self.rec.click(own)
            area = main_area(page)
            expect(area).to_contain_text("Workspace main: your organisation's portfolio", timeout=TIMEOUT)
            expect(area).to_contain_text("0 of 8 steps done · next: accounts and opportunities imported")
            self.shot("02-start")

    def _import(self, path: Path) -> None:
        page = self.page
        self.rec.choose_file(page.locator('[data-testid="stFileUploader"] input[type="file"]').first, path)
        self.rec.click(page.locator(".st-key-dt_read_file button"))
        expect(main_area(page)).to_contain_text("data rows", timeout=TIMEOUT)

    def _commit(self, said: str) -> None:
        page = self.page
        commit = page.locator(".st-key-dt_commit button")
        commit.scroll_into_view_if_needed()
        self.rec.click(commit)
        done = page.locator('[data-testid="stAlertContentSuccess"]').filter(has_text=said)
        expect(done).to_be_visible(timeout=TIMEOUT)
        expect(done).to_be_in_viewport()  # the result and what comes next, not the foot of the page

    def import_accounts(self) -> None:
        """Start's link to the Import page; the accounts file, read and imported."""
        page = self.page
        with self.rec.step("Import the accounts", TO_PORTFOLIO):
            self.rec.click(link(page, "Import a file"))
            expect(heading(page)).to_have_text("Import", timeout=TIMEOUT)
            self._import(ACCOUNTS)
            expect(main_area(page)).to_contain_text("No id column: each account's id is derived from its name")
            self.shot("03-accounts-read")
            self._commit("accounts: 39 added")
            expect(main_area(page)).to_contain_text("Next: accounts and opportunities imported. No opportunities "
                                                    "yet: import the opportunities file")
            self.shot("04-accounts-imported")

    def import_opportunities(self) -> None:
        """The opportunities file: its stages read as open, won or lost before anything is written."""
        page = self.page
        with self.rec.step("Import the opportunities", TO_PORTFOLIO):
            self.rec.click(page.locator(".st-key-dt_kind").get_by_text("Opportunities", exact=True))
            self._import(OPPORTUNITIES)
            area = main_area(page)
            expect(area).to_contain_text("Open, won or lost: each stage as read")
            expect(area).to_contain_text("of the 330 opportunities imported, 0 are diagnosed")
            stages = page.locator(".st-key-dt_stages_editor")
            expect(stages).to_contain_text("Closed Lost")
            expect(stages).to_contain_text("Closed Won")
            stages.scroll_into_view_if_needed()
            self.shot("05-stages")
            self._commit("opportunities: 330 added")
            expect(area).to_contain_text("Next: BUs known. 225 opportunities (100% of the value) have no BU")
            self.shot("06-opportunities-imported")

    def map_bus(self) -> None:
        """The Next link to the Diagnose page's product families: a BU typed beside each, saved as a version."""
        page = self.page
        with self.rec.step("Map product families to BUs", TO_PORTFOLIO):
            self.rec.click(link(page, "Map product families to BUs"))
            expect(heading(page)).to_have_text("Diagnose", timeout=TIMEOUT)
            panel = page.locator('[role="tabpanel"]:visible')
            expect(panel).to_contain_text("Product family → BU", timeout=TIMEOUT)  # the tab the link asked for
            key = "dg_family_bu_editor_0_0"
            families = list(BUS)  # the grid's rows, largest value first
            expect(table_text(page, families[0]).first).to_be_visible()
            self._select_cell(key, 1, 1)
            for family in families:
                self._write_cell(BUS[family])
            self.shot("07-bus-typed")
            self.rec.fill(page.locator(".st-key-dg_family_bu_name input"), BUS_VERSION)
            self.rec.click(page.locator(".st-key-dg_family_bu_save button"))
            created = ", ".join(dict.fromkeys(BUS.values()))  # in the grid's order
            expect(main_area(page)).to_contain_text(f"New business units from the mapping: {created}.",
                                                    timeout=TIMEOUT)
            self.shot("08-bus-saved")

    def map_natures(self) -> None:
        """A nature picked beside each family in the other grid: the preview follows, then the version is saved."""
        page = self.page
        with self.rec.step("Map product families to natures", TO_PORTFOLIO):
            key = "dg_family_nature_editor_0_0"
            self._select_cell(key, 1, 1)
            for family in BUS:  # the same order
                self._pick_cell(NATURES[family][:6], NATURES[family])  # the list filters as one types
            panel = page.locator('[role="tabpanel"]:visible')
            expect(panel).to_contain_text("Preview on the whole portfolio", timeout=TIMEOUT)
            expect(panel).to_contain_text("% → 100.0%")  # the coverage, before and after
            expect(panel).to_contain_text("change nature")
            panel.get_by_text("Preview on the whole portfolio").scroll_into_view_if_needed()  # a look further down
            self.shot("09-natures-preview")
            self.rec.fill(page.locator(".st-key-dg_family_nature_name input"), NATURES_VERSION)
            self.rec.click(page.locator(".st-key-dg_family_nature_save button"))
            expect(panel).to_contain_text("The portfolio under the active rules", timeout=TIMEOUT)
            coverage = panel.locator('[data-testid="stMetric"]').filter(has_text="Coverage").first
            expect(coverage.locator('[data-testid="stMetricValue"]')).to_have_text("100.0%")
            self.shot("10-natures-saved")

    def see_what_is_next(self) -> None:
        """Start again: five steps done, the current structures next."""
        page = self.page
        with self.rec.step("Back on Start", TO_PORTFOLIO):
            self.rec.click(nav(page, "Start"))
            area = main_area(page)
            expect(area).to_contain_text("5 of 8 steps done · next: current structures known", timeout=TIMEOUT)
            expect(area).to_contain_text("100% of the value at stake (lost deals left out) diagnosed: 100% by a mapping")
            expect(area).to_contain_text("100% from the family → BU mapping")
            self.shot("11-start-half-way")

    def set_structures(self) -> None:
        """Start's link to the Portfolio's "Current approach per account": one cell set, the column filled down."""
        page = self.page
        with self.rec.step("Set the current structures", TO_PORTFOLIO):
            self.rec.click(link(page, "Set current approaches"))
            expect(heading(page)).to_have_text("Portfolio", timeout=TIMEOUT)
            area = main_area(page)  # the lost deals are out of the figures, and it says so
            expect(area).to_contain_text("105 lost deals", timeout=TIMEOUT)
            expect(area).to_contain_text("left out of the figures, fits and recommendations")
            opportunities = area.locator('[data-testid="stMetric"]').filter(has_text="Opportunities").first
            expect(opportunities.locator('[data-testid="stMetricValue"]')).to_have_text("225")
            self.shot("12-portfolio")
            self.rec.click(page.get_by_text("Current approach per account (set many at once)"))
            expect(main_area(page)).to_contain_text("39 accounts", timeout=TIMEOUT)
            key = "pf_ap_editor"
            self._select_cell(key, 1, 2)
            self._pick_cell("Trad", re.compile("^Traditional sales"))
            self.rec.press("ArrowUp", wait=False)
            self.rec.press("ControlOrMeta+Shift+ArrowDown", wait=False)  # the cell to the last row
            self.rec.press("ControlOrMeta+d")  # filled down, as in a spreadsheet
            self.rec.now.fields += 1  # a column filled down is one more value given
            save = page.locator(".st-key-pf_ap_save button")
            expect(save).to_have_text("Save 39 changes", timeout=TIMEOUT)
            self.shot("13-structures-filled")
            self.rec.click(save)
            expect(main_area(page)).to_contain_text("0 accounts", timeout=TIMEOUT)  # none left without one
            expect(main_area(page)).not_to_contain_text("assumed")
            self.shot("14-structures-saved")

    def decide(self) -> None:
        """Start offers the account with the most value in misfits: its natures found by the mapping, a decision."""
        page = self.page
        with self.rec.step("Record a decision", DECIDE):
            self.rec.click(nav(page, "Start"))
            expect(main_area(page)).to_contain_text("6 of 8 steps done · next: decisions recorded", timeout=TIMEOUT)
            self.rec.click(link(page, "Open that account"))
            expect(heading(page)).to_have_text("Account", timeout=TIMEOUT)
            self.decided = main_area(page).locator("h2").first.inner_text().strip()
            page.get_by_role("heading", name="Opportunities", exact=True).scroll_into_view_if_needed()
            opportunities = fixed(table_text(page, "Likely").last)  # the table of every opportunity, with fits
            self.rec.scroll_sideways(opportunities, 900)  # its right-hand columns: how each nature was found
            expect(opportunities).to_contain_text("mapping: product family", timeout=TIMEOUT)
            self.shot("15-account-natures-found")
            rationale = page.locator(".st-key-dec_rationale textarea")
            rationale.scroll_into_view_if_needed()
            rationale.click()
            rationale.fill(RATIONALE)
            self.rec.now.clicks += 1
            self.rec.now.fields += 1
            self.rec.click(page.get_by_role("button", name="Record decision"))
            history = table_text(page, RATIONALE[:20])
            expect(history).to_have_count(1, timeout=TIMEOUT)
            self.shot("16-decision-recorded")

    def add_bu_head(self) -> None:
        """The administrator adds the head of both BUs, whose BUs the mapping created."""
        page = self.page
        with self.rec.step("Add the head of both BUs", DECIDE, "administrator"):
            self.rec.click(nav(page, "Admin"))
            expect(heading(page)).to_have_text("Admin", timeout=TIMEOUT)
            self.rec.fill(page.locator(".st-key-ad_email input"), BU_HEAD["email"])
            self.rec.fill(page.locator(".st-key-ad_name input"), str(BU_HEAD["name"]))
            self.rec.pick(page.locator(".st-key-ad_role"), "BU head")
            for bu in BU_HEAD["bus"]:
                self.rec.pick(page.locator(".st-key-ad_bus"), bu)
            self.rec.press("Escape", wait=False)
            self.rec.click(page.locator(".st-key-ad_add button"))
            expect(table_text(page, BU_HEAD["email"]).first).to_contain_text("Automation, Energy", timeout=TIMEOUT)
            self.shot("17-bu-head-added")

    def approve_as_bu_head(self) -> None:
        """As the BU head (local mode's "View as"): the decision waits for both BUs; one approval for both."""
        page = self.page
        with self.rec.step("Approve once as the head of both BUs", DECIDE, "BU head"):
            chooser = page.locator(".st-key-sb_view_as")
            chooser.evaluate("e => e.scrollIntoView({block: 'start'})")
            self.rec.pick(chooser.locator("button[aria-label='Open']"), f"{BU_HEAD['name']} · BU head")
            self.rec.click(nav(page, "Review"))
            area = main_area(page)
            expect(area).to_contain_text("Automation and Energy", timeout=TIMEOUT)
            expect(area).to_contain_text("1 decision waits for the verdict of your BUs (Automation and Energy)")
            queue = table_text(page, self.decided)
            expect(queue).to_contain_text("Automation, Energy")  # waiting on both
            self.shot("18-review-inbox")
            box = grid_of(queue).bounding_box()
            assert box is not None
            self.rec.click_at(box["x"] + 16, box["y"] + ROW + ROW / 2)  # the row's box
            wait_for_app(page)
            expect(area).to_contain_text("Your verdict is recorded for each of the BUs Automation and Energy, in one "
                                         "act.", timeout=TIMEOUT)
            self.shot("19-review-selected")
            self.rec.click(page.locator(".st-key-rv_approve button"))
            expect(page.get_by_text("1 decision approved for BUs Automation and Energy")).to_be_visible(
                timeout=TIMEOUT)
            self.shot("20-review-approved")

    def checklist_complete(self) -> None:
        """Start: every step of the first hour done."""
        page = self.page
        with self.rec.step("Start: every step done", DECIDE, "BU head"):
            self.rec.click(nav(page, "Start"))
            area = main_area(page)
            expect(area).to_contain_text("8 of 8 steps done", timeout=TIMEOUT)
            expect(area).to_contain_text("Every step is done: the portfolio is set up.")
            expect(area).not_to_contain_text("· to do ·")
            self.shot("21-start-complete")

    def run(self) -> None:
        """Every step, in order."""
        for step in (self.open_app, self.import_accounts, self.import_opportunities, self.map_bus, self.map_natures,
                     self.see_what_is_next, self.set_structures, self.decide, self.add_bu_head,
                     self.approve_as_bu_head, self.checklist_complete):
            step()


def fixed(table: Locator) -> Locator:
    """The same st.dataframe by its place on the page, not by its text: a grid mirrors only the cells in view, so a
    table scrolled sideways no longer holds the words it was found by. (A grid out of view mirrors none: scroll to it
    first.)"""
    page = table.page
    every = main_area(page).locator('[data-testid="stDataFrame"]')
    expect(table).to_be_visible(timeout=TIMEOUT)
    handle = table.element_handle()
    for i in range(every.count()):
        if every.nth(i).evaluate("(e, other) => e === other", handle):
            return every.nth(i)
    raise AssertionError("the table is not on the page")


def grid_of(table: Locator) -> Locator:
    """The drawn grid of an st.dataframe (its box: where its rows are)."""
    return table.locator("[data-testid='stDataFrameResizable']").first


# ---------------------------------------------------------------- the report


def totals(steps: list[StepFigures], part: str | None = None) -> dict[str, Any]:
    """Clicks, fields, keys, page runs, app time and wall time summed over the steps (of one part)."""
    chosen = [s for s in steps if part is None or s.part == part]
    return {"steps": len(chosen), "clicks": sum(s.clicks for s in chosen), "fields": sum(s.fields for s in chosen),
            "keys": sum(s.keys for s in chosen), "page_runs": sum(s.page_runs for s in chosen),
            "app_s": round(sum(s.app_ms for s in chosen) / 1000, 1),
            "wall_s": round(sum(s.wall_s for s in chosen), 1)}


def report(steps: list[StepFigures]) -> str:
    """The figures as a table, with the totals of each part and of the hour."""
    head = f"{'step':<42} {'who':<13} {'clicks':>6} {'fields':>6} {'keys':>5} {'runs':>5} {'app s':>7} {'wall s':>7}"
    lines = [head, "-" * len(head)]
    for s in steps:
        lines.append(f"{s.name:<42} {s.person:<13} {s.clicks:>6} {s.fields:>6} {s.keys:>5} {s.page_runs:>5} "
                     f"{s.app_ms / 1000:>7.1f} {s.wall_s:>7.1f}" + (f"  errors: {s.errors}" if s.errors else ""))
    lines.append("-" * len(head))
    for label, part in ((TO_PORTFOLIO, TO_PORTFOLIO), (DECIDE, DECIDE), ("the whole first hour", None)):
        t = totals(steps, part)
        lines.append(f"{label:<56} {t['clicks']:>6} {t['fields']:>6} {t['keys']:>5} {t['page_runs']:>5} "
                     f"{t['app_s']:>7.1f} {t['wall_s']:>7.1f}")
    return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--shots", type=Path, help="a screenshot of the window (1280x720) at each check, here")
    parser.add_argument("--without-workshop", action="store_true",
                        help="seed the demo without its workshop (GTM_DEMO_WORKSHOP=0): a quicker first page")
    parser.add_argument("--keep", type=Path, help="keep the database, timing log and server log in this folder")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="gtm-first-hour-"))
    folder.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{folder / 'first-hour.db'}"
    timing_log = folder / "timing.jsonl"
    env = {**os.environ, "GTM_DATABASE_URL": db_url, "GTM_SEED_DEMO": "1", "GTM_TIMING_LOG": str(timing_log),
           "GTM_DEMO_WORKSHOP": "0" if args.without_workshop else "1"}
    env.pop("GTM_CACHE_DIR", None)
    started = time.perf_counter()
    with streamlit_server(env, ROOT, folder / "streamlit.log", free_port()) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                     "--disable-dev-shm-usage"])
        page = browser.new_context(viewport=VIEWPORT).new_page()
        rec = Recorder(page, timing_log)
        flow = FirstHour(page, rec, url, args.shots)
        try:
            flow.run()
        finally:
            browser.close()
    print(f"The first hour in Chromium at 1280x720 ({time.perf_counter() - started:.0f} s with the server's start):")
    print(report(rec.steps))
    print("clicks: presses on controls; fields: values given (a file, a word, an option, a column filled down); "
          "keys: Enter, arrows, Ctrl+D; app s: the server's page runs (GTM_TIMING_LOG); wall s: the browser's time, "
          "with this script's pauses of 0.3 s per action. A person's reading and deciding is not in these figures.")
    if args.json:
        args.json.write_text(json.dumps({"steps": [asdict(s) for s in rec.steps],
                                         "totals": {TO_PORTFOLIO: totals(rec.steps, TO_PORTFOLIO),
                                                    DECIDE: totals(rec.steps, DECIDE),
                                                    "whole": totals(rec.steps)}}, indent=2), encoding="utf-8")
    return 1 if any(s.errors for s in rec.steps) else 0


if __name__ == "__main__":
    raise SystemExit(main())
