"""Chromium: every chart legible from the back of the room (issue 23 "In front of the room", part 2, item 4).

Every page of the app at a projector's 1280x720, in presentation mode (``?present=1``) and in the normal view, on the
demo with its workshop (lists, maturity assessments, the plan, a saved scenario). For every Plotly chart on a page,
each SVG text (ticks, axis titles, legend, annotations, the matrix's cell texts, bar and funnel texts) is read as
Chromium draws it:

- its size: the computed font size of each run of text (a ``tspan`` may set its own) times the scale of its
  transforms, since Plotly shrinks a bar's text to fit by scaling it; at least 14 CSS px in presentation mode and
  12 px in the normal view;
- its contrast: the fill (with its opacity) against the colour most pixels in its box have on a screenshot (the
  plot's background, a cell, a bar, the page), at least 4.5:1 (WCAG AA);
- no two text boxes overlap, within a chart or with the page's own text around it (1 px tolerance);
- no text is cut: each lies inside its chart's box and inside the region Plotly clips it to, and none ends in an
  ellipsis.

The matrix is a Plotly chart on every page: its cells are SVG texts, read as the rest. On the Matrix page in
presentation mode it stands beside the band sliders; its texts are at least as large as the Portfolio page's and
the natures' names take three lines at most.

Screenshots (legible-<mode>-<page>.png, the whole page) and the measured numbers (.json) go to test-artifacts/.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import pytest
from conftest import ARTIFACTS, App, settle, shot, still, wait_for_app  # tests/browser/conftest.py (no package)
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from test_layout_facts import MEASURE as MEASURE_PAGE  # the page's own text blocks, with the same helpers
from test_layout_facts import OVERLAP_TOLERANCE, behind, contrast, overlap

DEMO_WORKSHOP = True  # the demo's lists, maturity assessments, plan and scenario: every chart has something to draw

TIMEOUT = 30_000
WIDTH, HEIGHT = 1280, 720
MIN_CONTRAST = 4.5
MIN_SIZE = {"present": 14.0, "normal": 12.0}  # CSS px: a projector read from the back; a laptop at arm's length
CUT_TOLERANCE = 1.0  # px


@dataclass(frozen=True)
class Visit:
    """A page as a facilitator opens it: its address, the tab or toggle that shows a chart, the charts it must
    show (keys of their elements)."""

    name: str
    address: str
    charts: tuple[str, ...] = ()
    tab: str | None = None
    toggle: str | None = None
    nudge: str | None = None  # a nature whose band's lower end moves one approach lighter: a draft, outlined


VISITS = [
    Visit("start", "/start"),
    Visit("portfolio", "/", ("pf_matrix",)),
    Visit("account", "/account", ("acc_matrix",)),  # the largest account opens
    Visit("diagnose", "/diagnose"),
    Visit("review", "/review"),
    Visit("matrix", "/matrix", ("mx_chart",)),
    Visit("matrix-with-a-draft", "/matrix", ("mx_chart",), nudge="qualification"),
    Visit("key-accounts-long-list", "/key_accounts", ("ka_scatter",), tab="1 · Long list → shortlist"),
    Visit("key-accounts-funnel", "/key_accounts", ("ka_funnel",), tab="The funnel and saved lists"),
    Visit("maturity", "/maturity", ("mt_radar",)),
    Visit("maturity-two-dates", "/maturity", ("mt_radar",), toggle="mt_compare"),
    Visit("plan", "/plan", ("pl_timeline",)),
    Visit("whitespace", "/whitespace", ("ws_heatmap",)),
    Visit("results", "/results", ("rs_chart",)),
    Visit("structures", "/structures"),
    Visit("design", "/design", ("dz_roles_chart", "dz_money_chart")),
    Visit("scenarios", "/scenarios", ("sc_roles_chart",)),
    Visit("import", "/data"),
    Visit("exports", "/exports"),
    Visit("admin", "/admin"),
]
MODES = ("present", "normal")

# In the page, the index-th visible Plotly chart of the main area: its box and key, and every visible SVG text in it
# with its box, the box Plotly clips it to (if any), where it stands (cell, tick, title, legend, annotation) and
# each run of text with its drawn size and fill.
MEASURE_CHART = """
(index) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const seen = {checkOpacity: true, checkVisibilityCSS: true};
  const rgba = c => { const m = (c || '').match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const box = r => ({x: r.left, y: r.top, w: r.width, h: r.height});
  const opacity = el => { let o = 1;
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o; };
  const scale = el => { const m = el.getScreenCTM(); return m ? Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)) : 1; };
  const clipOf = el => {  // the first clip-path up the tree: its rectangle, in the page's pixels
    for (let e = el; e && e.tagName !== 'svg'; e = e.parentElement) {
      const ref = e.getAttribute('clip-path'); if (!ref) continue;
      const id = (ref.match(/#([^"')]+)/) || [])[1];
      const rect = id && document.getElementById(id)?.querySelector('rect'); if (!rect) continue;
      const b = rect.getBBox(), m = e.getScreenCTM();
      const a = new DOMPoint(b.x, b.y).matrixTransform(m), z = new DOMPoint(b.x + b.width, b.y + b.height).matrixTransform(m);
      return {x: Math.min(a.x, z.x), y: Math.min(a.y, z.y), w: Math.abs(z.x - a.x), h: Math.abs(z.y - a.y)};
    }
    return null; };
  const role = t => t.closest('.textpoint') ? 'cell' : t.closest('.xtick') ? 'xtick' : t.closest('.ytick') ? 'ytick'
    : t.closest('.g-xtitle') ? 'xtitle' : t.closest('.g-ytitle') ? 'ytitle' : t.closest('.legend') ? 'legend'
    : t.closest('.annotation') ? 'annotation' : 'other';
  const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(c => c.checkVisibility(seen));
  const chart = charts[index];
  const holder = chart.closest('[class*="st-key-"]');
  const texts = [...chart.querySelectorAll('svg.main-svg text')]
    .filter(t => t.textContent.trim() && t.checkVisibility(seen))
    .map(t => {
      const runs = [];
      const walker = document.createTreeWalker(t, NodeFilter.SHOW_TEXT);
      for (let n; (n = walker.nextNode());) {
        if (!n.textContent.trim()) continue;
        const el = n.parentElement, style = getComputedStyle(el), fill = rgba(style.fill) || [0, 0, 0, 1];
        fill[3] *= Number(style.fillOpacity) * opacity(el);
        runs.push({text: n.textContent.trim(), size: parseFloat(style.fontSize) * scale(el), fill});
      }
      return {text: runs.map(r => r.text).join(' '), box: box(t.getBoundingClientRect()), clip: clipOf(t), role: role(t),
              lines: Math.max(1, t.querySelectorAll('tspan.line').length), runs};
    });
  const header = document.querySelector('[data-testid="stHeader"]');
  return {count: charts.length, key: holder ? [...holder.classList].find(c => c.startsWith('st-key-')).slice(7) : null,
          box: box(chart.getBoundingClientRect()), texts, scrollTop: main.scrollTop,
          top: header ? Math.max(0, header.getBoundingClientRect().bottom) : 0, height: innerHeight};
}
"""
CHART_COUNT = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]')]
  .filter(c => c.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})).length"""
SCROLL_TO_CHART = """
([index, top]) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(c => c.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}));
  main.scrollTop += charts[index].getBoundingClientRect().top - top - 8;
}
"""
SCROLL_BY = "(dy) => { document.querySelector('[data-testid=\"stMain\"]').scrollTop += dy; }"


# ---------------------------------------------------------------- measuring


@dataclass
class Chart:
    """One chart as drawn: its key, its box and its texts, boxes in page coordinates (the main area's scroll
    added), each text with the colour behind it on the screenshot where it was whole on screen."""

    key: str | None
    box: dict[str, float]
    texts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Screen:
    """One page in one mode, measured once: what the tests below assert on."""

    mode: str
    visit: Visit
    charts: list[Chart]
    page_texts: list[dict[str, Any]]
    screenshot: str


def _in_page(box: dict[str, float] | None, scroll: float) -> dict[str, float] | None:
    return None if box is None else {**box, "y": box["y"] + scroll}


def _measure_chart(page: Page, index: int) -> Chart:
    """Bring the chart under the header, screenshot, read the colour behind each text wholly on screen, and scroll
    on while some of the chart is still below the screen."""
    top = page.evaluate(MEASURE_CHART, index)["top"]
    page.evaluate(SCROLL_TO_CHART, [index, top])
    still(page)
    grounds: dict[int, tuple[int, int, int]] = {}
    for _ in range(12):
        facts = page.evaluate(MEASURE_CHART, index)
        image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
        assert image.width == WIDTH, image.size  # device scale 1: a CSS pixel is a pixel
        for i, t in enumerate(facts["texts"]):
            b = t["box"]
            if i not in grounds and b["y"] >= facts["top"] and b["y"] + b["h"] <= facts["height"] \
                    and b["x"] >= 0 and b["x"] + b["w"] <= WIDTH and b["w"] > 2 and b["h"] > 2:
                grounds[i] = behind(image, b)
        chart_bottom = facts["box"]["y"] + facts["box"]["h"]
        if len(grounds) == len(facts["texts"]) or chart_bottom <= facts["height"]:
            break
        page.evaluate(SCROLL_BY, facts["height"] - facts["top"] - 48)
        still(page)
    scroll = facts["scrollTop"]
    texts = [{**t, "box": _in_page(t["box"], scroll), "clip": _in_page(t["clip"], scroll), "ground": grounds.get(i)}
             for i, t in enumerate(facts["texts"])]
    return Chart(facts["key"], _in_page(facts["box"], scroll), texts)  # type: ignore[arg-type]


# In-app navigation to an address, as the browser's back and forward buttons make it: the app runs the page in the
# same session, without loading the app again (a fresh load costs Chromium about a second of CPU, most of a visit).
GO = "(url) => { history.pushState({}, '', url); dispatchEvent(new PopStateEvent('popstate')); }"
# The sizes of the main area's charts: the layout is settled when two readings in a row agree.
CHART_SIZES = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"] svg.main-svg')]
  .map(s => { const r = s.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)].join('x'); }).join(' ')"""


def _open(page: Page, url: str, visit: Visit, fresh: bool) -> None:
    """Open ``url``: loaded afresh (a new session) when ``fresh``, else by in-app navigation from the page shown."""
    heading = page.locator('[data-testid="stMain"] h1').first
    if fresh:
        page.goto(url)
        wait_for_app(page)
    else:
        before, other_page = heading.text_content(), urlparse(page.url).path != urlparse(url).path
        page.evaluate(GO, url)
        wait_for_app(page)
        if other_page and before:
            expect(heading).not_to_have_text(before, timeout=TIMEOUT)  # the new page's run, not the last one's
    expect(heading).to_be_visible(timeout=TIMEOUT)
    if visit.tab:
        page.get_by_role("tab", name=visit.tab).click()
        wait_for_app(page)
    if visit.toggle:
        page.locator(f".st-key-{visit.toggle} label").click()
        wait_for_app(page)
    if visit.nudge:
        thumb = page.locator(f".st-key-mx_band_{visit.nudge}").get_by_role("slider").first
        thumb.focus()
        thumb.press("ArrowLeft")
        wait_for_app(page)
        expect(page.get_by_text("Unsaved draft")).to_be_visible(timeout=TIMEOUT)
    for key in visit.charts:
        expect(page.locator(f".st-key-{key} .js-plotly-plot svg text").first).to_be_visible(timeout=TIMEOUT)
    page.mouse.move(1, 1)  # no hover label over a chart
    _settled(page)


def _settled(page: Page) -> None:
    """Wait until the charts have laid out to their columns' widths: the same sizes after the page has been still
    for 150 ms (at most 15 times)."""
    last = page.evaluate(CHART_SIZES)
    for _ in range(15):
        settle(page, quiet=150)
        now = page.evaluate(CHART_SIZES)
        if now == last:
            return
        last = now


@pytest.fixture(scope="module")
def screens(browser: Browser, browser_context_args: dict) -> Iterator[dict[str, Page]]:
    """One browser tab per mode, kept for the module: the app's session keeps the mode from page to page."""
    _MEASURED.clear()
    _SHOWN.clear()
    contexts = {mode: browser.new_context(**{**browser_context_args, "viewport": {"width": WIDTH, "height": HEIGHT}})
                for mode in MODES}
    try:
        yield {mode: context.new_page() for mode, context in contexts.items()}
    finally:
        for context in contexts.values():
            context.close()


_MEASURED: dict[tuple[str, str], Screen] = {}  # (mode, visit): each screen measured once, for every test
_SHOWN: dict[str, Visit] = {}  # mode: the visit its tab shows now


def _screen(page: Page, app: App, mode: str, visit: Visit) -> Screen:
    """The screen of ``visit`` in ``mode``, measured on first use. The first visit of a tab loads the app; the
    others navigate within it, unless the last one left a draft in the session (a fresh load discards it)."""
    if (mode, visit.name) in _MEASURED:
        return _MEASURED[mode, visit.name]
    last = _SHOWN.get(mode)
    joiner = "&" if "?" in visit.address else "?"
    url = f"{app.url}{visit.address}{joiner}workspace=demo&present={1 if mode == 'present' else 0}"
    _open(page, url, visit, fresh=last is None or last.nudge is not None)
    _SHOWN[mode] = visit
    name = f"legible-{mode}-{visit.name}"
    page_facts = page.evaluate(MEASURE_PAGE, ".no-chart-here")
    page_texts = [{**t, "box": _in_page(t["box"], page_facts["scrollTop"])} for t in page_facts["html"]]
    charts = [_measure_chart(page, i) for i in range(page.evaluate(CHART_COUNT))]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(
        {"charts": [c.__dict__ for c in charts], "page": page_texts}, indent=1, ensure_ascii=False, default=str))
    page.evaluate("() => { document.querySelector('[data-testid=\"stMain\"]').scrollTop = 0; }")
    path = shot(page, name)
    _MEASURED[mode, visit.name] = Screen(mode, visit, charts, page_texts, str(path))
    return _MEASURED[mode, visit.name]


@pytest.fixture(scope="module", params=[(m, v) for m in MODES for v in VISITS], ids=lambda p: f"{p[0]}-{p[1].name}")
def screen(request: pytest.FixtureRequest, screens: dict[str, Page], app_server: App) -> Screen:
    mode, visit = request.param
    return _screen(screens[mode], app_server, mode, visit)


# ---------------------------------------------------------------- facts


def test_every_chart_the_page_shows_is_drawn(screen: Screen) -> None:
    keys = [c.key for c in screen.charts]
    assert set(screen.visit.charts) <= set(keys), (screen.mode, screen.visit.name, keys)
    for chart in screen.charts:
        assert chart.texts, (screen.mode, screen.visit.name, chart.key)  # a chart without a word is not read


def test_every_chart_text_is_large_enough(screen: Screen) -> None:
    least = MIN_SIZE[screen.mode]
    small = [f"{c.key} {r['text'][:40]!r} ({t['role']}): {r['size']:.2f} px"
             for c in screen.charts for t in c.texts for r in t["runs"] if r["size"] < least - 0.01]
    assert not small, f"{screen.mode} {screen.visit.name} ({screen.screenshot}), under {least:g} px:\n" + "\n".join(small)


def _over(fill: list[float], ground: tuple[int, int, int]) -> list[float]:
    return [fill[i] * fill[3] + ground[i] * (1 - fill[3]) for i in range(3)]


def test_every_chart_text_reaches_4_5_to_1(screen: Screen) -> None:
    low, unseen = [], []
    for c in screen.charts:
        for t in c.texts:
            if t["ground"] is None:
                unseen.append(f"{c.key} {t['text'][:40]!r}")
                continue
            for r in t["runs"]:
                ratio = contrast(_over(r["fill"], t["ground"]), t["ground"])
                if ratio < MIN_CONTRAST:
                    low.append(f"{c.key} {r['text'][:40]!r} ({t['role']}): {ratio:.2f} "
                               f"({_hex(r['fill'])} on {_hex(t['ground'])})")
    assert not unseen, f"{screen.mode} {screen.visit.name}: never whole on screen: {unseen}"
    assert not low, f"{screen.mode} {screen.visit.name} ({screen.screenshot}):\n" + "\n".join(low)


def test_no_chart_text_overlaps_another_or_the_page(screen: Screen) -> None:
    found = []
    for c in screen.charts:
        for i, a in enumerate(c.texts):
            for b in c.texts[i + 1:]:
                found += _overlapping(c.key, a, b)
            for b in screen.page_texts:
                found += _overlapping(c.key, a, b)
        for other in screen.charts:
            if other is not c and overlap(c.box, other.box)[0] > 0 and overlap(c.box, other.box)[1] > 0:
                found.append(f"charts {c.key} and {other.key} overlap")
    assert not found, f"{screen.mode} {screen.visit.name} ({screen.screenshot}):\n" + "\n".join(sorted(set(found)))


def _overlapping(key: str | None, a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    across, down = overlap(a["box"], b["box"])
    if across > OVERLAP_TOLERANCE and down > OVERLAP_TOLERANCE:
        return [f"{key}: {a['text'][:40]!r} {_rounded(a['box'])} and {b['text'][:40]!r} {_rounded(b['box'])}: "
                f"{across:.0f} x {down:.0f} px"]
    return []


def test_no_chart_text_is_cut(screen: Screen) -> None:
    cut = []
    for c in screen.charts:
        for t in c.texts:
            for name, frame in (("its chart", c.box), ("its clip", t["clip"])):
                if frame is not None and not _inside(t["box"], frame):
                    cut.append(f"{c.key} {t['text'][:40]!r} {_rounded(t['box'])} past {name} {_rounded(frame)}")
            if "…" in t["text"] or t["text"].endswith("..."):
                cut.append(f"{c.key} {t['text'][:60]!r} shortened")
    assert not cut, f"{screen.mode} {screen.visit.name} ({screen.screenshot}):\n" + "\n".join(cut)


def _inside(b: dict[str, float], frame: dict[str, float]) -> bool:
    return b["x"] >= frame["x"] - CUT_TOLERANCE and b["y"] >= frame["y"] - CUT_TOLERANCE \
        and b["x"] + b["w"] <= frame["x"] + frame["w"] + CUT_TOLERANCE \
        and b["y"] + b["h"] <= frame["y"] + frame["h"] + CUT_TOLERANCE


# ---------------------------------------------------------------- the Matrix page's matrix


@pytest.fixture(scope="module")
def both_matrices(screens: dict[str, Page], app_server: App) -> dict[str, Chart]:
    """The Portfolio page's and the Matrix page's matrix in presentation mode at 1280x720."""
    found = {}
    for visit, key in ((_visit("portfolio"), "pf_matrix"), (_visit("matrix"), "mx_chart")):
        charts = _screen(screens["present"], app_server, "present", visit).charts
        found[key] = next(c for c in charts if c.key == key)
    return found


def _visit(name: str) -> Visit:
    return next(v for v in VISITS if v.name == name)


def test_the_matrix_page_keeps_the_portfolio_matrix_sizes(both_matrices: dict[str, Chart]) -> None:
    def smallest(chart: Chart) -> dict[str, float]:
        sizes: dict[str, float] = {}
        for t in chart.texts:
            for r in t["runs"]:
                sizes[t["role"]] = min(sizes.get(t["role"], 99.0), r["size"])
        return sizes

    portfolio, matrix = smallest(both_matrices["pf_matrix"]), smallest(both_matrices["mx_chart"])
    assert {"cell", "xtick", "ytick"} <= set(portfolio), portfolio
    smaller = {role: (matrix.get(role), size) for role, size in portfolio.items() if matrix.get(role, 0) < size - 0.01}
    assert not smaller, f"role: (Matrix page, Portfolio page) px: {smaller}"
    natures = [t for t in both_matrices["mx_chart"].texts if t["role"] == "xtick"]
    assert len(natures) >= 6 and max(t["lines"] for t in natures) <= 3, [(t["text"], t["lines"]) for t in natures]


def _rounded(box: dict[str, float]) -> list[int]:
    return [round(box[k]) for k in ("x", "y", "w", "h")]


def _hex(rgb: list[float] | tuple[float, ...]) -> str:
    return "#" + "".join(f"{round(c):02X}" for c in rgb[:3])
