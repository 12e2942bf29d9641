"""The approach matrix: the default band, every cell's fit, and validation of edited matrices."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from domain_tables import APPROACH_CODES as APPROACH_COLUMNS
from domain_tables import DEFAULT_BANDS

from gtm.domain.errors import ConfigError
from gtm.domain.matrix import ApproachMatrix, default_matrix, load_matrix, parse_matrix
from gtm.domain.vocabulary import DATA_DIR

# Every cell of the default matrix, worked out by hand from docs/domain.md's band (tests/domain_tables.py).
# R = realistic, O<k> = overkill by k steps, I<k> = insufficient by k steps.
# Columns, lightest first: traditional_sales, coordinated_incentives, lead_unit, overlay_advisory,
# overlay_signing, common_front_end, market_bu.
EXPECTED_GRID = {
    "info_exchange":        ("R",  "R",  "O1", "O2", "O3", "O4", "O5"),
    "qualification":        ("I1", "R",  "R",  "O1", "O2", "O3", "O4"),
    "cross_sell":           ("I2", "I1", "R",  "R",  "O1", "O2", "O3"),
    "coordinated_strategy": ("I3", "I2", "I1", "R",  "R",  "O1", "O2"),
    "technical_solution":   ("I4", "I3", "I2", "I1", "R",  "R",  "O1"),
    "turnkey":              ("I5", "I4", "I3", "I2", "I1", "R",  "R"),
}  # fmt: skip

FIT_NAMES = {"R": "realistic", "O": "overkill", "I": "insufficient"}


def expected_cells() -> list[tuple[str, str, str, int]]:
    """(nature, approach, fit, steps) for the 42 cells of EXPECTED_GRID."""
    out = []
    for nature, row in EXPECTED_GRID.items():
        for approach, cell in zip(APPROACH_COLUMNS, row, strict=True):
            out.append((nature, approach, FIT_NAMES[cell[0]], int(cell[1:] or 0)))
    return out


CELLS = expected_cells()


def default_raw() -> dict[str, Any]:
    """The default matrix as a plain dict, ready to be broken by a test."""
    return {
        "name": "test",
        "bands": {n: {"low": lo, "high": hi} for n, (lo, hi) in DEFAULT_BANDS.items()},
    }


def test_the_grid_has_42_cells() -> None:
    assert len(CELLS) == 42


def test_default_matrix_comes_from_the_data_file_with_the_domain_band() -> None:
    m = default_matrix()
    assert m == load_matrix(DATA_DIR / "matrix.json")
    assert {n: (b.low, b.high) for n, b in m.bands.items()} == DEFAULT_BANDS


@pytest.mark.parametrize(("nature", "approach", "fit", "steps"), CELLS)
def test_every_cell_of_the_default_matrix(nature: str, approach: str, fit: str, steps: int) -> None:
    assert default_matrix().fit(nature, approach) == (fit, steps)


def test_cells_can_be_asked_by_label() -> None:
    m = default_matrix()
    assert m.fit("Turnkey", "Traditional sales representatives and distributors") == ("insufficient", 5)
    assert m.fit("  CROSS-SELL/REFERRAL ", "lead unit") == ("realistic", 0)


def test_explanations_use_the_decks_words_and_name_the_band() -> None:
    m = default_matrix()
    realistic = m.explain("cross_sell", "lead_unit")
    assert "realistic option" in realistic
    assert (
        "'Assignment of lead unit for multi-unit accounts' to "
        "'Overlay account management group without many decision rights'"
    ) in realistic
    overkill = m.explain("info_exchange", "market_bu")
    assert "likely overkill" in overkill
    assert "5 steps above" in overkill
    assert "costing more than benefits created" in overkill
    assert "possibly reducing effectiveness of component-only sale" in overkill
    insufficient = m.explain("turnkey", "overlay_signing")
    assert "likely insufficient to accomplish objectives" in insufficient
    assert "1 step below" in insufficient
    assert "'Common front-end sales force across all/most product groups' to" in insufficient


def test_a_single_approach_band_reads_only() -> None:
    raw = default_raw()
    raw["bands"]["turnkey"] = {"low": "market_bu", "high": "market_bu"}
    m = parse_matrix(raw)
    assert m.band_text("turnkey") == "'Market-oriented BU with complete P&L authority' only"
    assert m.fit("turnkey", "common_front_end") == ("insufficient", 1)


def test_labels_are_accepted_in_the_file_and_stored_as_codes() -> None:
    raw = default_raw()
    raw["bands"] = {
        "Info exchange / cost reduction": {"low": "Traditional sales", "high": "COORDINATED INCENTIVES"},
        **{k: v for k, v in raw["bands"].items() if k != "info_exchange"},
    }
    m = parse_matrix(raw)
    assert m.bands["info_exchange"].low == "traditional_sales"
    assert m.bands["info_exchange"].high == "coordinated_incentives"
    assert list(m.bands) == list(DEFAULT_BANDS)


def test_equal_neighbouring_ends_and_wide_bands_are_valid() -> None:
    raw = default_raw()
    raw["bands"]["info_exchange"] = {"low": "traditional_sales", "high": "lead_unit"}
    raw["bands"]["qualification"] = {"low": "traditional_sales", "high": "lead_unit"}
    m = parse_matrix(raw)
    assert m.fit("qualification", "traditional_sales") == ("realistic", 0)


def _error(raw: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as info:
        parse_matrix(raw, source="edited.json")
    message = str(info.value)
    assert message.startswith("edited.json: invalid matrix")
    return message


def test_missing_nature_is_named() -> None:
    raw = default_raw()
    del raw["bands"]["turnkey"]
    message = _error(raw)
    assert "no band for the nature Turnkey solutions" in message


def test_unknown_approach_names_the_nature_and_the_value() -> None:
    raw = default_raw()
    raw["bands"]["cross_sell"]["high"] = "account team"
    message = _error(raw)
    assert "cross_sell" in message
    assert "'account team' is not an approach" in message


def test_unknown_nature_is_named() -> None:
    raw = default_raw()
    raw["bands"]["mega_deal"] = {"low": "market_bu", "high": "market_bu"}
    assert "'mega_deal' is not a nature" in _error(raw)


def test_the_same_nature_twice_is_refused() -> None:
    raw = default_raw()
    raw["bands"]["Turnkey solutions"] = {"low": "market_bu", "high": "market_bu"}
    assert "Turnkey solutions: two bands given" in _error(raw)


def test_low_above_high_names_the_nature() -> None:
    raw = default_raw()
    raw["bands"]["qualification"] = {"low": "lead_unit", "high": "coordinated_incentives"}
    message = _error(raw)
    assert "Qualification / one-time action: the band's lower end" in message
    assert "heavier than its upper end" in message


def test_a_falling_low_end_names_the_nature() -> None:
    raw = default_raw()
    # cross_sell's low end (traditional sales) falls below qualification's (coordinated incentives).
    raw["bands"]["cross_sell"] = {"low": "traditional_sales", "high": "overlay_advisory"}
    message = _error(raw)
    assert "Cross-sell / referral: the band's lower end" in message
    assert "falls below that of the lighter nature Qualification / one-time action" in message


def test_a_falling_high_end_names_the_nature() -> None:
    raw = default_raw()
    # technical_solution's high end (overlay advisory) falls below coordinated_strategy's (overlay signing);
    # its low end (overlay advisory) equals its neighbour's, which is allowed.
    raw["bands"]["technical_solution"] = {"low": "overlay_advisory", "high": "overlay_advisory"}
    message = _error(raw)
    assert "Unique technical solutions: the band's upper end" in message
    assert "falls below that of the lighter nature Coordinated account strategy" in message


@pytest.mark.parametrize(
    "bands",
    [
        None,
        [],
        {"turnkey": "market_bu"},
    ],
)
def test_malformed_bands_raise_config_error(bands: Any) -> None:
    raw = default_raw()
    raw["bands"] = bands
    _error(raw)


def test_extra_keys_in_a_band_are_refused() -> None:
    raw = default_raw()
    raw["bands"]["turnkey"]["middle"] = "market_bu"
    assert "turnkey" in _error(raw)


def test_load_matrix_names_the_file_and_the_nature(tmp_path: Path) -> None:
    raw = default_raw()
    raw["bands"]["coordinated_strategy"] = {"low": "overlay_signing", "high": "overlay_advisory"}
    path = tmp_path / "matrix.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_matrix(path)
    assert str(path) in str(info.value)
    assert "Coordinated account strategy" in str(info.value)


def test_load_matrix_on_bad_json_says_where(tmp_path: Path) -> None:
    path = tmp_path / "matrix.json"
    path.write_text('{"bands": {"turnkey": {"low": "market_bu",,}}}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not valid JSON \(line 1, column"):
        load_matrix(path)


def test_load_matrix_on_a_missing_file_or_a_list(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the matrix"):
        load_matrix(tmp_path / "absent.json")
    path = tmp_path / "list.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ConfigError, match="JSON object"):
        load_matrix(path)


def test_round_trip_through_json(tmp_path: Path) -> None:
    m = parse_matrix(default_raw())
    path = tmp_path / "m.json"
    path.write_text(m.to_json(), encoding="utf-8")
    again = load_matrix(path)
    assert again == m
    assert again.fingerprint == m.fingerprint


def test_with_band_changes_one_nature_or_refuses() -> None:
    m = default_matrix()
    wider = m.with_band("cross_sell", "coordinated_incentives", "overlay_advisory")
    assert wider.fit("cross_sell", "coordinated_incentives") == ("realistic", 0)
    assert m.fit("cross_sell", "coordinated_incentives") == ("insufficient", 1)  # the original is untouched
    assert wider.fingerprint != m.fingerprint
    with pytest.raises(ConfigError, match="Cross-sell / referral"):
        m.with_band("cross_sell", "market_bu", "market_bu")


def test_tables_are_consistent_with_fit() -> None:
    m = default_matrix()
    assert parse_matrix(default_raw()).fit_table.tolist() == m.fit_table.tolist()
    assert m.steps_table.shape == (6, 7)
    assert len(m.rationale_table) == 42
    assert isinstance(m, ApproachMatrix)


def test_grid_marks_every_realistic_cell() -> None:
    *cells, legend = default_matrix().grid().splitlines()
    assert legend.startswith("[R] realistic option")
    assert sum(line.count("[R]") for line in cells) == 12  # two realistic approaches per nature
