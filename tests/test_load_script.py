"""scripts/load_sessions.py's own arithmetic: percentiles and when memory was back at its baseline."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from load_sessions import back_to_baseline, percentile


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 95) is None
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([float(i) for i in range(1, 101)], 95) == 95.0


def test_memory_is_back_when_it_stays_within_five_percent_of_the_baseline() -> None:
    assert back_to_baseline(200.0, [(0, 260.0), (5, 240.0), (10, 209.0), (15, 205.0)]) == 10
    assert back_to_baseline(200.0, [(0, 205.0), (5, 260.0), (10, 250.0)]) is None  # rose again: not back
    assert back_to_baseline(200.0, [(0, 260.0), (5, None)]) is None
    assert back_to_baseline(None, [(0, 100.0)]) is None
