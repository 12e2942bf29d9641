"""Chromium: layout facts of the matrix, measured on the page a person sees (issue 12 "Quality").

The Portfolio and Matrix pages at a projector's 1280x720 in presentation mode and at 1920x1080 in the normal view,
and the Portfolio page on a 390 px phone. Each page is loaded once per module and measured; the tests below assert
on those measurements:

- the matrix (the Plotly chart) lies inside the viewport, below the fixed header: at 1280x720 without scrolling;
- no two text boxes overlap: the chart's SVG texts (ticks, axis titles, legend, cell texts) and the visible text of
  the main area (headings, figures, metrics, slider labels and values, captions, alerts), 1 px tolerance;
  no metric's label or value is cut with an ellipsis;
- text reaches 4.5:1 (WCAG AA): page text against the colours painted behind it, chart text against the pixels of
  the screenshot behind it (a cell's own colour for cell texts);
- the three fits stay apart in greyscale, whatever the value that shades their cells (see MIN_LIGHTNESS_STEP).

Screenshots and the measured numbers (layout-<case>.png / .json) go to test-artifacts/.
"""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from conftest import ARTIFACTS, App, settle, shot, still, wait_for_app  # tests/browser/conftest.py (no package)
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, expect

TIMEOUT = 30_000
MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text (1.4.3); the cell amounts are 14 px, normal text
OVERLAP_TOLERANCE = 1.0  # px: sub-pixel rounding where two boxes touch is not an overlap
# Greyscale: every cell of one fit differs from every cell of another fit by at least 10 CIELAB L* units (L* is the
# lightness of the relative luminance Y = 0.2126 R + 0.7152 G + 0.0722 B on linearised sRGB, i.e. of the grey a
# greyscale print or a colour-blind eye is left with). 10 L* is one step of a ten-step grey scale (Munsell value
# steps are ~10 L* apart): two neighbouring swatches of such a scale are told apart at a glance, on paper and on a
# washed-out projector; less than that and the two blur. Cells are also shaded by value (lighter = less value), so
# comparing the strongest cell of each fit would say nothing about a faint realistic cell beside a strong
# insufficient one: the test compares every pair of cells across fits, i.e. the nearest ends of the fits'
# lightness ranges as drawn. It is the same bar tests/export/test_matrix_legibility.py sets on the design's ramps,
# here measured on the pixels the browser paints.
MIN_LIGHTNESS_STEP = 10.0
FIT_SYMBOLS = {"✓": "realistic", "▲": "overkill", "▼": "insufficient"}  # as charts.FIT_SYMBOLS draws them
REALISTIC_CELLS = 6 * 2  # data/matrix.json: every nature's band is two approaches wide
CELLS = 6 * 7

# case: (address, width, height, presentation mode, key of the chart's element)
CASES = {
    "portfolio-1280x720-present": ("/?workspace=demo&present=1", 1280, 720, True, "pf_matrix"),
    "portfolio-1920x1080": ("/?workspace=demo", 1920, 1080, False, "pf_matrix"),
    "matrix-1280x720-present": ("/matrix?workspace=demo&present=1", 1280, 720, True, "mx_chart"),
    "matrix-1920x1080": ("/matrix?workspace=demo", 1920, 1080, False, "mx_chart"),
}

# In the page: the chart's box, the header's bottom, every SVG text of the chart with its fill, every visible text
# block of the main area with its colour and the colour behind it, and any metric cut short.
MEASURE = """
(chartSelector) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const rgba = c => { const m = (c || '').match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, below) => [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3]));
  const box = r => ({x: r.left, y: r.top, w: r.width, h: r.height});
  const covers = (r, t) => r.left <= t.left + 1 && r.top <= t.top + 1 && r.right >= t.right - 1
    && r.bottom >= t.bottom - 1;
  const opacity = el => { let o = 1;
    for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity); return o; };
  // What is painted behind a text: the backgrounds of the ancestors whose box covers the text, over the white
  // page, in order (a slider's value floats above its thumb: the thumb's colour is not behind it).
  const behind = (el, t) => { const chain = []; for (let e = el; e; e = e.parentElement) chain.push(e);
    let bg = [255, 255, 255];
    for (const e of chain.reverse()) { const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0 && covers(e.getBoundingClientRect(), t)) bg = over(c, bg); }
    return bg; };
  const blockOf = n => { for (let e = n.parentElement; e && e !== main; e = e.parentElement) {
    const d = getComputedStyle(e).display;
    if (d === 'inline-block' || d === 'inline-flex' || !d.startsWith('inline')) return e; }
    return main; };
  const seen = {checkOpacity: true, checkVisibilityCSS: true, contentVisibilityAuto: true};

  // Page text, one box per text block (a heading, a paragraph, a label: the lines of one block may touch).
  const blocks = new Map();
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    if (!n.textContent.trim()) continue;
    const el = n.parentElement;
    // Inactive controls are exempt from WCAG 1.4.3, and the chart's SVG text is measured below.
    if (el.closest('.js-plotly-plot, svg, style, script, [disabled], [aria-disabled="true"]')) continue;
    if (!el.checkVisibility(seen)) continue;
    const range = document.createRange(); range.selectNodeContents(n);
    const rects = [...range.getClientRects()].filter(r => r.width > 1 && r.height > 1);
    if (!rects.length) continue;
    const block = blockOf(n);
    const entry = blocks.get(block) || {text: '', rects: [], el,
      icon: !!el.closest('[data-testid="stIconMaterial"], [data-testid="stAlertDynamicIcon"]')};
    entry.text += n.textContent; entry.rects.push(...rects); blocks.set(block, entry);
  }
  const html = [...blocks.values()].map(e => {
    const t = {left: Math.min(...e.rects.map(r => r.left)), top: Math.min(...e.rects.map(r => r.top)),
               right: Math.max(...e.rects.map(r => r.right)), bottom: Math.max(...e.rects.map(r => r.bottom))};
    const bg = behind(e.el, t); const fg = rgba(getComputedStyle(e.el).color); fg[3] *= opacity(e.el);
    return {text: e.text.trim().replace(/\\s+/g, ' ').slice(0, 80), icon: e.icon,
            box: {x: t.left, y: t.top, w: t.right - t.left, h: t.bottom - t.top}, colour: over(fg, bg),
            background: bg};
  });

  const holder = document.querySelector(chartSelector);
  const chart = holder && holder.querySelector('[data-testid="stPlotlyChart"]');
  const svg = chart ? [...chart.querySelectorAll('.js-plotly-plot svg text')]
    .filter(t => t.textContent.trim() && t.checkVisibility(seen))
    .map(t => ({text: t.textContent.trim(), box: box(t.getBoundingClientRect()), fill: rgba(getComputedStyle(t).fill),
                cell: !!t.closest('.textpoint')})) : [];

  const cut = [];
  for (const m of main.querySelectorAll('[data-testid="stMetricLabel"], [data-testid="stMetricValue"]'))
    for (const e of [m, ...m.querySelectorAll('*')])
      if (!(e instanceof SVGElement) && e.scrollWidth > e.clientWidth)
        cut.push({text: m.textContent.trim(), scrollWidth: e.scrollWidth, clientWidth: e.clientWidth});
  const header = document.querySelector('[data-testid="stHeader"]');
  return {chart: chart ? box(chart.getBoundingClientRect()) : null, viewport: {w: innerWidth, h: innerHeight},
          top: header ? Math.max(0, header.getBoundingClientRect().bottom) : 0, scrollTop: main.scrollTop,
          metrics: main.querySelectorAll('[data-testid="stMetric"]').length, html, svg, cut};
}
"""


# ---------------------------------------------------------------- colour


def luminance(rgb: tuple[float, ...] | list[float]) -> float:
    """WCAG relative luminance of an sRGB colour (0..255 channels): 0 black, 1 white."""
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb[:3]]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: tuple[float, ...] | list[float], b: tuple[float, ...] | list[float]) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def lightness(rgb: tuple[float, ...] | list[float]) -> float:
    """CIELAB L* of a colour (0 black, 100 white): the grey it turns into, on a scale the eye sees as even."""
    y = luminance(rgb)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else 24389 / 27 * y


def behind(image: Image.Image, box: dict[str, float]) -> tuple[int, int, int]:
    """The colour most pixels inside a text's box (CSS pixels of a screenshot taken at scale 1) have: what the text
    is drawn on, as glyph strokes cover a minority of their box."""
    left, top = int(box["x"]) + 1, int(box["y"]) + 1
    right, bottom = int(box["x"] + box["w"]) - 1, int(box["y"] + box["h"]) - 1
    colours = image.crop((left, top, right, bottom)).getcolors(maxcolors=1 << 20)
    assert colours, box
    return max(colours)[1][:3]


# ---------------------------------------------------------------- boxes


def overlap(a: dict[str, float], b: dict[str, float]) -> tuple[float, float]:
    """How far two boxes overlap, across and down (either <= 0: apart)."""
    return (min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]),
            min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]))


def overlapping(texts: list[dict[str, Any]]) -> list[str]:
    """Every pair of text boxes that overlap by more than the tolerance both ways, in words."""
    found = []
    for a, b in itertools.combinations(texts, 2):
        across, down = overlap(a["box"], b["box"])
        if across > OVERLAP_TOLERANCE and down > OVERLAP_TOLERANCE:
            found.append(f"{a['text'][:40]!r} {_rounded(a['box'])} and {b['text'][:40]!r} {_rounded(b['box'])}: "
                         f"{across:.0f} x {down:.0f} px")
    return found


def _rounded(box: dict[str, float]) -> list[int]:
    return [round(box[k]) for k in ("x", "y", "w", "h")]


# ---------------------------------------------------------------- measuring


@dataclass
class Layout:
    """One page at one size, measured once: what the tests below assert on."""

    case: str
    presenting: bool
    screenshot: str
    image: Image.Image = field(repr=False)
    facts: dict[str, Any] = field(repr=False)


def _context(browser: Browser, context_args: dict, width: int, height: int, **device: Any) -> Any:
    return browser.new_context(**{**context_args, "viewport": {"width": width, "height": height}, **device})


def _open(page: Page, url: str, key: str) -> None:
    page.goto(url)
    wait_for_app(page)
    expect(page.locator(f'.st-key-{key} [data-testid="stPlotlyChart"]')).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(f".st-key-{key} .js-plotly-plot svg text").first).to_be_attached(timeout=TIMEOUT)
    settle(page, quiet=150)  # the chart lays out to its column's width


@pytest.fixture(scope="module", params=list(CASES))
def layout(request: pytest.FixtureRequest, browser: Browser, browser_context_args: dict,
           app_server: App) -> Iterator[Layout]:
    """Load the case's page once, bring the matrix into view (at 1280x720 it must be there without scrolling),
    screenshot the viewport and measure."""
    case = request.param
    address, width, height, presenting, key = CASES[case]
    context = _context(browser, browser_context_args, width, height)
    try:
        page = context.new_page()
        _open(page, app_server.url + address, key)
        if not presenting:  # the normal view has filters and figures above it: scroll the whole matrix into view
            page.locator(f'.st-key-{key} [data-testid="stPlotlyChart"]').evaluate(
                "e => e.scrollIntoView({block: 'center'})")
            still(page)
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"layout-{case}.png"
        png = page.screenshot(path=str(path))
        facts = page.evaluate(MEASURE, f".st-key-{key}")
        image = Image.open(io.BytesIO(png)).convert("RGB")
        assert image.width == width, image.size  # device scale 1: a CSS pixel is a pixel
        (ARTIFACTS / f"layout-{case}.json").write_text(json.dumps(facts, indent=1, ensure_ascii=False))
        if not presenting:
            shot(page, f"layout-{case}-full")  # the whole page, for a person to look at
        yield Layout(case, presenting, str(path), image, facts)
    finally:
        context.close()


# ---------------------------------------------------------------- facts


def test_the_matrix_lies_inside_the_viewport(layout: Layout) -> None:
    f = layout.facts
    chart, width, height = f["chart"], f["viewport"]["w"], f["viewport"]["h"]
    assert chart is not None, layout.case
    if layout.presenting:
        assert f["scrollTop"] == 0  # above the fold, as the room sees it on arrival
    assert chart["x"] >= 0 and chart["x"] + chart["w"] <= width, (layout.case, chart, layout.screenshot)
    assert chart["y"] >= f["top"] and chart["y"] + chart["h"] <= height, (layout.case, chart, f["top"],
                                                                          layout.screenshot)


def test_no_two_text_boxes_overlap(layout: Layout) -> None:
    texts = layout.facts["svg"] + layout.facts["html"]
    assert len(layout.facts["svg"]) >= CELLS + 7 + 6, layout.case  # cells, approach and nature ticks at least
    found = overlapping(texts)
    assert not found, f"{layout.case} ({layout.screenshot}):\n" + "\n".join(found)


def test_no_metric_is_cut_short(layout: Layout) -> None:
    # The normal view shows its figures as metrics; presentation mode as one line of text (checked for overlaps).
    assert layout.facts["metrics"] >= 3 or layout.presenting, layout.case
    assert not layout.facts["cut"], (layout.case, layout.facts["cut"], layout.screenshot)


def test_text_reaches_4_5_to_1(layout: Layout) -> None:
    low = []
    for t in layout.facts["html"]:
        if t["icon"]:  # a Material icon's ligature name is a glyph beside its words, not text to read
            continue
        ratio = contrast(t["colour"], t["background"])
        if ratio < MIN_CONTRAST:
            low.append(f"page {t['text'][:50]!r}: {ratio:.2f} ({_hex(t['colour'])} on {_hex(t['background'])})")
    for t in layout.facts["svg"]:
        ground = behind(layout.image, t["box"])
        ratio = contrast(t["fill"], ground)
        if ratio < MIN_CONTRAST:
            low.append(f"chart {t['text'][:50]!r}: {ratio:.2f} ({_hex(t['fill'])} on {_hex(ground)})")
    assert not low, f"{layout.case} ({layout.screenshot}):\n" + "\n".join(low)


def test_the_fits_stay_apart_in_greyscale(layout: Layout) -> None:
    cells: dict[str, list[float]] = {fit: [] for fit in FIT_SYMBOLS.values()}
    for t in layout.facts["svg"]:
        if t["cell"] and t["text"][:1] in FIT_SYMBOLS:
            cells[FIT_SYMBOLS[t["text"][:1]]].append(lightness(behind(layout.image, t["box"])))
    assert sum(map(len, cells.values())) == CELLS and len(cells["realistic"]) == REALISTIC_CELLS, \
        {fit: len(v) for fit, v in cells.items()}
    ranges = {fit: (min(v), max(v)) for fit, v in cells.items()}
    for a, b in itertools.combinations(cells, 2):
        nearest = min(abs(x - y) for x in cells[a] for y in cells[b])
        assert nearest >= MIN_LIGHTNESS_STEP, (layout.case, a, b, round(nearest, 1), ranges, layout.screenshot)


def _hex(rgb: list[float] | tuple[float, ...]) -> str:
    return "#" + "".join(f"{round(c):02X}" for c in rgb[:3])


# ---------------------------------------------------------------- phone


PHONE = 390


def _to_top(locator: Locator) -> None:
    """Scroll the main area so the element stands at the top of the screen, just under the header."""
    locator.evaluate("e => { e.scrollIntoView({block: 'start'}); "
                     "document.querySelector('[data-testid=stMain]').scrollBy(0, -72); }")
    still(locator.page)


def test_on_a_390px_phone_the_figures_fit_and_the_matrix_scrolls_sideways(
        browser: Browser, browser_context_args: dict, app_server: App) -> None:
    context = _context(browser, browser_context_args, PHONE, 844, is_mobile=True, has_touch=True,
                       device_scale_factor=2)
    try:
        page = context.new_page()
        _open(page, f"{app_server.url}/?workspace=demo", "pf_matrix")
        ARTIFACTS.mkdir(exist_ok=True)
        metrics = page.locator('[data-testid="stMain"] [data-testid="stMetric"]')
        expect(metrics).to_have_count(6)
        _to_top(metrics.first)
        page.screenshot(path=str(ARTIFACTS / "layout-portfolio-390x844-figures.png"))
        for i in range(6):  # every figure whole on the screen's width, its label and value not cut
            box = metrics.nth(i).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE, (i, box)
        cut = page.evaluate(MEASURE, ".st-key-pf_matrix")["cut"]
        assert not cut, cut

        matrix = page.locator(".st-key-pf_matrix")
        _to_top(matrix)
        page.screenshot(path=str(ARTIFACTS / "layout-portfolio-390x844-matrix.png"))
        sideways = matrix.evaluate(
            "e => ({scroll: e.scrollWidth, client: e.clientWidth, box: e.getBoundingClientRect().width})")
        assert sideways["scroll"] > sideways["client"], sideways  # the matrix keeps its width and scrolls
        assert sideways["box"] <= PHONE, sideways  # inside its own box, as wide as the screen at most
        texts = page.evaluate(MEASURE, ".st-key-pf_matrix")["svg"]
        cells = [t for t in texts if t["cell"]]
        assert len(cells) >= CELLS, len(cells)
        found = overlapping(cells)  # squeezed to the screen, the cells' counts and amounts ran into each other
        assert not found, "\n".join(found)
        assert matrix.evaluate("e => { e.scrollLeft = e.scrollWidth; return e.scrollLeft; }") > 0  # it really moves
        still(page)
        page.screenshot(path=str(ARTIFACTS / "layout-portfolio-390x844-matrix-right.png"))

        # The page itself never scrolls sideways: not the document, nor Streamlit's scrolling main area.
        widths = page.evaluate("() => [document.documentElement.scrollWidth, "
                               "document.querySelector('[data-testid=stMain]').scrollWidth]")
        assert max(widths) <= PHONE + 1, widths
        for table in page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').all():
            box = table.bounding_box()  # a wide table scrolls inside its own frame
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE + 1, box
        _to_top(page.get_by_role("heading", name="Biggest misfits"))
        page.screenshot(path=str(ARTIFACTS / "layout-portfolio-390x844-misfits.png"))
    finally:
        context.close()
