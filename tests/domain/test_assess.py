"""assess: the fit of each opportunity's approach, vectorised over a DataFrame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from domain_tables import APPROACH_CODES as APPROACH_COLUMNS
from domain_tables import DEFAULT_BANDS

from gtm.domain.assess import OUTPUT_COLUMNS, assess
from gtm.domain.errors import GtmError, InputError
from gtm.domain.matrix import default_matrix
from gtm.domain.vocabulary import APPROACHES, NATURES

# The 42 cells docs/domain.md's default band gives, typed in by hand. R realistic, O<k>/I<k> overkill/insufficient by k.
GRID = """
info_exchange         R  R  O1 O2 O3 O4 O5
qualification         I1 R  R  O1 O2 O3 O4
cross_sell            I2 I1 R  R  O1 O2 O3
coordinated_strategy  I3 I2 I1 R  R  O1 O2
technical_solution    I4 I3 I2 I1 R  R  O1
turnkey               I5 I4 I3 I2 I1 R  R
"""
FIT_NAMES = {"R": "realistic", "O": "overkill", "I": "insufficient"}
CELLS = [
    (nature, approach, FIT_NAMES[cell[0]], int(cell[1:] or 0))
    for nature, *cells in (line.split() for line in GRID.strip().splitlines())
    for approach, cell in zip(APPROACH_COLUMNS, cells, strict=True)
]


def grid_frame(as_labels: bool = False) -> pd.DataFrame:
    """All 42 cells, one row each, as codes or as labels."""
    natures = [c[0] for c in CELLS]
    approaches = [c[1] for c in CELLS]
    if as_labels:
        natures = [NATURES.label(n) for n in natures]
        approaches = [APPROACHES.label(a) for a in approaches]
    return pd.DataFrame({"nature": natures, "approach": approaches})


@pytest.mark.parametrize("as_labels", [False, True])
def test_every_cell_of_the_default_matrix(as_labels: bool) -> None:
    assert len(CELLS) == 42
    out = assess(grid_frame(as_labels))
    got = list(zip(out["nature"].astype(str), out["approach"].astype(str), out["fit"].astype(str),
                   out["steps"].astype(int), strict=True))
    assert got == CELLS
    for nature, low, high in zip(out["nature"], out["band_low"], out["band_high"], strict=True):
        assert (low, high) == DEFAULT_BANDS[nature]


def test_output_columns_and_types() -> None:
    out = assess(grid_frame())
    assert list(out.columns) == ["nature", "approach", *OUTPUT_COLUMNS]
    assert list(out["fit"].cat.categories) == ["realistic", "overkill", "insufficient"]
    assert pd.api.types.is_integer_dtype(out["steps"])
    assert list(out["band_low"].cat.categories) == list(APPROACHES.codes)
    assert list(out["nature"].cat.categories) == list(NATURES.codes)
    # 42 distinct sentences shared by every row, not one Python string per row.
    assert isinstance(out["rationale"].dtype, pd.CategoricalDtype)


def test_rationale_names_the_band_and_uses_the_decks_words() -> None:
    frame = pd.DataFrame(
        {"nature": ["cross_sell", "info_exchange", "turnkey"], "approach": ["lead_unit", "market_bu", "lead_unit"]}
    )
    r = assess(frame)["rationale"].astype(str).tolist()
    assert r[0] == (
        "'Assignment of lead unit for multi-unit accounts' is a realistic option for 'Cross-sell / referral' "
        "(realistic band: 'Assignment of lead unit for multi-unit accounts' to "
        "'Overlay account management group without many decision rights')."
    )
    assert "likely overkill" in r[1]
    assert "costing more than benefits created, possibly reducing effectiveness of component-only sale" in r[1]
    assert "5 steps above its realistic band ('Traditional sales representatives and distributors' to" in r[1]
    assert "likely insufficient to accomplish objectives for 'Turnkey solutions', 3 steps below" in r[2]
    assert all(s.count(".") == 1 and s.endswith(".") for s in r)  # one sentence each


def test_other_columns_and_the_index_pass_through_untouched() -> None:
    frame = pd.DataFrame(
        {
            "account_id": ["A", "B", "C"],
            "value": [1.5, np.nan, 3.0],
            "closes": pd.to_datetime(pd.Series(["2025-01-01", None, "2025-03-01"])).to_numpy(),
            "nature": ["Turnkey", "cross sell", "Info"],
            "approach": ["market bu", "Lead unit", "traditional_sales"],
            "owner": pd.Series([1, 2, None], dtype="Int64"),
        },
        index=pd.Index([10, 20, 30], name="opportunity"),
    )
    before = frame.copy(deep=True)
    out = assess(frame)
    pd.testing.assert_frame_equal(frame, before)  # the input is not modified
    pd.testing.assert_index_equal(out.index, frame.index)
    for col in ("account_id", "value", "closes", "owner"):
        pd.testing.assert_series_equal(out[col], frame[col])
    assert out["nature"].astype(str).tolist() == ["turnkey", "cross_sell", "info_exchange"]
    assert out["fit"].astype(str).tolist() == ["realistic", "realistic", "realistic"]


@pytest.mark.parametrize("ordered", [False, True])
def test_categorical_input_of_codes(ordered: bool) -> None:
    frame = pd.DataFrame(
        {
            "nature": pd.Categorical(["turnkey", "qualification"], categories=list(NATURES.codes), ordered=ordered),
            "approach": pd.Categorical(["lead_unit", "lead_unit"], categories=list(APPROACHES.codes)),
        }
    )
    out = assess(frame)
    assert out["fit"].astype(str).tolist() == ["insufficient", "realistic"]
    assert out["steps"].tolist() == [3, 0]


def test_categorical_input_of_labels_with_unused_categories() -> None:
    frame = pd.DataFrame(
        {
            "nature": pd.Categorical(["Turnkey solutions"], categories=["Turnkey solutions", "junk"]),
            "approach": pd.Categorical(["Market BU"], categories=["nonsense", "Market BU"]),
        }
    )
    out = assess(frame)
    assert out["fit"].astype(str).tolist() == ["realistic"]


def test_pyarrow_strings_and_objects_give_the_same_answer() -> None:
    base = grid_frame(as_labels=True)
    as_object = base.astype(object)
    as_arrow = base.astype("string[pyarrow]")
    a, b = assess(as_object), assess(as_arrow)
    pd.testing.assert_series_equal(a["fit"], b["fit"])
    pd.testing.assert_series_equal(a["rationale"], b["rationale"])


def test_missing_columns_are_named_with_what_the_input_has() -> None:
    with pytest.raises(InputError) as info:
        assess(pd.DataFrame({"nature": ["turnkey"], "stage": ["won"]}))
    assert "assess needs the column 'approach'; the input has: nature, stage" in str(info.value)
    with pytest.raises(InputError, match="'nature', 'approach'"):
        assess(pd.DataFrame({"x": [1]}))


def test_unknown_label_names_column_row_value_and_accepted_values() -> None:
    frame = pd.DataFrame(
        {"nature": ["turnkey", "mega deal"], "approach": ["market_bu", "key account team"]},
        index=["opp-1", "opp-2"],
    )
    with pytest.raises(InputError) as info:
        assess(frame)
    message = str(info.value)
    # Both columns are reported in one error.
    assert "row opp-2, column 'nature': value 'mega deal': is not a known nature" in message
    assert "row opp-2, column 'approach': value 'key account team': is not a known approach" in message
    assert "cross_sell (Cross-sell / referral)" in message
    assert "lead_unit (Assignment of lead unit for multi-unit accounts)" in message
    assert len(info.value.problems) == 2
    assert isinstance(info.value, GtmError) and isinstance(info.value, ValueError)


def test_empty_cells_are_reported_as_empty() -> None:
    frame = pd.DataFrame({"nature": ["turnkey", None, "  "], "approach": ["market_bu", "lead_unit", "lead_unit"]})
    with pytest.raises(InputError) as info:
        assess(frame)
    assert "row 1, column 'nature': is empty; expected a nature" in str(info.value)
    assert "row 2, column 'nature': is empty; expected a nature" in str(info.value)


def test_a_custom_matrix_changes_the_verdict() -> None:
    wider = default_matrix().with_band("turnkey", "overlay_signing", "market_bu")
    frame = pd.DataFrame({"nature": ["turnkey"], "approach": ["overlay_signing"]})
    assert assess(frame)["fit"].iloc[0] == "insufficient"
    out = assess(frame, wider)
    assert out["fit"].iloc[0] == "realistic"
    assert out["band_low"].iloc[0] == "overlay_signing"
    assert "'Overlay account management group with signing authority' to" in out["rationale"].iloc[0]


def test_an_empty_frame_gives_an_empty_assessment() -> None:
    out = assess(pd.DataFrame({"nature": pd.Series([], dtype=str), "approach": pd.Series([], dtype=str)}))
    assert len(out) == 0
    assert set(OUTPUT_COLUMNS) <= set(out.columns)
