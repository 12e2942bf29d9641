"""The Structures page's cards (the playbook of the seven GTM structures): which natures each structure is realistic
for under a matrix, how many accounts are in it today and recommended for it, a role's coverage ratio in words, and
which cards a link opens first. Pure: no storage, no Streamlit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gtm.domain import vocabulary as vocab
from gtm.domain.economics import structure_counts
from gtm.domain.matrix import REALISTIC, ApproachMatrix
from gtm.domain.portfolio import assumed_approach

# How a role is filled, in words (playbook.Role.source).
SOURCE_WORDS: Mapping[str, str] = {"hire": "hired", "assign": "assigned from existing staff, no new position"}


def realistic_for(matrix: ApproachMatrix) -> dict[str, tuple[str, ...]]:
    """For each approach code (lightest first), the nature codes (lightest first) whose band holds it; an empty tuple
    where the matrix makes the structure realistic for no nature."""
    realistic = matrix.fit_table == REALISTIC  # natures x approaches
    natures = np.array(vocab.NATURES.codes, dtype=object)
    return {code: tuple(str(n) for n in natures[realistic[:, i]]) for i, code in enumerate(vocab.APPROACHES.codes)}


@dataclass(frozen=True)
class Counts:
    """How many accounts each structure holds today and is recommended for (every approach code named, 0 where
    none). ``assumed``: accounts with no structure recorded, counted in the lightest (as on every page);
    ``no_recommendation``: accounts with nothing diagnosed, in no structure's recommended count."""

    accounts: int
    today: dict[str, int]
    recommended: dict[str, int]
    assumed: int
    no_recommendation: int


def account_counts(accounts: pd.DataFrame) -> Counts:
    """Count the accounts (one row each, columns ``current_approach`` and ``recommended_approach``, either may be
    missing or empty) per structure today and recommended."""
    n = len(accounts)
    empty = pd.Series([None] * n, index=accounts.index, dtype=object)
    current = accounts["current_approach"].astype(object) if "current_approach" in accounts else empty
    recommended = accounts["recommended_approach"].astype(object) if "recommended_approach" in accounts else empty
    assumed = current.isna()
    return Counts(accounts=n, today=structure_counts(current.where(~assumed, assumed_approach())),
                  recommended=structure_counts(recommended.dropna()), assumed=int(assumed.sum()),
                  no_recommendation=int(recommended.isna().sum()))


def coverage_text(basis: str, ratio: float) -> str:
    """A role's coverage ratio as people read it: "1 per 3 accounts", "2 per account", "1 for the whole programme"
    (``basis`` is playbook.Role.basis: accounts per person, or people for the whole programme)."""
    if basis == "programme":
        return f"{ratio:.3g} for the whole programme"
    if ratio >= 1:
        return "1 per account" if ratio == 1 else f"1 per {ratio:.3g} accounts"
    return f"{1 / ratio:.3g} per account"


@dataclass(frozen=True)
class Opened:
    """The cards a link asks for: ``first`` (one, or two side by side to compare) with a marker, then ``rest``,
    lightest first; ``problems``: one sentence per asked value that names no structure."""

    first: tuple[str, ...]
    rest: tuple[str, ...]
    problems: tuple[str, ...]


def opened(structure: str | None, compare: str | None = None) -> Opened:
    """The cards ``?structure=<code>&compare=<code>`` opens first; a code, label or obvious variant names a structure
    (as everywhere), anything else is said with the accepted codes and every card is still shown."""
    first: list[str] = []
    problems: list[str] = []
    for param, value in (("structure", structure), ("compare", compare)):
        if value is None or not str(value).strip():
            continue
        i = vocab.APPROACHES.find(value)
        if i is None:
            problems.append(f"The link asks for {param} '{value}', which names none of the seven structures; "
                            f"accepted: {', '.join(vocab.APPROACHES.codes)}. All seven are shown below.")
        elif vocab.APPROACHES.codes[i] not in first:
            first.append(vocab.APPROACHES.codes[i])
    return Opened(first=tuple(first), rest=tuple(c for c in vocab.APPROACHES.codes if c not in first),
                  problems=tuple(problems))


def playbook_link(current: str | None, recommended: str | None) -> dict[str, str]:
    """The Structures page's query for an account: its current structure (none recorded: the lightest, assumed as
    on every page) and, when another, the recommended one to compare it with."""
    shown = current or assumed_approach()
    return {"structure": shown, **({"compare": recommended} if recommended and recommended != shown else {})}
