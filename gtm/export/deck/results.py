"""The "Results so far" slide: won value gained since the baseline import, over the imports' dates, against the
target's pace (a native line chart), with the headline figures and the largest gains beside it.

Every figure is gtm.services.results'; this module only places them. With nothing to compare yet (one import), the
slide says so in a sentence; the figures' sentences are in the speaker notes in full.
"""

from __future__ import annotations

from typing import Any

from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Pt

from gtm.domain.currency import symbol
from gtm.domain.fmt import money
from gtm.export.charts import TEXT
from gtm.export.deck.content import SLIDE_TITLES, DeckContent, day
from gtm.export.deck.layout import CAPTION, FONT, MARGIN, SLIDE_H, SLIDE_W, Para, Slide, inches, needed_height, rgb

GAINED, PACE = "#0072B2", "#D55E00"  # Okabe-Ito blue and vermilion, as on the Results page
CARD_FILL = "#F2F6FA"
CHART_W = 7.2
TOP = 1.45
BOTTOM = SLIDE_H - 0.4


def _chart(slide: Slide, content: DeckContent, height: float) -> None:
    res = content.results
    assert res is not None
    data = CategoryChartData()  # type: ignore[no-untyped-call]
    data.categories = [day(d) for d in res.dates]
    data.add_series("Won since the baseline", [float(v) for v in res.gained])  # type: ignore[no-untyped-call]
    if any(p is not None for p in res.pace):
        data.add_series("The target's pace", [None if p is None else float(p) for p in res.pace])  # type: ignore[no-untyped-call]
    frame = slide.slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, inches(MARGIN), inches(TOP), inches(CHART_W),
                                         inches(height), data)
    frame.name = "Results chart"
    chart = frame.chart
    chart.font.size, chart.font.name = Pt(12), FONT
    axis = chart.value_axis
    axis.minimum_scale = 0
    mark = symbol(content.currency).replace('"', "")
    axis.tick_labels.number_format = f'"{mark}"#,##0.0,,"M"'  # millions, in the reporting currency
    axis.tick_labels.number_format_is_linked = False
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(12)
    for series, colour, width in zip(chart.plots[0].series, (GAINED, PACE), (3.0, 2.0)):
        series.format.line.color.rgb = rgb(colour)
        series.format.line.width = Pt(width)
        series.smooth = False
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = rgb(colour)


def results_slide(prs: Any, content: DeckContent) -> None:
    """Won since the baseline against the target's pace, the headline figures and the largest gains."""
    res = content.results
    if res is None:
        return
    slide = Slide(prs, SLIDE_TITLES["results"], res.baseline)
    slide.notes += list(res.sentences)
    if not res.figures:  # nothing to compare yet: why, in a sentence
        slide.text(MARGIN, 1.6, SLIDE_W - 2 * MARGIN, 1.6, [Para(" ".join(res.sentences), 20)])
        slide.finish()
        return
    caption = "Won value gained since the baseline import at each import's export date, beside the target's pace."
    caption_h = needed_height([Para(caption, 11, colour=CAPTION)], CHART_W)
    _chart(slide, content, BOTTOM - TOP - caption_h - 0.05)
    slide.text(MARGIN, BOTTOM - caption_h, CHART_W, caption_h, [Para(caption, 11, colour=CAPTION)], name="Caption")
    x = MARGIN + CHART_W + 0.3
    w = SLIDE_W - MARGIN - x
    y = TOP
    for i, (figure, words) in enumerate(res.figures):
        paras = [Para(figure, 22, True, max_lines=1, min_size=16, align=PP_ALIGN.LEFT),
                 Para(words, 12, colour=TEXT, align=PP_ALIGN.LEFT)]
        h = min(1.0, needed_height(paras, w - 0.1) + 0.05)
        card = slide.shape(MSO_SHAPE.RECTANGLE, x, y, w, h, CARD_FILL, name=f"Figure {i + 1}")
        slide.fill(card.text_frame, paras, w, h)
        y += h + 0.1
    if res.top and y < BOTTOM - 0.6:
        lines = [Para("Largest gains", 12, True, CAPTION)] + [
            Para(f"{name}: {money(value, content.currency)}" + (" · cross-BU" if cross else ""), 12, max_lines=1)
            for name, value, cross in res.top]
        slide.text(x, y, w, BOTTOM - y, lines, name="Largest gains")
    slide.finish()
