"""Text that fits its box: measured with the font's real metrics, wrapped, shrunk a step or two, and only then
continued in the speaker notes, a whole sentence at a time.

python-pptx cannot measure text, and PowerPoint grows a table row (or lets a text box spill) when its text is
longer than the space it was given. So every text is fitted before it is placed. The deck is set in Arial, which
every PowerPoint has; LibreOffice draws it with Liberation Sans, whose every character is exactly as wide. Each
line is measured with Pillow's FreeType binding from Liberation Sans's own files (or Arial's, where they are
installed), wrapped as PowerPoint wraps it (at spaces; a word longer than the line between characters).

What does not fit at the size asked for is first set a step or two smaller (PowerPoint's own steps, never below
MIN_BODY for body text), and only then are whole sentences moved to the speaker notes, the slide saying
"(continued in the notes)" where they were. Nothing is cut mid-word and nothing ends in an ellipsis.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from PIL import ImageFont
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from gtm.domain.errors import ConfigError
from gtm.domain.vocabulary import Fit
from gtm.export.charts import FIT_RAMPS, TEXT
from gtm.settings import settings

# 16:9 at PowerPoint's own size (13.333 x 7.5 in).
SLIDE_WIDTH, SLIDE_HEIGHT = Emu(12_192_000), Emu(6_858_000)
SLIDE_W, SLIDE_H = 13.333, 7.5  # inches
EMU_PER_INCH = 914_400
MARGIN = 0.4  # inches, on every side
FONT = "Arial"  # in every copy of PowerPoint; LibreOffice draws it with Liberation Sans, of the same widths
LINE = 1.2  # line height, in font sizes (PowerPoint's single spacing for Arial; LibreOffice's is a little less)
CAPTION = "#595959"  # grey text on white: 7:1
HEAD_FILL = "#F2F2F2"  # header cells: the axis labels
RECOMMENDED = FIT_RAMPS[Fit.REALISTIC][0]  # the realistic band's green, dark enough for text on white (5:1)
MIN_BODY = 11.0  # body text is never set smaller to make it fit; smaller text was asked for as such (small print)
SIZE_STEPS = (8, 9, 10, 10.5, 11, 12, 14, 16, 18, 20, 24, 28, 32, 36, 40, 44, 54)  # PowerPoint's font sizes
SHRINK_STEPS = 2  # how many of those steps a text may be set smaller before sentences go to the notes
CONTINUED = "(continued in the notes)"
CONTINUED_NOTE = "Continued in the notes, in full:"
MARGINS = (0.05, 0.03)  # a box's inner margins, left/right and top/bottom, in inches

# ----------------------------------------------------------------------------------------- the font's metrics

FONT_ENV = "GTM_DECK_FONTS"  # a folder holding LiberationSans-Regular.ttf and -Bold.ttf, where they are elsewhere
# Liberation Sans first (Debian's fonts-liberation); Arial's own files have the same widths.
FONT_FILES = (("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"), ("Arial.ttf", "Arial Bold.ttf"),
              ("arial.ttf", "arialbd.ttf"))
_UNITS = 1000  # the font is loaded at 1000 pixels an em: widths in thousandths of the font size


class FontMissing(ConfigError):
    """The fonts the hand-out measures its text with are not installed."""


def font_dirs() -> list[Path]:
    """Where the fonts are looked for, in order: GTM_DECK_FONTS, then the system's font folders."""
    home = Path.home()
    folder = settings().deck_fonts
    found = [Path(folder)] if folder else []
    return [*found, Path("/usr/share/fonts/truetype/liberation"), Path("/usr/share/fonts/truetype/liberation2"),
            Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local/share/fonts",
            home / ".fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts/Supplemental"),
            Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"]


def _find(name: str, dirs: Sequence[Path]) -> Path | None:
    for folder in dirs:
        if (folder / name).is_file():
            return folder / name
    for folder in dirs:  # then anywhere below them (fonts-liberation2, a distribution's own layout)
        if folder.is_dir():
            for root, _, files in os.walk(folder):
                if name in files:
                    return Path(root) / name
    return None


@cache
def font_files() -> tuple[Path, Path]:
    """The regular and bold font files the text is measured with; FontMissing, in words, when there are none."""
    dirs = font_dirs()
    for regular, bold in FONT_FILES:
        found = _find(regular, dirs), _find(bold, dirs)
        if found[0] is not None and found[1] is not None:
            return found[0], found[1]
    raise FontMissing(
        "The hand-out measures every text with the font Liberation Sans (the widths of Arial, the deck's font) so "
        "that it fits its box, and neither LiberationSans-Regular.ttf and LiberationSans-Bold.ttf nor Arial's files "
        f"are installed (looked in {', '.join(str(d) for d in dirs[:4])} and the other font folders). Install "
        f"Debian's fonts-liberation (apt-get install fonts-liberation), or set {FONT_ENV} to a folder that holds "
        "both files.")


@cache
def _face(bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_files()[int(bold)]), _UNITS, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=100_000)
def _units(text: str, bold: bool) -> float:
    """The advance width of ``text`` in thousandths of an em (no kerning: PowerPoint does not kern by default)."""
    return float(_face(bold).getlength(text))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width in inches of ``text`` on one line at ``size`` points."""
    return _units(text, bold) * size / _UNITS / 72


def wrap(text: str, width_in: float, size: float, bold: bool = False) -> list[str]:
    """The lines ``text`` takes in ``width_in`` inches at ``size`` points: greedy at spaces, as PowerPoint wraps;
    a word longer than a line breaks between characters; line breaks in the text kept."""
    limit = width_in * 72 * _UNITS / size
    space = _units(" ", bold)
    lines: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0.0
        for word in para.split():
            w = _units(word, bold)
            if w > limit:  # PowerPoint breaks a word longer than the line where the line ends
                if line:
                    lines.append(line)
                line, used = "", 0.0
                for ch in word:
                    c = _units(ch, bold)
                    if line and used + c > limit:
                        lines.append(line)
                        line, used = "", 0.0
                    line, used = line + ch, used + c
            elif line and used + space + w > limit:
                lines.append(line)
                line, used = word, w
            else:
                line, used = (f"{line} {word}", used + space + w) if line else (word, w)
        lines.append(line)
    return lines


# ------------------------------------------------------------------------------------------ fitting paragraphs


@dataclass(frozen=True)
class Para:
    """A paragraph of a text box: its text and how it looks."""

    text: str
    size: float = 14
    bold: bool = False
    colour: str = TEXT
    space_before: float = 0  # points
    max_lines: int | None = None  # at most this many lines (the box's height bounds it anyway)
    align: PP_ALIGN | None = None
    min_size: float | None = None  # the smallest it may be set; None: SHRINK_STEPS smaller, not below MIN_BODY


def smaller(para: Para, steps: int) -> float:
    """``para``'s size ``steps`` of PowerPoint's sizes smaller, never below its floor (see Para.min_size)."""
    floor = para.min_size if para.min_size is not None else min(para.size, MIN_BODY)
    below = [s for s in reversed(SIZE_STEPS) if s < para.size]
    size = below[steps - 1] if 0 < steps <= len(below) else (below[-1] if steps and below else para.size)
    return max(float(size), float(floor))


def lines_of(para: Para, width_in: float) -> int:
    """How many lines ``para`` takes in a box whose inner width is ``width_in``."""
    return len(wrap(para.text, width_in, para.size, para.bold))


def height_of(paras: Sequence[Para], width_in: float) -> float:
    """The height in points ``paras`` take in a box whose inner width is ``width_in``."""
    return sum(p.space_before + lines_of(p, width_in) * p.size * LINE for p in paras)


def needed_height(paras: Sequence[Para], width_in: float, margins: tuple[float, float] = MARGINS) -> float:
    """The height in inches a box ``width_in`` wide needs to hold ``paras`` at their sizes, margins included (a
    paragraph of at most ``max_lines`` lines needs no more: the rest of it goes to the notes)."""
    inner = width_in - 2 * margins[0]
    points = sum(p.space_before + min(lines_of(p, inner), p.max_lines or 10**6) * p.size * LINE for p in paras)
    return points / 72 + 2 * margins[1] + 0.01


def needed_width(texts: Sequence[str], size: float, bold: bool = False, margins: tuple[float, float] = MARGINS) -> float:
    """The width in inches a box needs to hold the longest of ``texts`` on one line, margins included."""
    longest = max((text_width(t, size, bold) for t in texts), default=0.0)
    return longest + 2 * margins[0] + 0.02


def width_in_lines(text: str, size: float, lines: int, bold: bool = False) -> float:
    """The narrowest box width in inches (to a twentieth) that holds ``text`` in ``lines`` lines, margins included."""
    w = needed_width([max(text.split() or [""], key=len)], size, bold)
    while len(wrap(text, w - 2 * MARGINS[0], size, bold)) > lines:
        w += 0.05
    return w


def _fits_in_place(sized: list[Para], i: int, inner_w: float, room: float, q: Para) -> bool:
    """Whether the box fits with paragraph ``i`` of ``sized`` written as ``q`` (the rest as they stand)."""
    return _fits([*sized[:i], q, *sized[i + 1:]], inner_w, room)


def _fits(paras: Sequence[Para], inner_w: float, room_pt: float) -> bool:
    used = 0.0
    for p in paras:
        n = lines_of(p, inner_w)
        if p.max_lines is not None and n > p.max_lines:
            return False
        used += p.space_before + n * p.size * LINE
    return used <= room_pt + 1e-6


# Where a text may be cut: after a sentence, and before a " · " that separates the parts of a list.
_SENTENCE_ENDS = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=\S)|\s+·\s+")


def _cuts(text: str) -> list[int]:
    """Where ``text`` may be cut, in order: after each sentence; when it is one sentence, after each word."""
    ends = [m.start() for m in _SENTENCE_ENDS.finditer(text)]
    if not ends:
        ends = [m.start() for m in re.finditer(r"\s+", text.strip())]
    return [e for e in ends if text[:e].strip()]


def _continued(text: str, keep: int | None) -> str:
    return f"{text[:keep].rstrip()} {CONTINUED}" if keep else CONTINUED


def _shorten(text: str, para: Para, ok: Callable[[Para], bool]) -> Para | None:
    """``para`` holding the longest start of ``text`` (whole sentences, or whole words) that passes ``ok``, followed
    by CONTINUED; None when not even CONTINUED alone does."""
    cuts = _cuts(text)
    lo, hi, best = 0, len(cuts), None  # keep cuts[k - 1] characters; k = 0: nothing but CONTINUED
    while lo <= hi:
        k = (lo + hi) // 2
        candidate = dataclasses.replace(para, text=_continued(text, cuts[k - 1] if k else None))
        if ok(candidate):
            best, lo = candidate, k + 1
        else:
            hi = k - 1
    return best


@dataclass(frozen=True)
class Fitted:
    """Paragraphs as they fit a box, and the full texts of those continued in the notes."""

    paras: list[Para]
    continued: list[str]


def fit(paras: Sequence[Para], width_in: float, height_in: float, margins: tuple[float, float] = MARGINS) -> Fitted:
    """``paras`` fitted to a box ``width_in`` x ``height_in`` inches: as asked when they fit; else each set up to
    SHRINK_STEPS sizes smaller; else, from the last paragraph up, whole sentences moved to the notes."""
    inner_w, room = width_in - 2 * margins[0], (height_in - 2 * margins[1]) * 72
    sized = list(paras)
    for step in range(SHRINK_STEPS + 1):
        sized = [dataclasses.replace(p, size=smaller(p, step)) for p in paras]
        if _fits(sized, inner_w, room):
            return Fitted(sized, [])
    continued: list[str] = []
    for i, p in enumerate(sized):  # each paragraph within its own number of lines
        if p.max_lines is not None and lines_of(p, inner_w) > p.max_lines:
            limit = p.max_lines

            def within(q: Para, limit: int = limit) -> bool:
                return lines_of(q, inner_w) <= limit

            shorter = _shorten(paras[i].text, p, within)
            sized[i] = shorter or dataclasses.replace(p, text=CONTINUED)
            continued.append(paras[i].text)
    for i in range(len(sized) - 1, -1, -1):  # then the box: the last paragraphs give way first
        if _fits(sized, inner_w, room):
            break
        shorter = _shorten(paras[i].text, sized[i], functools.partial(_fits_in_place, sized, i, inner_w, room))
        if paras[i].text not in continued:
            continued.append(paras[i].text)
        if shorter is not None:
            sized[i] = shorter
            break
        sized[i] = dataclasses.replace(sized[i], text=CONTINUED)
    return Fitted(sized, continued)


def overflow(paras: Sequence[Para], width_in: float, height_in: float,
             margins: tuple[float, float] = MARGINS) -> float:
    """How many inches ``paras``, every line of them, need beyond a box ``width_in`` x ``height_in`` (0 or less:
    they fit)."""
    return height_of(paras, width_in - 2 * margins[0]) / 72 + 2 * margins[1] - height_in


# ------------------------------------------------------------------------------------------- placing on slides


def inches(value: float) -> Emu:
    """``value`` inches in EMU."""
    return Emu(int(round(value * EMU_PER_INCH)))


def rgb(colour: str) -> RGBColor:
    """'#1B1F24' as python-pptx's colour."""
    code = colour.lstrip("#")
    return RGBColor(int(code[0:2], 16), int(code[2:4], 16), int(code[4:6], 16))  # type: ignore[no-untyped-call]


class Slide:
    """A slide being built: text placed only once fitted; what was continued goes to the speaker notes."""

    def __init__(self, prs: Any, title: str, subtitle: str = "", *, title_top: float = 0.25,
                 title_height: float = 0.7, title_size: float = 28, title_lines: int = 1) -> None:
        self.prs = prs
        self.slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
        self.continued: list[str] = []
        self.notes: list[str] = []
        shape = self.slide.shapes.title
        shape.left, shape.top = inches(MARGIN), inches(title_top)
        shape.width, shape.height = inches(SLIDE_W - 2 * MARGIN), inches(title_height)
        self.fill(shape.text_frame, [Para(title, title_size, True, max_lines=title_lines, align=PP_ALIGN.LEFT,
                                          min_size=20)], SLIDE_W - 2 * MARGIN, title_height, anchor=MSO_ANCHOR.MIDDLE)
        if subtitle:
            self.text(MARGIN, 0.92, SLIDE_W - 2 * MARGIN, 0.4, [Para(subtitle, 13, colour=CAPTION, max_lines=1)])

    def fill(self, frame: Any, paras: Sequence[Para], width_in: float, height_in: float,
             anchor: MSO_ANCHOR = MSO_ANCHOR.TOP, margins: tuple[float, float] = MARGINS) -> list[Para]:
        """Put ``paras`` in ``frame`` (a text box's, a shape's or a table cell's), fitted to the box; returns them as
        placed."""
        tf = frame
        tf.word_wrap = True
        if hasattr(tf, "auto_size"):
            tf.auto_size = MSO_AUTO_SIZE.NONE  # the box keeps its size; the text was fitted to it
            tf.margin_left = tf.margin_right = inches(margins[0])
            tf.margin_top = tf.margin_bottom = inches(margins[1])
            tf.vertical_anchor = anchor
        fitted = fit(paras, width_in, height_in, margins)
        self.continued += fitted.continued
        for i, para in enumerate(fitted.paras):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            if para.space_before:
                p.space_before = Pt(para.space_before)
            if para.align is not None:
                p.alignment = para.align
            if not para.text:
                # An empty paragraph is as tall as its end mark (18 points unless told; LibreOffice drops an empty
                # run): an empty table cell would make its row taller than planned and push it onto what is below.
                p._p.get_or_add_endParaRPr().set("sz", str(int(round(para.size * 100))))
                continue
            run = p.add_run()
            run.text = para.text
            font = run.font
            font.size, font.bold, font.name = Pt(para.size), para.bold, FONT
            font.color.rgb = rgb(para.colour)
        return fitted.paras

    def text(self, x: float, y: float, w: float, h: float, paras: Sequence[Para],
             anchor: MSO_ANCHOR = MSO_ANCHOR.TOP, name: str | None = None) -> Any:
        """A text box at (x, y), w x h inches, holding ``paras`` fitted to it."""
        inside(x, y, w, h)
        box = self.slide.shapes.add_textbox(inches(x), inches(y), inches(w), inches(h))
        if name:
            box.name = name
        self.fill(box.text_frame, paras, w, h, anchor)
        return box

    def shape(self, kind: Any, x: float, y: float, w: float, h: float, fill: str | None,
              line: str | None = None, name: str | None = None) -> Any:
        """A plain shape (a rectangle, a bar, a line) at (x, y), w x h inches; no line unless ``line`` says."""
        inside(x, y, w, h)
        shape = self.slide.shapes.add_shape(kind, inches(x), inches(y), inches(w), inches(h))
        if name:
            shape.name = name
        if fill:
            shape.fill.solid()
            shape.fill.fore_color.rgb = rgb(fill)
        else:
            shape.fill.background()
        if line:
            shape.line.color.rgb = rgb(line)
            shape.line.width = Pt(0.75)
        else:
            shape.line.fill.background()
        # No theme style: its effect reference draws a shadow in LibreOffice even under an empty effect list.
        style = shape._element.find(qn("p:style"))
        if style is not None:
            shape._element.remove(style)
        return shape

    def cell(self, cell: Any, paras: Sequence[Para], width_in: float, height_in: float, fill: str | None = None,
             anchor: MSO_ANCHOR = MSO_ANCHOR.MIDDLE) -> None:
        """A table cell's text (fitted) and fill."""
        c = cell
        c.margin_left = c.margin_right = inches(MARGINS[0])
        c.margin_top = c.margin_bottom = inches(MARGINS[1])
        c.vertical_anchor = anchor
        if fill:
            c.fill.solid()
            c.fill.fore_color.rgb = rgb(fill)
        self.fill(c.text_frame, paras, width_in, height_in, anchor)

    def table(self, rows: int, cols: int, x: float, y: float, widths: Sequence[float],
              heights: Sequence[float]) -> Any:
        """A native table, its columns and rows sized in inches."""
        inside(x, y, sum(widths), sum(heights))
        shape = self.slide.shapes.add_table(rows, cols, inches(x), inches(y), inches(sum(widths)),
                                            inches(sum(heights)))
        table = shape.table
        for i, w in enumerate(widths):
            table.columns[i].width = inches(w)
        for i, h in enumerate(heights):
            table.rows[i].height = inches(h)
        table.first_row = True
        table.horz_banding = False
        return table

    def finish(self) -> None:
        """The speaker notes: what the slide keeps there, and every text continued there in full."""
        notes = list(self.notes)
        if self.continued:
            notes.append(CONTINUED_NOTE)
            notes += [f"- {t}" for t in dict.fromkeys(self.continued)]
        if notes:
            self.slide.notes_slide.notes_text_frame.text = "\n".join(notes)


def inside(x: float, y: float, w: float, h: float) -> None:
    """A ValueError when a box at (x, y), w x h inches, is not inside the slide: a layout mistake, never data's."""
    if x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > SLIDE_W + 0.001 or y + h > SLIDE_H + 0.001:
        raise ValueError(f"a box at ({x:.2f}, {y:.2f}) of {w:.2f} x {h:.2f} in is not inside the slide")
