"""Assessment: the fit of each opportunity's current approach to its nature, vectorised."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from gtm.domain import vocabulary as vocab
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import plural
from gtm.domain.matrix import ApproachMatrix, default_matrix
from gtm.domain.vocabulary import Vocabulary

OUTPUT_COLUMNS = ("fit", "steps", "band_low", "band_high", "rationale")


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise InputError naming every missing column and what the input has."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns)) or "no columns"
        raise InputError(
            f"{what} needs the {plural(len(missing), 'column')} {', '.join(repr(c) for c in missing)}; the input has: {have}",
            [Problem(None, c, None, "missing column") for c in missing],
        )


def nature_and_approach(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """0-based nature and approach indices of every row; one error lists the problems of both columns."""
    require_columns(frame, ("nature", "approach"), "assess")
    def parse(column: str, vocab: Vocabulary) -> np.ndarray | InputError:
        try:
            return vocab.indices(frame[column], column)
        except InputError as exc:
            return exc

    # The two columns parse independently; Arrow and pandas release the GIL, so both cores help.
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(parse, ("nature", "approach"), (vocab.NATURES, vocab.APPROACHES)))
    errors = [r for r in results if isinstance(r, InputError)]
    out = [r for r in results if not isinstance(r, InputError)]
    if errors:
        raise InputError("\n".join(str(e) for e in errors), [p for e in errors for p in e.problems])
    return out[0], out[1]


def assess(frame: pd.DataFrame, matrix: ApproachMatrix | None = None) -> pd.DataFrame:
    """Add fit, steps, band_low, band_high and rationale to each row of ``frame``.

    ``nature`` and ``approach`` may hold codes, labels or variants; they come back as ordered
    categoricals of codes. Other columns pass through untouched.
    """
    matrix = matrix or default_matrix()
    n, a = nature_and_approach(frame)
    cell = n.astype(np.intp) * len(vocab.APPROACHES) + a
    out = frame.copy(deep=False)
    out["nature"] = pd.Categorical.from_codes(n, dtype=vocab.NATURES.dtype)
    out["approach"] = pd.Categorical.from_codes(a, dtype=vocab.APPROACHES.dtype)
    out["fit"] = pd.Categorical.from_codes(matrix.fit_table.ravel()[cell], dtype=vocab.FITS.dtype)
    out["steps"] = matrix.steps_table.ravel()[cell]
    out["band_low"] = pd.Categorical.from_codes(matrix.low_index[n], dtype=vocab.APPROACHES.dtype)
    out["band_high"] = pd.Categorical.from_codes(matrix.high_index[n], dtype=vocab.APPROACHES.dtype)
    # 42 distinct sentences shared by every row: a categorical, never a million Python strings.
    out["rationale"] = pd.Categorical.from_codes(cell, categories=pd.Index(matrix.rationale_table))
    return out
