"""Property-based tests: random valid matrices, random opportunity frames, slow obvious references."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_budget import examples  # tests/hypothesis_budget.py: fewer in CI, all when thorough

from gtm.domain.assess import assess
from gtm.domain.matrix import ApproachMatrix, parse_matrix
from gtm.domain.recommend import recommend, recommend_tally, tally
from gtm.domain.vocabulary import APPROACHES, NATURES

N_NAT, N_APP = 6, 7
FIT_ORDER = {"insufficient": 0, "realistic": 1, "overkill": 2}
SETTINGS = settings(max_examples=examples(150), deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


# --- strategies ---------------------------------------------------------------------------------


@st.composite
def bands(draw: st.DrawFn) -> list[tuple[int, int]]:
    """(low, high) approach indices per nature: contiguous, both ends never falling."""
    lows = sorted(draw(st.lists(st.integers(0, N_APP - 1), min_size=N_NAT, max_size=N_NAT)))
    out: list[tuple[int, int]] = []
    prev_high = 0
    for low in lows:
        high = draw(st.integers(max(low, prev_high), N_APP - 1))
        out.append((low, high))
        prev_high = high
    return out


def to_matrix(b: list[tuple[int, int]]) -> ApproachMatrix:
    return parse_matrix(
        {"name": "random", "bands": {
            n: {"low": APPROACHES.codes[lo], "high": APPROACHES.codes[hi]} for n, (lo, hi) in zip(NATURES.codes, b, strict=True)
        }}
    )


def spellings(vocab: Any, i: int) -> list[str]:
    """Ways people write term i: code, label, case and spacing variants, aliases."""
    term = vocab.terms[i]
    return [
        term.code,
        term.label,
        term.label.upper(),
        f"  {term.label.lower()}  ",
        term.label.replace(" / ", "/"),
        *term.aliases,
    ]


def written(vocab: Any, i: int) -> st.SearchStrategy[str]:
    return st.sampled_from(spellings(vocab, i))


@st.composite
def opportunities(draw: st.DrawFn, max_rows: int = 40) -> tuple[pd.DataFrame, list[int], list[int]]:
    """A frame of nature/approach written in random ways, and the intended 0-based indices."""
    n = draw(st.lists(st.integers(0, N_NAT - 1), min_size=1, max_size=max_rows))
    a = draw(st.lists(st.integers(0, N_APP - 1), min_size=len(n), max_size=len(n)))
    mode = draw(st.sampled_from(["written", "codes", "categorical"]))
    if mode == "written":
        nat: Any = [draw(written(NATURES, i)) for i in n]
        app: Any = [draw(written(APPROACHES, i)) for i in a]
    elif mode == "codes":
        nat, app = [NATURES.codes[i] for i in n], [APPROACHES.codes[i] for i in a]
    else:
        nat = pd.Categorical.from_codes(n, dtype=NATURES.dtype)
        app = pd.Categorical.from_codes(a, dtype=APPROACHES.dtype)
    frame = pd.DataFrame({"nature": nat, "approach": app, "tag": range(len(n))})
    return frame, n, a


# --- slow, obviously correct references -----------------------------------------------------------


def reference_fit(b: list[tuple[int, int]], n: int, a: int) -> tuple[str, int]:
    low, high = b[n]
    if a < low:
        return "insufficient", low - a
    if a > high:
        return "overkill", a - high
    return "realistic", 0


def signed(fit: str, steps: int) -> int:
    return {"insufficient": -1, "realistic": 0, "overkill": 1}[fit] * steps


# --- assess -----------------------------------------------------------------------------------------


@SETTINGS
@given(b=bands(), data=opportunities())
def test_assess_agrees_with_a_per_row_reference(
    b: list[tuple[int, int]], data: tuple[pd.DataFrame, list[int], list[int]]
) -> None:
    frame, ns, as_ = data
    out = assess(frame, to_matrix(b))
    assert out["tag"].tolist() == list(range(len(ns)))
    for i, (n, a) in enumerate(zip(ns, as_, strict=True)):
        fit, steps = reference_fit(b, n, a)
        low, high = b[n]
        assert out["nature"].iloc[i] == NATURES.codes[n]
        assert out["approach"].iloc[i] == APPROACHES.codes[a]
        assert out["fit"].iloc[i] == fit
        assert out["steps"].iloc[i] == steps
        assert out["band_low"].iloc[i] == APPROACHES.codes[low]
        assert out["band_high"].iloc[i] == APPROACHES.codes[high]
        text = out["rationale"].iloc[i]
        assert f"'{APPROACHES.labels[a]}'" in text and f"'{NATURES.labels[n]}'" in text
        assert f"'{APPROACHES.labels[low]}'" in text and f"'{APPROACHES.labels[high]}'" in text
        if fit == "overkill":
            assert "likely overkill" in text and "costing more than benefits created" in text
            assert f"{steps} step" in text
        elif fit == "insufficient":
            assert "likely insufficient to accomplish objectives" in text and f"{steps} step" in text
        else:
            assert "realistic option" in text


@SETTINGS
@given(b=bands(), data=opportunities())
def test_a_heavier_approach_is_never_less_overkill(
    b: list[tuple[int, int]], data: tuple[pd.DataFrame, list[int], list[int]]
) -> None:
    _frame, ns, as_ = data
    matrix = to_matrix(b)
    keep = [i for i, a in enumerate(as_) if a < N_APP - 1]
    if not keep:
        return
    lighter = pd.DataFrame({
        "nature": [NATURES.codes[ns[i]] for i in keep],
        "approach": [APPROACHES.codes[as_[i]] for i in keep],
    })
    heavier = lighter.assign(approach=[APPROACHES.codes[as_[i] + 1] for i in keep])
    lo, hi = assess(lighter, matrix), assess(heavier, matrix)
    for i in range(len(keep)):
        f0, f1 = str(lo["fit"].iloc[i]), str(hi["fit"].iloc[i])
        assert FIT_ORDER[f1] >= FIT_ORDER[f0]
        # One row heavier moves the signed distance by exactly one, or keeps it at zero inside the band.
        d0, d1 = signed(f0, int(lo["steps"].iloc[i])), signed(f1, int(hi["steps"].iloc[i]))
        assert d1 - d0 in ((0, 1) if d0 == 0 or d1 == 0 else (1,))


@SETTINGS
@given(b=bands())
def test_a_heavier_nature_is_never_more_overkill_for_the_same_approach(b: list[tuple[int, int]]) -> None:
    m = to_matrix(b)
    frame = pd.DataFrame([(n, a) for n in NATURES.codes for a in APPROACHES.codes], columns=["nature", "approach"])
    out = assess(frame, m)
    d = np.array([signed(str(f), int(s)) for f, s in zip(out["fit"], out["steps"], strict=True)]).reshape(N_NAT, N_APP)
    assert (np.diff(d, axis=0) <= 0).all()  # down each approach column as the nature gets heavier
    assert (np.diff(d, axis=1) >= 0).all()  # along each nature row as the approach gets heavier


# --- recommend ----------------------------------------------------------------------------------------


@st.composite
def portfolios(draw: st.DrawFn) -> pd.DataFrame:
    """A few accounts with opportunities of random nature, value and (possibly missing) probability."""
    # Half the portfolios use values 1-3 and no probability: exact ties are then common, so the tie
    # rules (more value in band, then the lighter structure) get exercised.
    small = draw(st.booleans())
    values = st.integers(1, 3) if small else st.sampled_from([0, 1, 100]) | st.integers(0, 10_000)
    probabilities = st.none() if small else st.none() | st.sampled_from([50, 100]) | st.integers(0, 100)
    rows = []
    for account in range(draw(st.integers(1, 5))):
        for _ in range(draw(st.integers(1, 6))):
            n = draw(st.integers(0, N_NAT - 1))
            rows.append({
                "account_id": f"acc-{account}",
                "nature": draw(written(NATURES, n)),
                "value": draw(values),
                "probability": draw(probabilities),
                "approach": draw(written(APPROACHES, draw(st.integers(0, N_APP - 1)))),
            })
    frame = pd.DataFrame(rows)
    frame["probability"] = frame["probability"].astype(float)
    return frame


def probability(r: dict[Any, Any]) -> int:
    """The row's probability in percent; missing counts as 100."""
    return 100 if pd.isna(r["probability"]) else int(r["probability"])


def objectives(frame: pd.DataFrame, b: list[tuple[int, int]]) -> dict[str, list[tuple[Fraction, Fraction]]]:
    """Per account, per approach: (value-weighted steps outside the band, value in band), exactly."""
    out: dict[str, list[tuple[Fraction, Fraction]]] = {}
    for r in frame.to_dict("records"):
        n = NATURES.find(r["nature"])
        assert n is not None
        weight = Fraction(int(r["value"]) * probability(r), 100)
        acc = out.setdefault(r["account_id"], [(Fraction(0), Fraction(0))] * N_APP)
        for a in range(N_APP):
            fit, steps = reference_fit(b, n, a)
            cost, band = acc[a]
            acc[a] = (cost + weight * steps, band + (weight if fit == "realistic" else 0))
    return out


@SETTINGS
@given(b=bands(), frame=portfolios())
def test_recommend_picks_the_best_and_obeys_the_tie_rules(b: list[tuple[int, int]], frame: pd.DataFrame) -> None:
    out = {r["account_id"]: r for r in recommend(frame, to_matrix(b)).to_dict("records")}
    ref = objectives(frame, b)
    assert sorted(out) == sorted(ref)
    for account, per_approach in ref.items():
        pick = APPROACHES.codes.index(out[account]["recommended_approach"])
        cost, band = per_approach[pick]
        for other, (c, v) in enumerate(per_approach):
            assert cost <= c, f"{account}: {APPROACHES.codes[other]} has a lower objective"
            if c == cost:
                assert band >= v, f"{account}: {APPROACHES.codes[other]} keeps more value in band"
                if v == band:
                    assert pick <= other, f"{account}: {APPROACHES.codes[other]} is a lighter equal"
        total = sum(
            Fraction(int(r["value"]) * probability(r), 100)
            for r in frame.to_dict("records") if r["account_id"] == account
        )
        if total:
            assert abs(out[account]["recommended_in_band_share"] - float(band / total)) < 1e-9


@SETTINGS
@given(b=bands(), frame=portfolios())
def test_recommend_counts_over_and_under_served_opportunities(b: list[tuple[int, int]], frame: pd.DataFrame) -> None:
    out = {r["account_id"]: r for r in recommend(frame, to_matrix(b)).to_dict("records")}
    for account, row in out.items():
        pick = APPROACHES.codes.index(row["recommended_approach"])
        over = under = 0
        over_value = under_value = 0.0
        for r in frame.to_dict("records"):
            if r["account_id"] != account:
                continue
            n = NATURES.find(r["nature"])
            assert n is not None
            fit, _ = reference_fit(b, n, pick)
            weight = r["value"] * probability(r) / 100.0
            if fit == "overkill":
                over, over_value = over + 1, over_value + weight
            elif fit == "insufficient":
                under, under_value = under + 1, under_value + weight
        assert (row["overserved_count"], row["underserved_count"]) == (over, under)
        assert abs(row["overserved_value"] - over_value) < 1e-6
        assert abs(row["underserved_value"] - under_value) < 1e-6


@SETTINGS
@given(bs=st.lists(bands(), min_size=1, max_size=3), frame=portfolios())
def test_one_tally_recommends_under_every_matrix_as_recommend_does(bs: list[list[tuple[int, int]]],
                                                                   frame: pd.DataFrame) -> None:
    # A band edit recommends from the portfolio's tally, kept once: the same rows as recommending from scratch.
    tallied = tally(frame)
    for b in bs:
        pd.testing.assert_frame_equal(recommend_tally(tallied, to_matrix(b)), recommend(frame, to_matrix(b)),
                                      check_exact=True)
        pd.testing.assert_frame_equal(recommend_tally(tallied, to_matrix(b), rationale=False),
                                      recommend(frame.drop(columns=[]), to_matrix(b), rationale=False),
                                      check_exact=True)
