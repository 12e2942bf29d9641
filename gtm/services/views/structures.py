"""What the Structures page reads: which natures each of the seven GTM structures is realistic for under a matrix,
how many accounts are in each today and recommended for it, a role's coverage in words, and which cards a link
opens first (gtm.domain.structures)."""

from __future__ import annotations

import pandas as pd

from gtm.domain import structures
from gtm.domain.matrix import ApproachMatrix
from gtm.domain.structures import Counts, Opened


def realistic_for(matrix: ApproachMatrix) -> dict[str, tuple[str, ...]]:
    """Each structure's natures it is realistic for under ``matrix``."""
    return structures.realistic_for(matrix)


def account_counts(accounts: pd.DataFrame) -> Counts:
    """How many accounts are in each structure today, and how many are recommended for it."""
    return structures.account_counts(accounts)


def coverage_text(basis: str, ratio: float) -> str:
    """A role's coverage ratio in words (per account, per opportunity …)."""
    return structures.coverage_text(basis, ratio)


def opened(structure: str | None, compare: str | None = None) -> Opened:
    """Which cards a link opens first: the structure asked for and the one compared with it."""
    return structures.opened(structure, compare)


def playbook_link(current: str | None, recommended: str | None) -> dict[str, str]:
    """The Structures page's query for an account: its current structure and, when another, the recommended one."""
    return structures.playbook_link(current, recommended)
