"""How many examples a property test tries (tests/ is on sys.path: test files import this by name).

A test that tries hundreds tries a third of them, at least 50, in the default profile that CI and everyday runs use
(``ci``, loaded by tests/conftest.py), and its full number under ``pytest --hypothesis-profile=thorough``, the broad
run to make locally before changing a property's code. Tests that try fewer than 150 keep their number in both."""

from __future__ import annotations

from hypothesis import settings


def examples(n: int) -> int:
    """``n`` under the thorough profile; otherwise a third of ``n`` (at least 50, never more than ``n``) when ``n``
    is 150 or more."""
    if settings.get_current_profile_name() == "thorough" or n < 150:
        return n
    return min(n, max(50, n // 3))
