"""The ordered vocabularies: codes, labels, ranks, and parsing whatever the case and spacing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from domain_tables import APPROACH_CODES, NATURE_CODES
from pydantic import ValidationError

from gtm.domain.errors import ConfigError, InputError
from gtm.domain.rules import DATA_DIR
from gtm.domain.vocabulary import (
    APPROACHES,
    FITS,
    NATURES,
    Approach,
    Fit,
    Nature,
    Term,
    Vocabulary,
    load_vocabularies,
    normalise,
)


def test_natures_are_six_codes_lightest_first_with_the_decks_labels() -> None:
    assert NATURES.codes == NATURE_CODES
    assert [t.rank for t in NATURES.terms] == [1, 2, 3, 4, 5, 6]
    assert NATURES.labels == (
        "Info exchange / cost reduction",
        "Qualification / one-time action",
        "Cross-sell / referral",
        "Coordinated account strategy",
        "Unique technical solutions",
        "Turnkey solutions",
    )


def test_approaches_are_seven_codes_lightest_first_with_the_decks_labels() -> None:
    assert APPROACHES.codes == APPROACH_CODES
    assert [t.rank for t in APPROACHES.terms] == [1, 2, 3, 4, 5, 6, 7]
    assert APPROACHES.label("lead_unit") == "Assignment of lead unit for multi-unit accounts"
    assert APPROACHES.label("market_bu") == "Market-oriented BU with complete P&L authority"


def test_fits_are_realistic_overkill_insufficient() -> None:
    assert FITS.codes == ("realistic", "overkill", "insufficient")


def test_dtype_is_an_ordered_categorical_of_codes() -> None:
    dtype = NATURES.dtype
    assert dtype.ordered
    assert list(dtype.categories) == list(NATURE_CODES)
    s = pd.Series(pd.Categorical(["turnkey", "info_exchange"], dtype=dtype))
    assert s.iloc[0] > s.iloc[1]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("  CROSS-SELL/REFERRAL ", "cross_sell"),
        ("Cross-sell/referral", "cross_sell"),
        ("cross sell", "cross_sell"),
        ("Cross Selling", "cross_sell"),
        ("cross_sell", "cross_sell"),
        ("Turnkey", "turnkey"),
        ("TURNKEY SOLUTIONS", "turnkey"),
        ("turn-key", "turnkey"),
        ("Info exchange/cost reduction", "info_exchange"),
        ("info   exchange  /  COST reduction", "info_exchange"),
        ("Qualification / one-time action", "qualification"),
        ("one time action", "qualification"),
        ("coordinated account strategy", "coordinated_strategy"),
        ("Joint account strategy", "coordinated_strategy"),
        ("Unique technical solutions", "technical_solution"),
        ("unique technical solution", "technical_solution"),
    ],
)
def test_nature_labels_and_variants_parse(text: str, code: str) -> None:
    assert NATURES.parse(text).code == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Traditional sales representatives and distributors", "traditional_sales"),
        ("  traditional SALES  ", "traditional_sales"),
        ("Coordinating processes and incentives for independent units", "coordinated_incentives"),
        ("ASSIGNMENT OF LEAD UNIT FOR MULTI-UNIT ACCOUNTS", "lead_unit"),
        ("Lead unit", "lead_unit"),
        ("Overlay account management group without many decision rights", "overlay_advisory"),
        ("overlay account management group with signing authority", "overlay_signing"),
        ("Common front-end sales force across all/most product groups", "common_front_end"),
        ("common front end", "common_front_end"),
        ("market-oriented bu with complete p&l authority", "market_bu"),
        ("Market BU", "market_bu"),
        ("market_bu", "market_bu"),
    ],
)
def test_approach_labels_and_variants_parse(text: str, code: str) -> None:
    assert APPROACHES.parse(text).code == code


@pytest.mark.parametrize("value", [None, np.nan, "", "   ", "cross", "turnkeys", "mega deal", 3])
def test_unknown_or_empty_values_are_not_found(value: object) -> None:
    assert NATURES.find(value) is None


def test_parse_error_names_the_value_and_what_is_accepted() -> None:
    with pytest.raises(InputError) as info:
        NATURES.parse("mega deal", column="nature")
    message = str(info.value)
    assert "'mega deal'" in message
    assert "cross_sell (Cross-sell / referral)" in message
    assert info.value.problems[0].column == "nature"


def test_normalise_folds_case_punctuation_and_spaces() -> None:
    assert normalise("  Cross-Sell/REFERRAL ") == "cross sell referral"
    assert normalise("common_front_end") == "common front end"


def test_indices_parse_a_mixed_column_in_one_go() -> None:
    s = pd.Series(["turnkey", "Cross-sell / referral", " CROSS SELL ", "info", "Turnkey"])
    got = NATURES.indices(s, "nature")
    assert got.tolist() == [5, 2, 2, 0, 5]
    assert got.dtype == np.int8


def test_indices_read_categoricals_of_labels_and_ignore_unused_categories() -> None:
    s = pd.Series(pd.Categorical(["Turnkey solutions", "Lead sharing"], categories=["Turnkey solutions", "Lead sharing", "junk"]))
    assert NATURES.indices(s, "nature").tolist() == [5, 2]


def test_indices_error_names_column_rows_values_and_accepted_values() -> None:
    s = pd.Series(["turnkey", "mega deal", "cross sell", "galaxy"], index=["o1", "o2", "o3", "o4"])
    with pytest.raises(InputError) as info:
        NATURES.indices(s, "nature")
    message = str(info.value)
    assert "Column 'nature'" in message
    assert "2 rows" in message
    assert "row o2, column 'nature': value 'mega deal'" in message
    assert "row o4, column 'nature': value 'galaxy'" in message
    assert "turnkey (Turnkey solutions)" in message
    assert [p.row for p in info.value.problems] == ["o2", "o4"]


def test_indices_error_lists_only_the_first_five_rows_but_counts_them_all() -> None:
    s = pd.Series(["nope"] * 12)
    with pytest.raises(InputError) as info:
        APPROACHES.indices(s, "approach")
    assert "12 rows" in str(info.value)
    assert len(info.value.problems) == 5
    assert "row 5" not in str(info.value)


@pytest.mark.parametrize("empty", [None, np.nan, "", "  "])
def test_empty_cells_are_reported_as_empty(empty: object) -> None:
    s = pd.Series(["turnkey", empty], dtype=object)
    with pytest.raises(InputError) as info:
        NATURES.indices(s, "nature")
    assert "row 1, column 'nature': is empty; expected a nature" in str(info.value)


def _term(code: str, rank: int, *aliases: str) -> Term:
    return Term(code=code, label=code.title(), rank=rank, aliases=aliases)


def test_a_vocabulary_rejects_an_alias_meaning_two_terms() -> None:
    with pytest.raises(ValidationError, match="would mean both"):
        Vocabulary(name="nature", terms=(_term("light", 1, "x"), _term("heavy", 2, "X")))


def test_a_vocabulary_rejects_gaps_in_ranks_and_unsorted_terms() -> None:
    with pytest.raises(ValidationError, match="ranks must be"):
        Vocabulary(name="nature", terms=(_term("light", 1), _term("heavy", 3)))
    with pytest.raises(ValidationError, match="lightest first"):
        Vocabulary(name="nature", terms=(_term("heavy", 2), _term("light", 1)))


def test_load_vocabularies_on_a_bad_file_raises_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "vocabulary.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not valid JSON \(line 1, column 2\)"):
        load_vocabularies(bad)
    bad.write_text(json.dumps({"natures": [], "approaches": []}), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"invalid vocabulary file: .*\$\.fits: Field required"):
        load_vocabularies(bad)


def _vocabulary_file() -> dict[str, Any]:
    return json.loads((DATA_DIR / "vocabulary.json").read_text(encoding="utf-8"))


def test_the_file_must_list_exactly_the_typed_codes_in_rank_order(tmp_path: Path) -> None:
    path = tmp_path / "vocabulary.json"
    raw = _vocabulary_file()
    raw["natures"][5]["code"] = "turn_key"  # a typo the code's Nature enum does not know
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"natures must list exactly the codes .* the file lists .*turn_key"):
        load_vocabularies(path)
    raw = _vocabulary_file()
    raw["fits"][1], raw["fits"][2] = raw["fits"][2], raw["fits"][1]
    raw["fits"][1]["rank"], raw["fits"][2]["rank"] = 2, 3
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match="fits must list exactly the codes realistic, overkill, insufficient"):
        load_vocabularies(path)


def test_typed_codes_are_the_vocabulary_codes() -> None:
    assert tuple(Nature) == NATURES.codes and tuple(Approach) == APPROACHES.codes and tuple(Fit) == FITS.codes
    assert Nature.CROSS_SELL == "cross_sell" and NATURES.parse("cross sell").code == Nature.CROSS_SELL


def test_the_vocabularies_load_on_first_use_not_at_import() -> None:
    code = ("import sys, gtm, gtm.domain.assess, gtm.domain.matrix, gtm.domain.diagnose, gtm.export.charts\n"
            "from gtm.domain import vocabulary\n"
            "assert vocabulary.default_vocabularies.cache_info().currsize == 0, 'read at import'\n"
            "assert gtm.NATURES.codes[0] == 'info_exchange'\n"
            "assert vocabulary.default_vocabularies.cache_info().currsize == 1\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
