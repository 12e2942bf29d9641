"""Frames as Arrow IPC bytes and back: equal, dtypes included, dicts shared per distinct value, nothing guessed."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gtm.domain.diagnose import _expand
from gtm.services import portfolio as portfolio_service
from gtm.services.demo import seed_demo
from gtm.storage import frame_ipc
from gtm.storage.repository import Store


def _round_trip(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    back = frame_ipc.loads(frame_ipc.dumps(frames))
    assert list(back) == list(frames)
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(back[name], frame, check_exact=True)  # values, dtypes, index, labels
    return back


def test_the_demo_portfolios_frames_come_back_exactly(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'gtm.db'}", workspace="demo")
    seed_demo(store)
    frames = portfolio_service.frames(store, snapshots=False)
    back = _round_trip(frames)
    before, after = frames["opportunities"], back["opportunities"]
    assert isinstance(after.index, pd.RangeIndex)
    assert {c: str(t) for c, t in after.dtypes.items()} == {c: str(t) for c, t in before.dtypes.items()}
    # Rows with the same signals share one dict, as when read from the database: the diagnosis expands each once.
    signals = after["signals"].dropna()
    assert len({id(d) for d in signals}) == len({pickle.dumps(d) for d in signals}) < len(signals) / 10
    pd.testing.assert_frame_equal(_expand(after["signals"]), _expand(before["signals"]))
    store.dispose()


def test_each_kind_of_column_keeps_its_values_and_missing_cells() -> None:
    shared = {"turnkey": "yes", "bu_count": "2"}
    frame = pd.DataFrame({
        "text": pd.array(["a", None, "c"], dtype="str"),
        "text_as_objects": pd.Series(["a", None, "c"], dtype=object),
        "none_and_nan": pd.Series(["a", None, np.nan], dtype=object),
        "dates": pd.Series([dt.date(2027, 1, 31), None, dt.date(2027, 1, 31)], dtype=object),
        "dicts": pd.Series([shared, None, shared], dtype=object),
        "nested": pd.Series([{"a": {"b": [1, 2.5, None]}}, {}, None], dtype=object),
        "numbers_as_objects": pd.Series([1.5, None, 2.0], dtype=object),
        "category": pd.Categorical(["x", None, "y"], categories=["y", "x", "z"], ordered=True),
        "category_unordered": pd.Categorical(["x", "x", None]),
        "float": [1.0, np.nan, -0.0],
        "int": np.array([1, 2, 3], dtype=np.int32),
        "bool": [True, False, True],
        "when": pd.to_datetime(["2024-01-01", None, "2024-02-01"], utc=True),
        "nullable": pd.array([1, None, 3], dtype="Int64"),
        "text_na": pd.array(["x", None, "z"], dtype=pd.StringDtype("python", na_value=pd.NA)),
    })
    frame.index = pd.Index(["r1", "r2", "r3"], name="row", dtype=object)
    back = _round_trip({"odd": frame, "empty": pd.DataFrame(), "sliced": frame.iloc[[2, 0]].reset_index()})["odd"]
    assert back["none_and_nan"].iloc[1] is None and isinstance(back["none_and_nan"].iloc[2], float)
    assert back["dicts"].iloc[0] is back["dicts"].iloc[2] and back["nested"].iloc[1] == {}
    assert np.signbit(back["float"].iloc[2]) and back["text_na"].iloc[1] is pd.NA
    assert back["dates"].iloc[0] == dt.date(2027, 1, 31) and back["numbers_as_objects"].tolist()[:2] == [1.5, None]


@pytest.mark.parametrize(("values", "says"), [
    ([["a"], None], "list"),
    ([(1, 2), None], "tuple"),
    ([1, 2.5], "mixed numbers"),
    ([{"a": (1, 2)}], "dict"),
    ([{1: "a"}], "dict"),
    ([dt.datetime(2024, 1, 1), None], "datetime"),
    ([{"a": np.float64(1.5)}], "dict"),
])
def test_values_that_would_come_back_different_are_refused(values: list[object], says: str) -> None:
    with pytest.raises(frame_ipc.Unsupported, match=says):
        frame_ipc.dumps({"f": pd.DataFrame({"c": pd.Series(values, dtype=object)})})
