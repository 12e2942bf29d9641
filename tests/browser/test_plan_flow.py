"""Chromium: a facilitator edits an activity of the engagement plan (weeks, owner, status) in the table, the
timeline moves, saves a version and downloads the export; screenshots at 1280x720 and 1920x1080."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from conftest import ARTIFACTS, App, shot, still, view_as, wait_for_app
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from gtm.services import plans
from gtm.storage.repository import Store

TIMEOUT = 30_000
EDITOR = "pl_rows_0_0"  # phase 1's table (generation 0)
# The editor's column widths as pages/plan.py sets them, after the row marker: the grid draws on a canvas, so a cell
# is found by position.
COLUMNS = {"marker": 33, "activity": 320, "offset": 125, "weeks": 80, "owner": 140, "status": 115}
ROW = 35  # px, the header's and each row's height


def _cell(page: Page, key: str, row: int, column: str) -> tuple[float, float]:
    grid = page.locator(f".st-key-{key} [data-testid='stDataFrameResizable']")
    grid.scroll_into_view_if_needed()
    still(page)  # let the scroll settle before reading the position
    box = grid.bounding_box()
    assert box is not None
    names = list(COLUMNS)
    left = sum(COLUMNS[c] for c in names[: names.index(column)])
    return box["x"] + left + COLUMNS[column] / 2, box["y"] + ROW * (row + 1) + ROW / 2


def _open(page: Page, key: str, row: int, column: str, opened: str) -> None:
    """Open a cell's editor: a first click selects the cell, a later one opens its editor (``opened``: a selector
    that is visible once it is open). Clicks closer than a double click's interval would not open it."""
    x, y = _cell(page, key, row, column)
    page.mouse.click(x, y)
    for _ in range(3):
        try:  # opened at once, or the next click comes 700 ms after this one: no double click
            page.locator(opened).first.wait_for(state="attached", timeout=700)
            return
        except PlaywrightTimeoutError:
            page.mouse.click(x, y)
    expect(page.locator(opened).first).to_be_visible(timeout=TIMEOUT)


def _type_in(page: Page, key: str, row: int, column: str, text: str) -> None:
    """Replace a cell's content, commit it with Enter and wait for the rerun."""
    _open(page, key, row, column, "input.gdg-input, textarea.gdg-input")
    editor = page.locator("input.gdg-input, textarea.gdg-input").first
    editor.fill(text)
    editor.press("Enter")
    wait_for_app(page)


def _choose(page: Page, key: str, row: int, column: str, option: str) -> None:
    """Pick an option of a select cell and wait for the rerun."""
    _open(page, key, row, column, "[role=option]")
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def _phase_starts(page: Page) -> list[str]:
    """The start dates of the timeline's phase bars, as the browser's plotly figure holds them."""
    return page.evaluate("""() => {
        const plot = document.querySelector('.st-key-pl_timeline .js-plotly-plot');
        const phases = plot.data.find(t => t.name === 'Phase');
        return Array.from(phases.base).map(String);
    }""")


def _figures(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("[data-testid=stMain] [data-testid=stMarkdownContainer]").filter(
        has_text="without an owner").first


def test_a_facilitator_edits_an_activity_saves_and_exports_the_plan(page: Page, app_server: App) -> None:
    page.goto(f"{app_server.url}/plan")
    wait_for_app(page)
    view_as(page, app_server, "facilitator", "Fay Chen")
    page.set_viewport_size({"width": 1280, "height": 720})
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Plan", exact=True)).to_be_visible(timeout=TIMEOUT)

    # A start three weeks ago, so that today's line falls inside the plan in the screenshots.
    start = date.today() - timedelta(weeks=3)
    # The date field is three spin buttons (year, month, day) that move on as they fill; it commits on leaving it.
    page.locator(".st-key-pl_start_0 [data-type=year]").click()
    page.keyboard.type(f"{start:%Y%m%d}", delay=40)
    page.locator("h1").first.click()
    wait_for_app(page)
    expect(_figures(page)).to_contain_text(f"27 weeks, {start:%d %b %Y}", timeout=TIMEOUT)
    expect(_figures(page)).to_contain_text("15 without an owner")
    before = _phase_starts(page)
    assert before[0] == start.isoformat()

    # Phase 1's first activity: 8 weeks instead of 6, owned by Fay Chen, in progress.
    _type_in(page, EDITOR, 0, "weeks", "8")
    _type_in(page, EDITOR, 0, "owner", "Fay Chen")
    _choose(page, EDITOR, 0, "status", "in progress")
    expect(_figures(page)).to_contain_text("29 weeks", timeout=TIMEOUT)
    expect(_figures(page)).to_contain_text("14 without an owner")
    after = _phase_starts(page)
    # Phase 1 now lasts 8 weeks: phases 2 and 3 start two weeks later on the timeline.
    assert after[0] == before[0]
    assert [date.fromisoformat(a) - date.fromisoformat(b) for a, b in zip(after[1:], before[1:])] == \
           [timedelta(weeks=2)] * 2
    legend = page.locator(".st-key-pl_timeline .legendtext")
    expect(legend.filter(has_text="In progress")).to_have_count(1)

    page.locator(".st-key-pl_name_0 input").fill("Workshop plan")
    page.locator(".st-key-pl_name_0 input").press("Tab")
    page.locator(".st-key-pl_save button").click()
    wait_for_app(page)
    expect(page.get_by_text("Saved the plan 'Workshop plan'")).to_be_visible(timeout=TIMEOUT)
    store = Store(app_server.db_url)
    try:
        saved = plans.latest_plan(store, "Workshop plan")
    finally:
        store.dispose()
    assert saved is not None
    plan, saved_start, _ = saved
    first = plan.phases[0].activities[0]
    assert (first.weeks, first.owner, first.status, saved_start) == (8, "Fay Chen", "in progress", start)
    # The page shows the saved version, its timeline as edited.
    expect(page.locator(".st-key-pl_source input")).to_have_value("Workshop plan · version 1 · saved by Fay Chen")
    expect(_figures(page)).to_contain_text("29 weeks")

    page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    still(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "plan-1280x720.png"))
    shot(page, "plan-full-1280x720")

    # The export: the page's headers, the edited activity, its dates.
    with page.expect_download() as download:
        page.locator(".st-key-pl_export_csv button").click()
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] in ("Phase,Activity,Owner,Status,Start,End,Weeks", "Phase;Activity;Owner;Status;Start;End;Weeks")
    sep = lines[0][5]
    end = start + timedelta(weeks=8)
    assert sep.join(["Opportunity assessment and program design", "Begin the market / customer knowledge base",
                     "Fay Chen", "in progress", start.isoformat(), end.isoformat(), "8"]) == lines[1]
    assert len(lines) == 16

    page.set_viewport_size({"width": 1920, "height": 1080})
    wait_for_app(page)
    page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    still(page)
    page.screenshot(path=str(ARTIFACTS / "plan-1920x1080.png"))
    shot(page, "plan-full-1920x1080")
