"""The workshop's hand-out as PowerPoint slides. Pure: DeckContent in, .pptx bytes out (python-pptx, no streamlit).

Every table is a native PowerPoint table and every chart a native chart or shapes, so a facilitator can edit the
deck after the workshop; nothing is an image. Colours, symbols and words are the app's (gtm.export.charts), so a
cell reads the same on the screen and on the slide.

- content: what the slides show (DeckContent, FocusAccount, Economics, Decision, Lead), gathered by gtm.services.deck;
- layout: text measured with the font's real metrics and fitted to its box, and the slide being built;
- slides, economics, timeline: the slides themselves.
"""

from __future__ import annotations

import io

from pptx import Presentation

from gtm.export.deck.content import (
    MIME,
    SLIDE_TITLES,
    Decision,
    DeckContent,
    Economics,
    FocusAccount,
    Lead,
    ResultsSoFar,
    day,
    empty_cells,
)
from gtm.export.deck.economics import economics_slide, months, signed
from gtm.export.deck.layout import SLIDE_HEIGHT, SLIDE_WIDTH, FontMissing, Para, fit, font_files
from gtm.export.deck.results import results_slide
from gtm.export.deck.slides import account_slide, funnel_slide, matrix_slide, maturity_slide, title_slide
from gtm.export.deck.timeline import plan_slides


def render(content: DeckContent) -> bytes:
    """The hand-out as .pptx bytes: title, portfolio matrix, funnel, maturity, the focus accounts' economics, one
    slide per focus account, plan, results so far."""
    font_files()  # said in words before anything is drawn when the fonts the text is measured with are missing
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    title_slide(prs, content)
    matrix_slide(prs, content)
    funnel_slide(prs, content)
    maturity_slide(prs, content)
    economics_slide(prs, content)
    for acc in content.accounts:
        account_slide(prs, content, acc)
    plan_slides(prs, content)
    results_slide(prs, content)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


__all__ = [
    "MIME",
    "SLIDE_HEIGHT",
    "SLIDE_TITLES",
    "SLIDE_WIDTH",
    "Decision",
    "DeckContent",
    "Economics",
    "FocusAccount",
    "FontMissing",
    "Lead",
    "Para",
    "ResultsSoFar",
    "day",
    "empty_cells",
    "fit",
    "font_files",
    "months",
    "render",
    "signed",
]
