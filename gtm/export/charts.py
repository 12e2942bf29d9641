"""Plotly figures drawn the way the deck draws the matrix, and every chart's text legible from the back of a room
(legible()). Pure: frames in, figures out (no streamlit)."""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from gtm import display
from gtm.domain import vocabulary as vocab
from gtm.domain.currency import DEFAULT_REPORTING
from gtm.domain.fmt import money
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.outcomes import in_play
from gtm.domain.vocabulary import Fit

# Okabe-Ito colours: distinguishable with every common colour-vision deficiency. A symbol always
# goes with the colour, so the colour never carries the meaning alone.
FIT_COLOURS = {Fit.REALISTIC: "#009E73", Fit.OVERKILL: "#0072B2", Fit.INSUFFICIENT: "#D55E00"}
FIT_TINTS = {Fit.REALISTIC: "#CDEBE1", Fit.OVERKILL: "#D6E6F3", Fit.INSUFFICIENT: "#F7DDCC"}
# The portfolio matrix shades each cell by its fit and its value. Every fit has its own band of lightness, so the
# three stay apart in greyscale and on a washed-out projector: overkill light, insufficient medium, realistic dark
# (CIELAB L* 97-87, 75-61 and 46-22; the nearest ends of two fits are more than 10 L* apart, a step anyone sees).
# Within its band a cell is darker the more value it holds. Text is near-black on the first two and white on the
# third: every pair reaches 4.5:1. tests/export/test_matrix_legibility.py checks these numbers.
FIT_RAMPS = {Fit.OVERKILL: ("#EEF5FB", "#C4DCF1"), Fit.INSUFFICIENT: ("#F4A877", "#E0782F"),
             Fit.REALISTIC: ("#2B7A5E", "#0B3D2E")}
FIT_TEXT = {Fit.OVERKILL: "#1B1F24", Fit.INSUFFICIENT: "#1B1F24", Fit.REALISTIC: "#FFFFFF"}
TEXT = "#1B1F24"  # the theme's text colour: axis labels and notes (16:1 on white)
FIT_SYMBOLS = display.FIT_SYMBOLS
FIT_MARKERS = {Fit.REALISTIC: "circle", Fit.OVERKILL: "triangle-up", Fit.INSUFFICIENT: "triangle-down"}
WHITE = "#FFFFFF"

# The smallest text a chart draws, in CSS px: on a projector at 1280x720 read from the back of the room (presentation
# mode), and on a screen at arm's length. Streamlit's chart theme would draw ticks and legends at 0.75 rem in a grey
# of 3.7:1 on white; legible() sets them here, in TEXT. tests/browser/test_chart_legibility.py measures the result.
PRESENT_TEXT_PX = 14
SCREEN_TEXT_PX = 12
LINE_HEIGHT = 1.3  # Plotly's lines of text, in ems


def _luminance(colour: str) -> float:
    channels = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return float(linear @ [0.2126, 0.7152, 0.0722])


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two '#RRGGBB' colours: 1 (the same) to 21 (black on white)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(fill: str) -> str:
    """The text colour that reads on ``fill`` ('#RRGGBB'): the theme's near-black, or white where it contrasts more."""
    return TEXT if contrast(TEXT, fill) >= contrast(WHITE, fill) else WHITE


def _is_hex(colour: object) -> bool:
    return isinstance(colour, str) and len(colour) == 7 and colour.startswith("#")


def text_layout(least: float = SCREEN_TEXT_PX, size: float = 13) -> dict[str, Any]:
    """The fonts a chart's one layout sets for everything it does not size itself (its own font, legend, hover
    labels, and the floor Plotly may not shrink a bar's text below): ``size`` px, ``least`` at the smallest, in TEXT.
    A chart built with them passes legible() untouched."""
    font = {"size": max(size, least), "color": TEXT}
    return {"font": font, "legend": {"font": font, "title": {"font": font}}, "hoverlabel": {"font": {"size": font["size"]}},
            "uniformtext": {"minsize": least, "mode": "show"}}


def grouped_bars_px(rows: int, size: float, per_row: int = 2) -> int:
    """How tall the plot of grouped horizontal bars must be for the numbers beside them not to touch: ``per_row``
    lines of ``size`` px text for each of ``rows``, with Plotly's gap between groups (a fifth of each)."""
    return math.ceil(rows * per_row * (LINE_HEIGHT * size + 2) / 0.8)


def _font_fix(font: dict[str, Any] | None, least: float, colour: Any = TEXT) -> dict[str, Any]:
    """What ``font`` (a Plotly font as JSON) lacks: a size of ``least`` px where it has a smaller one or none, and
    ``colour`` where it has none. Empty when it lacks nothing."""
    font = font or {}
    size = font.get("size")
    fix: dict[str, Any] = {}
    if size is None:
        fix["size"] = least
    elif isinstance(size, (int, float)):
        if size < least:
            fix["size"] = least
    elif min(size) < least:  # one size per point
        fix["size"] = [max(float(s), least) for s in size]
    if colour is not None and font.get("color") is None:
        fix["color"] = colour
    return fix


def _inside_colours(fill: Any) -> Any:
    """The text colour that reads on each bar of a bar or funnel trace of colour ``fill`` (None where a colour is
    not '#RRGGBB')."""
    if _is_hex(fill):
        return text_on(fill)
    if isinstance(fill, (list, tuple)) and fill and all(_is_hex(c) for c in fill):
        return [text_on(c) for c in fill]
    return None


def legible(fig: go.Figure, least: float = PRESENT_TEXT_PX) -> go.Figure:
    """``fig`` with every text it draws at ``least`` CSS px or more and, where the figure chose no colour, in TEXT:
    the layout's font, title, legend, annotations, every axis (polar ones too), hover labels and the traces' own
    texts; a bar's or funnel's text inside it takes the colour that reads on the bar, and Plotly may not shrink a
    bar's text below ``least`` to fit it (uniformtext). Larger sizes and chosen colours stay. Changes ``fig``.

    Read as JSON and changed only where it falls short: each change Plotly validates costs milliseconds, so a figure
    built with text_layout() and sized axes passes through almost for free."""
    layout: dict[str, Any] = fig.layout.to_plotly_json()
    patch: dict[str, Any] = {}

    def need(path: tuple[str, ...], colour: Any = TEXT) -> None:
        node = layout
        for key in path:
            node = node.get(key) or {} if isinstance(node, dict) else {}
        if fix := _font_fix(node, least, colour):
            target = patch
            for key in path[:-1]:
                target = target.setdefault(key, {})
            target[path[-1]] = fix

    need(("font",))
    need(("hoverlabel", "font"), None)
    need(("legend", "font"))
    need(("legend", "title", "font"))
    if (layout.get("title") or {}).get("text"):
        need(("title", "font"))
    for name in [k for k in layout if k.startswith(("xaxis", "yaxis")) and layout[k].get("visible") is not False]:
        need((name, "tickfont"))
        need((name, "title", "font"))
    traces = list(fig.data)
    if "polar" in layout or any(t.type.endswith("polar") for t in traces):
        need(("polar", "radialaxis", "tickfont"))
        need(("polar", "radialaxis", "title", "font"))
        need(("polar", "angularaxis", "tickfont"))
    uniform = layout.get("uniformtext") or {}
    if any(t.type in ("bar", "funnel") for t in traces) and (uniform.get("minsize") or 0) < least:
        patch["uniformtext"] = {"minsize": least, "mode": uniform.get("mode") or "show"}
    notes = layout.get("annotations") or []
    if any(_font_fix(n.get("font"), least) for n in notes):
        patch["annotations"] = [{**n, "font": {**(n.get("font") or {}), **_font_fix(n.get("font"), least)}}
                                for n in notes]
    if patch:
        fig.update_layout(patch)
    for trace in (t for t in traces if _draws_text(t)):
        if trace.type in ("bar", "funnel"):
            fill = trace.marker.color
            fixes = {"textfont": _font_fix(_json(trace.textfont), least, None),
                     "insidetextfont": _font_fix(_json(trace.insidetextfont), least, _inside_colours(fill)),
                     "outsidetextfont": _font_fix(_json(trace.outsidetextfont), least)}
        elif "textfont" in trace:
            fixes = {"textfont": _font_fix(_json(trace.textfont), least)}
        else:
            fixes = {}
        if fixes := {k: v for k, v in fixes.items() if v}:
            trace.update(fixes)
    return fig


def _draws_text(trace: Any) -> bool:
    """Whether a trace writes text on the chart (not only in its hover): a scatter in a mode with text, any other
    with a text or a text template."""
    if "mode" in trace:
        return "text" in (trace.mode or "")
    # A Plotly trace has no .get(): a property it lacks is looked for with `in`.
    return trace["text"] is not None or bool(trace["texttemplate"] if "texttemplate" in trace else None)  # noqa: SIM401


def _json(part: Any) -> dict[str, Any]:
    return part.to_plotly_json() if part is not None else {}


def fit_words(fit: Fit) -> str:
    """What people read for a fit: its label in data/vocabulary.json, e.g. 'Likely overkill'."""
    return display.fit_label(fit)


fit_badge = display.fit_badge  # symbol and words of a fit, e.g. '▼ Likely insufficient' (gtm.display)




def _wrap(text: str, width: int = 16) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "<br>".join(lines)


def _nature_ticks(width: int = 16) -> list[str]:
    return [_wrap(t.label, width) for t in vocab.NATURES.terms]


def _approach_ticks() -> list[str]:
    """The approaches' short names on two lines at most ("Coordinated<br>incentives"): the natures' names below the
    matrix take the width this leaves, and stand apart at 1280 px with the sidebar open."""
    return [_wrap(t.short_label, 11) for t in vocab.APPROACHES.terms]


def _fit_grid(matrix: ApproachMatrix) -> np.ndarray:
    """approaches x natures grid of fit codes (0 realistic, 1 overkill, 2 insufficient)."""
    return matrix.fit_table.T


RAMP_ORDER = (Fit.OVERKILL, Fit.INSUFFICIENT, Fit.REALISTIC)  # light, medium, dark: one colour scale, three parts


def _hex(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def cell_colour(fit: Fit, strength: float) -> str:
    """The cell colour of ``fit`` at ``strength`` (0: no value, 1: the matrix's largest), as the heatmap draws it."""
    light, dark = (_hex(c) for c in FIT_RAMPS[fit])
    r, g, b = np.rint(light + (dark - light) * min(max(strength, 0.0), 1.0)).astype(int)
    return f"#{r:02X}{g:02X}{b:02X}"


def _ramp_scale() -> list[list[Any]]:
    """One Plotly colour scale of three parts, a fit's ramp in each third (z = part + strength, over 3)."""
    scale: list[list[Any]] = []
    for part, fit in enumerate(RAMP_ORDER):
        light, dark = FIT_RAMPS[fit]
        scale += [[part / 3 + (0.001 if part else 0.0), light], [part / 3 + 0.99 / 3, dark]]
    scale.append([1.0, FIT_RAMPS[RAMP_ORDER[-1]][1]])
    return scale


def _legend(compact: bool = False, changes: bool = False, size: float = 13) -> dict[str, Any]:
    """The deck's words for the two sides of the band, above the plot so no cell is covered (three short lines
    when ``compact``, for a narrow chart); with ``changes``, what the dashed outlines are."""
    if compact:
        text = (f"{display.UP} <b>{fit_words(Fit.OVERKILL)}</b>: costing more than benefits created<br>{display.CHECK} <b>"
                f"{fit_words(Fit.REALISTIC)}</b>: the outlined band<br>{display.DOWN} <b>{fit_words(Fit.INSUFFICIENT)}</b>: "
                "not enough to accomplish objectives")
    else:
        text = (f"{display.UP} <b>{fit_words(Fit.OVERKILL)}</b> above the band: costing more than benefits created"
                f"<br>{display.CHECK} <b>{fit_words(Fit.REALISTIC)}</b> inside the outlined band · {display.DOWN} "
                f"<b>{fit_words(Fit.INSUFFICIENT)}</b> below it: not enough to accomplish objectives")
    if changes and compact:  # on the realistic line: the narrow chart keeps its height for the cells
        text = text.replace("the outlined band", "the outlined band · ┅ <b>dashed</b>: changed by the edit")
    elif changes:
        text += "<br>┅ <b>Dashed</b>: the cells whose fit the band edit changes"
    return {"xref": "paper", "yref": "paper", "x": 0, "y": 1.0, "yanchor": "bottom", "xanchor": "left",
            "align": "left", "showarrow": False, "font": {"color": TEXT, "size": size}, "text": text}


def _base(matrix: ApproachMatrix, height: int, shapes: list[dict[str, Any]] | None = None,
          categories: list[str] | None = None, notes: list[dict[str, Any]] | None = None,
          layout: dict[str, Any] | None = None, strength: np.ndarray | None = None,
          compact: bool = False, changes: bool = False, least: float = SCREEN_TEXT_PX) -> go.Figure:
    """The fit grid with the band outlined and both sides labelled; ``shapes``, ``notes`` (annotations), the x
    ``categories`` and any other ``layout`` go in the one layout (validated once, where each add_shape or
    update_layout call costs milliseconds). ``strength`` (approaches x natures, 0..1) shades each cell along its
    fit's ramp; without it the cells take pale tints, for charts that draw on top of them."""
    grid = _fit_grid(matrix)
    nature_ticks, approach_ticks = _nature_ticks(), _approach_ticks()
    if strength is None:
        colours = [FIT_TINTS[Fit.REALISTIC], FIT_TINTS[Fit.OVERKILL], FIT_TINTS[Fit.INSUFFICIENT]]
        scale: list[list[Any]] = [[0, colours[0]], [0.333, colours[0]], [0.334, colours[1]], [0.666, colours[1]],
                                  [0.667, colours[2]], [1, colours[2]]]
        z, zmax = grid, 2
    else:
        part = np.select([grid == 1, grid == 2], [0, 1], 2)  # fit codes 0 realistic, 1 overkill, 2 insufficient
        # At most 0.99 of a part: the scale's next part starts just after each third, and must never tint a cell.
        z, zmax, scale = part + np.clip(strength, 0, 1) * 0.99, 3, _ramp_scale()
    # Outline the realistic band, nature by nature, as the deck's diagonal shape.
    outline = TEXT if strength is not None else FIT_COLOURS[Fit.REALISTIC]
    band = [{"type": "rect", "x0": ni - 0.5, "x1": ni + 0.5, "y0": int(matrix.low_index[ni]) - 0.5,
             "y1": int(matrix.high_index[ni]) + 0.5, "line": {"color": outline, "width": 3},
             "layer": "above"} for ni in range(len(vocab.NATURES))]
    size = max(13, least)
    ticks = {"color": TEXT, "size": size}
    xaxis: dict[str, Any] = {"title": {"text": "Nature of opportunity (lightest scope → heaviest)", "font": ticks},
                             "side": "bottom", "tickangle": 0, "fixedrange": True, "tickfont": ticks}
    if categories is not None:
        xaxis.update(categoryorder="array", categoryarray=categories, range=[-0.5, len(categories) - 0.5])
    return go.Figure(
        go.Heatmap(z=z, x=nature_ticks, y=approach_ticks, zmin=0, zmax=zmax, colorscale=scale, showscale=False,
                   xgap=3, ygap=3, hoverinfo="skip"),
        layout={"height": height, "margin": {"l": 10, "r": 10, "t": (66 if compact else 50) + (17 if changes and not compact else 0),
                                             "b": 10},
                "plot_bgcolor": "white",
                "xaxis": xaxis, "yaxis": {"title": {"text": "GTM / key account approach", "font": ticks},
                                          "fixedrange": True, "tickfont": ticks},
                **text_layout(least, 13), "shapes": band + (shapes or []),
                "annotations": [_legend(compact, changes, size)] + (notes or []), **(layout or {})},
    )


UNDIAGNOSED_TICK = "Not yet<br>diagnosed"
_CLICKABLE = {"hoverdistance": 60}  # a hover (and a click) anywhere in a cell finds its numbers, not only on them
UNDIAGNOSED_FILL = "#E4E4E4"


def portfolio_matrix(cells: pd.DataFrame, matrix: ApproachMatrix, height: int = 560,
                     undiagnosed: pd.DataFrame | None = None, currency: str = DEFAULT_REPORTING,
                     compact: bool = False, compare_with: ApproachMatrix | None = None,
                     least: float = SCREEN_TEXT_PX) -> go.Figure:
    """The portfolio heatmap: band outlined, sides labelled, count and value of opportunities per cell; no text
    under ``least`` px (PRESENT_TEXT_PX in presentation mode). ``compact``: a narrower chart (the Matrix page's,
    beside the band sliders), its legend on three lines.

    ``compare_with`` (another band: before or after an edit) outlines, dashed, the cells whose fit differs under it,
    and their hover says what the fit is there. Each cell's hover says what its nature and approach mean.

    ``undiagnosed`` (approach, count, value) adds a grey column beside the natures: the opportunities whose nature
    nothing says yet, by current approach. They sit outside the matrix because they have no column of their own.
    Amounts are shown in ``currency`` (the reporting currency).
    """
    strength = cell_strength(cells)
    strip = undiagnosed is not None and int(undiagnosed["count"].sum()) > 0
    grid = _fit_grid(matrix)
    other = _fit_grid(compare_with) if compare_with is not None else grid
    moved = _changed_shapes(grid != other)
    if strip:
        fig = _base(matrix, height, _undiagnosed_shapes() + moved, [*_nature_ticks(), UNDIAGNOSED_TICK],
                    strength=strength, compact=compact, layout=_CLICKABLE, changes=bool(moved), least=least)
        fig.add_trace(_undiagnosed_trace(undiagnosed, currency, least))  # type: ignore[arg-type]
    else:
        fig = _base(matrix, height, moved, strength=strength, compact=compact, layout=_CLICKABLE, changes=bool(moved),
                    least=least)
    n_idx = {c: i for i, c in enumerate(vocab.NATURES.codes)}
    a_idx = {c: i for i, c in enumerate(vocab.APPROACHES.codes)}
    nature_ticks, approach_ticks = _nature_ticks(), _approach_ticks()
    amount_px = max(14, least)
    xs, ys, texts, hovers, colours = [], [], [], [], []
    for nature, approach, count, value in zip(cells["nature"].astype(str), cells["approach"].astype(str),
                                              cells["count"].astype(int), cells["value"].astype(float)):
        ni, ai = n_idx[nature], a_idx[approach]
        fit = tuple(Fit)[int(grid[ai, ni])]
        steps = int(matrix.steps_table[ni, ai])
        xs.append(nature_ticks[ni])
        ys.append(approach_ticks[ai])
        colours.append(FIT_TEXT[fit])
        texts.append(f"{FIT_SYMBOLS[fit]} <b>{count:,}</b><br><span style='font-size:{amount_px}px'>{money(value, currency)}"
                     "</span>" if count else FIT_SYMBOLS[fit])
        step_text = "" if fit == Fit.REALISTIC else f", {steps} step{'s' if steps != 1 else ''} outside the band"
        there = tuple(Fit)[int(other[ai, ni])]
        change = "" if there == fit else f"<br><b>Changes with this edit</b>: {FIT_SYMBOLS[there]} {fit_words(there)} on the other side"
        hovers.append(
            f"<b>{vocab.NATURES.label(nature)}</b> at <b>{vocab.APPROACHES.label(approach)}</b><br>"
            f"{FIT_SYMBOLS[fit]} {fit_words(fit)}{step_text}<br>"
            f"{count} opportunit{'y' if count == 1 else 'ies'}, {money(value, currency)}<br>"
            f"Realistic band: {matrix.band_text(nature)}{change}<br>"
            f"<i>Nature</i>: {_meaning(vocab.NATURES.term(nature).meaning)}<br>"
            f"<i>Approach</i>: {_meaning(vocab.APPROACHES.term(approach).meaning)}"
        )
    fig.add_trace(go.Scatter(
        x=xs, y=ys, mode="text", text=texts, textfont={"size": 17, "color": colours},
        hovertext=hovers, hoverinfo="text", showlegend=False,
        customdata=np.column_stack([cells["nature"].astype(str), cells["approach"].astype(str)]) if len(cells) else None,
    ))
    return fig


CHANGED_LINE = "#1B1F24"  # the dashed outline of a cell an edit changes, on a white rim so it shows on every tint


def _changed_shapes(changed: np.ndarray) -> list[dict[str, Any]]:
    """A dashed outline on a white rim around each cell (approaches x natures) whose fit an edit changes."""
    shapes: list[dict[str, Any]] = []
    for ai, ni in zip(*np.nonzero(changed)):
        # In the gap between cells, clear of the cell's numbers.
        box = {"type": "rect", "x0": ni - 0.47, "x1": ni + 0.47, "y0": ai - 0.46, "y1": ai + 0.46, "layer": "above"}
        shapes += [{**box, "line": {"color": "white", "width": 4}},
                   {**box, "line": {"color": CHANGED_LINE, "width": 2.5, "dash": "dash"}}]
    return shapes


def _meaning(text: str | None) -> str:
    """A term's meaning for a hover, wrapped to a readable width (none written: said so)."""
    return _wrap(text, 60) if text else "no meaning written in data/vocabulary.json"


def matrix_table(cells: pd.DataFrame, matrix: ApproachMatrix) -> pd.DataFrame:
    """The portfolio matrix as rows a screen reader reads in order: nature, approach, fit, steps outside the band,
    opportunities and value, one row per cell (heaviest approach first, as the chart stacks them)."""
    n_idx = {c: i for i, c in enumerate(vocab.NATURES.codes)}
    a_idx = {c: i for i, c in enumerate(vocab.APPROACHES.codes)}
    rows = []
    for nature, approach, count, value in zip(cells["nature"].astype(str), cells["approach"].astype(str),
                                              cells["count"].astype(int), cells["value"].astype(float)):
        ni, ai = n_idx[nature], a_idx[approach]
        fit = tuple(Fit)[int(matrix.fit_table[ni, ai])]
        rows.append({"nature": vocab.NATURES.label(nature), "approach": vocab.APPROACHES.label(approach),
                     "fit": fit_badge(fit), "steps": int(matrix.steps_table[ni, ai]), "opportunities": count,
                     "value": value, "_order": (ni, -ai)})
    table = pd.DataFrame(rows, columns=["nature", "approach", "fit", "steps", "opportunities", "value", "_order"])
    return table.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


def cell_strength(cells: pd.DataFrame) -> np.ndarray:
    """approaches x natures, 0..1: each cell's value against the largest cell's, on a square-root scale (so a
    $40M cell still shows beside a $7B one); 0 for an empty cell."""
    grid = np.zeros((len(vocab.APPROACHES), len(vocab.NATURES)))
    n_idx = {c: i for i, c in enumerate(vocab.NATURES.codes)}
    a_idx = {c: i for i, c in enumerate(vocab.APPROACHES.codes)}
    for nature, approach, value in zip(cells["nature"].astype(str), cells["approach"].astype(str),
                                       cells["value"].astype(float)):
        grid[a_idx[approach], n_idx[nature]] = max(value, 0.0) if np.isfinite(value) else 0.0
    top = grid.max()
    return np.sqrt(grid / top) if top > 0 else grid


def _undiagnosed_shapes() -> list[dict[str, Any]]:
    """Grey cells on the category axis (position n, beside the natures), lined up with the matrix rows, and a
    dotted line that sets them apart."""
    n, rows = len(vocab.NATURES), len(vocab.APPROACHES)
    cells = [{"type": "rect", "x0": n - 0.5 + 0.04, "x1": n + 0.5 - 0.04, "y0": ai - 0.5 + 0.04,
              "y1": ai + 0.5 - 0.04, "fillcolor": UNDIAGNOSED_FILL, "line": {"width": 0}, "layer": "below"}
             for ai in range(rows)]
    return [*cells, {"type": "line", "x0": n - 0.5, "x1": n - 0.5, "y0": -0.5, "y1": rows - 0.5,
                     "line": {"color": "#555", "width": 2, "dash": "dot"}, "layer": "above"}]


def _undiagnosed_trace(strip: pd.DataFrame, currency: str, least: float = SCREEN_TEXT_PX) -> go.Scatter:
    """The undiagnosed opportunities' count and value per current approach, in the grey column."""
    by_code = strip.set_index(strip["approach"].astype(str))
    counts = [int(by_code["count"].get(c, 0)) for c in vocab.APPROACHES.codes]
    values = [float(by_code["value"].get(c, 0.0)) for c in vocab.APPROACHES.codes]
    return go.Scatter(
        x=[UNDIAGNOSED_TICK] * len(counts), y=_approach_ticks(), mode="text", showlegend=False,
        customdata=[["", a] for a in vocab.APPROACHES.codes],
        text=[f"? <b>{n}</b><br>{money(v, currency)}" if n else "" for n, v in zip(counts, values)],
        textfont={"size": max(14, least), "color": TEXT}, hoverinfo="text",
        hovertext=[f"<b>Not yet diagnosed</b> at <b>{vocab.APPROACHES.label(a)}</b><br>{n} opportunit"
                   f"{'y' if n == 1 else 'ies'}, {money(v, currency)}<br>Left out of fit shares until a person or a rule decides"
                   for a, n, v in zip(vocab.APPROACHES.codes, counts, values)],
    )


def hover_text(text: str) -> str:
    """Text from the data, safe in a Plotly hover: shown as the characters it holds, never as markup.

    Plotly reads <b>, <br>, <a href> and a few other tags in hover text, and turns only &amp; &lt; &gt; (a few
    more names and numeric references) back into characters: escaping exactly & < > keeps tags from acting and
    a " or ' as itself (html.escape's &quot; would show as '&quot;').
    """
    return html.escape(text, quote=False)


def _names(frame: pd.DataFrame) -> pd.Series:
    """What to call each opportunity in hover text: its name, else its id."""
    ids = frame["opportunity_id"].astype(str) if "opportunity_id" in frame else pd.Series("", index=frame.index)
    names = frame["name"].fillna(ids).astype(str) if "name" in frame else ids
    return names.map(hover_text)


def account_matrix(opps: pd.DataFrame, matrix: ApproachMatrix, recommended: str | None,
                   height: int = 520, currency: str = DEFAULT_REPORTING, shown: str = "current",
                   least: float = SCREEN_TEXT_PX) -> go.Figure:
    """An account's matrix: each opportunity a bubble at (nature, its ``approach``), sized by value, marked by fit;
    no text under ``least`` px.

    ``opps`` carry the fit at the row they are drawn on: as assessed at the current approach (``shown`` "current"),
    or as portfolio.fit_under judged them at the recommended one (``shown`` "recommended"); the legend says which,
    and each hover says the fit at the row shown."""
    shapes, notes = [], []
    if recommended:
        ri = vocab.APPROACHES.codes.index(recommended)
        shapes.append({"type": "rect", "x0": -0.5, "x1": len(vocab.NATURES) - 0.5, "y0": ri - 0.45, "y1": ri + 0.45,
                       "line": {"color": "#333", "width": 2, "dash": "dash"}, "fillcolor": "rgba(0,0,0,0)",
                       "layer": "above"})
        notes.append({"x": -0.5, "y": ri, "text": "★ recommended", "showarrow": False, "xanchor": "left",
                      "yanchor": "bottom", "yshift": 8, "font": {"size": max(12, least), "color": "#333"},
                      "bgcolor": "rgba(255,255,255,0.85)"})
    under = "★ recommended structure" if shown == "recommended" else "current structure"
    # The bubbles sit on a second pair of axes over the grid, numeric, so several can share a cell.
    font = text_layout(least, 13)["font"]
    fig = _base(matrix, height, shapes, notes=notes, least=least, layout={
        "xaxis2": {"overlaying": "x", "range": [-0.5, len(vocab.NATURES) - 0.5], "visible": False, "fixedrange": True},
        "yaxis2": {"overlaying": "y", "range": [-0.5, len(vocab.APPROACHES) - 0.5], "visible": False,
                   "fixedrange": True},
        "legend": {"orientation": "h", "y": -0.2, "yanchor": "top", "x": 0.5, "xanchor": "center",
                   "font": font, "title": {"text": f"Fit under the {under}:", "font": font}},
        "margin": {"l": 10, "r": 10, "t": 50, "b": 40},
    })
    # The undiagnosed have no column to sit in, and a lost deal is no longer at stake: neither is drawn.
    frame = opps[in_play(opps)].dropna(subset=["approach", "nature"]).copy() if len(opps) else opps
    if len(frame):
        n_pos = frame["nature"].astype(str).map({c: i for i, c in enumerate(vocab.NATURES.codes)}).astype(float)
        a_pos = frame["approach"].astype(str).map({c: i for i, c in enumerate(vocab.APPROACHES.codes)}).astype(float)
        # Spread bubbles that share a cell on a small grid inside it, so each stays visible.
        rank = frame.groupby([n_pos, a_pos]).cumcount().to_numpy()
        size = frame.groupby([n_pos, a_pos])["value"].transform("size").to_numpy()
        cols = np.ceil(np.sqrt(size))
        rows = np.ceil(size / cols)
        col_i, row_i = rank % cols, rank // cols
        frame["x"] = n_pos + np.where(cols > 1, (col_i / np.maximum(cols - 1, 1) - 0.5) * 0.7, 0.0)
        frame["y"] = a_pos + np.where(rows > 1, (row_i / np.maximum(rows - 1, 1) - 0.5) * 0.6, 0.0)
        vmax = max(float(frame["value"].max()), 1.0)
        amounts = _bubble_amounts(frame, currency)
        at_row = _bubble_fit_at_row(frame, recommended)
        for fit in Fit:
            part = frame[frame["fit"].astype(str) == fit]
            if part.empty:
                continue
            fig.add_trace(go.Scatter(
                x=part["x"], y=part["y"], mode="markers", name=f"{FIT_SYMBOLS[fit]} {fit_words(fit)}",
                xaxis="x2", yaxis="y2",
                marker={"size": 9 + 25 * np.sqrt(part["value"].astype(float) / vmax), "color": FIT_COLOURS[fit],
                        "symbol": FIT_MARKERS[fit], "line": {"color": "white", "width": 1}, "opacity": 0.9},
                customdata=np.stack([_names(part), amounts[part.index], at_row[part.index],
                                     part["rationale"].astype(str).map(hover_text)], axis=1),
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<br>%{customdata[3]}"
                              "<extra></extra>",
            ))
    return fig


def _bubble_amounts(frame: pd.DataFrame, currency: str) -> pd.Series:
    """An opportunity's value and, where known, its expected value (what the recommendation weighs)."""
    value = frame["value"].astype(float).map(lambda v: money(v, currency))
    if "expected_value" not in frame:
        return value
    expected = frame["expected_value"].astype(float).map(lambda v: money(v, currency))
    return value + " · " + expected + " expected value"


def _bubble_fit_at_row(frame: pd.DataFrame, recommended: str | None) -> pd.Series:
    """The fit at the row a bubble is drawn on, in words: '▼ Likely insufficient at <b>Assignment of lead unit for
    multi-unit accounts (★ recommended)</b>, 2 steps below the band'."""
    fit = frame["fit"].astype(str)
    steps = frame["steps"].astype(int)
    badge = fit.map(fit_badge)
    row = frame["approach"].astype(str)
    label = row.map(lambda a: vocab.APPROACHES.label(a) + (" (★ recommended)" if a == recommended else ""))
    side = fit.map({Fit.OVERKILL.value: "above", Fit.INSUFFICIENT.value: "below"})
    far = (", " + steps.astype(str) + np.where(steps == 1, " step ", " steps ") + side + " the band").where(
        side.notna(), ", inside the band")
    return badge + " at <b>" + label.map(hover_text) + "</b>" + far
