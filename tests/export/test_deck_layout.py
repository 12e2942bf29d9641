"""Fitting the hand-out's text: measured with Liberation Sans's own metrics, wrapped, shrunk a step or two, then
continued in the notes a whole sentence at a time; never cut mid-word, never an ellipsis."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from gtm.export.deck import layout
from gtm.export.deck.layout import CONTINUED, Para, fit, text_width, wrap
from gtm.export.deck.slides import funnel_widths, missing_stages


def test_widths_are_the_fonts_own_not_a_guess_per_character() -> None:
    # Arial's (and Liberation Sans's) advance widths, in thousandths of an em: i 222, W 944, space 278, M 833.
    assert text_width("i", 72) == pytest.approx(0.222, abs=0.001)
    assert text_width("W", 72) == pytest.approx(0.944, abs=0.001)
    assert text_width("iiii", 10) < text_width("WWWW", 10) / 3  # a guessed average would call them equal
    assert text_width("Mean", 12, bold=True) > text_width("Mean", 12)


def test_wrapping_is_greedy_at_spaces_and_breaks_only_a_word_longer_than_the_line() -> None:
    text = "Choose customer sets and design the execution phase"
    width = text_width("Choose customer sets and", 11) + 0.001
    lines = wrap(text, width, 11)
    assert lines[0] == "Choose customer sets and" and " ".join(lines) == text
    for line, after in itertools.pairwise(lines):  # each line as full as it can be: its next word would not fit
        assert text_width(line, 11) <= width < text_width(f"{line} {after.split()[0]}", 11)
    long = "Infrastrukturbeteiligungsgesellschaft"
    lines = wrap(long, text_width(long, 11) / 2.5, 11)
    assert len(lines) == 3 and "".join(lines) == long


def test_text_that_fits_is_left_as_asked() -> None:
    paras = [Para("Why", 11, True), Para("Because the value sits in the band.", 12)]
    fitted = fit(paras, 4.0, 1.0)
    assert fitted.paras == paras and fitted.continued == []


def test_too_long_text_is_first_set_smaller_but_never_below_11_points() -> None:
    text = "One sentence of about sixty characters, set at fourteen. " * 3
    need = layout.needed_height([Para(text, 14)], 3.0)
    fitted = fit([Para(text, 14)], 3.0, need * 0.8)
    assert fitted.continued == [] and 11 <= fitted.paras[0].size < 14 and fitted.paras[0].text == text


def test_what_still_does_not_fit_goes_to_the_notes_a_whole_sentence_at_a_time() -> None:
    sentences = [f"Sentence number {i} says something worth reading." for i in range(12)]
    text = " ".join(sentences)
    fitted = fit([Para("Why", 11, True), Para(text, 12)], 3.0, 1.2)
    shown = fitted.paras[1].text
    assert fitted.continued == [text]  # in full, for the notes
    assert shown.endswith(CONTINUED) and "…" not in shown
    kept = shown.removesuffix(CONTINUED).strip()
    assert kept and kept in text and kept.endswith(".")  # whole sentences only
    assert kept == " ".join(sentences[:kept.count("Sentence number")])
    assert fitted.paras[1].size == 11  # set smaller first, down to the floor
    assert layout.overflow(fitted.paras, 3.0, 1.2) <= 0


def test_one_endless_sentence_is_cut_after_a_whole_word_never_inside_one() -> None:
    text = "word " * 200 + "end"
    fitted = fit([Para(text.strip(), 12)], 2.0, 0.6)
    shown = fitted.paras[0].text
    assert shown.endswith(CONTINUED)
    assert set(shown.removesuffix(CONTINUED).split()) == {"word"}


def test_a_title_of_one_line_shrinks_then_continues(tmp_path: Path) -> None:
    name = "Internationale Versorgungs- und Infrastrukturbeteiligungsgesellschaft " * 3
    fitted = fit([Para(name.strip(), 28, True, max_lines=1, min_size=20)], 12.5, 0.7)
    (title,) = fitted.paras
    assert title.size == 20 and title.text.endswith(CONTINUED)
    assert len(wrap(title.text, 12.5 - 0.1, 20, True)) == 1


def test_funnel_stages_narrow_by_the_square_root_of_their_count_above_their_words() -> None:
    widths = funnel_widths([400, 50, 15], [2.0, 2.0, 2.0], 11.5)
    assert widths[0] == 11.5 and widths[0] > widths[1] > widths[2]
    assert widths[1] == pytest.approx(11.5 * (50 / 400) ** 0.5)
    assert widths[2] == pytest.approx(11.5 * (15 / 400) ** 0.5)
    # A stage as large as the one above it is still drawn narrower; one whose words need more keeps their width.
    same = funnel_widths([400, 400, 3], [2.0, 2.0, 2.5], 11.5)
    assert same[0] > same[1] > same[2] == 2.5


def test_the_stages_without_a_list_are_said_in_one_sentence() -> None:
    assert missing_stages(["Shortlist", "Focus list"]) == (
        "No shortlist and no focus list saved yet: they show here once saved on the Key accounts page.")
    assert missing_stages(["Focus list"]).startswith("No focus list saved yet: it shows here")


def test_missing_fonts_are_said_in_words_with_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    monkeypatch.setattr(layout, "font_dirs", lambda: [tmp_path])
    layout.font_files.cache_clear()
    try:
        with pytest.raises(layout.FontMissing, match=r"Liberation Sans.*apt-get install fonts-liberation"):
            layout.font_files()
    finally:
        layout.font_files.cache_clear()


def test_fonts_are_found_in_the_folder_gtm_deck_fonts_names_or_below_a_font_folder(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    regular, bold = layout.font_files()
    (tmp_path / "own").mkdir()
    (tmp_path / "tree" / "truetype" / "liberation2").mkdir(parents=True)
    for f in (regular, bold):
        (tmp_path / "own" / f.name).write_bytes(f.read_bytes())
        (tmp_path / "tree" / "truetype" / "liberation2" / f.name).write_bytes(f.read_bytes())
    monkeypatch.setenv(layout.FONT_ENV, str(tmp_path / "own"))
    layout.font_files.cache_clear()
    try:
        assert layout.font_files() == (tmp_path / "own" / regular.name, tmp_path / "own" / bold.name)
        monkeypatch.setattr(layout, "font_dirs", lambda: [tmp_path / "tree"])
        layout.font_files.cache_clear()
        found = tmp_path / "tree" / "truetype" / "liberation2"
        assert layout.font_files() == (found / regular.name, found / bold.name)
    finally:
        layout.font_files.cache_clear()
