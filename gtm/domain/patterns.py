"""Patterns people type (a diagnosis rule's ``matches``): compiled with RE2, so a search runs in linear time.

Python's ``re`` backtracks: ``^(\\D+)+\\d`` on a long cell takes exponential time and holds the server's CPU
for everyone. RE2 (Google's automaton-based engine) never backtracks; what it cannot run in linear time
(backreferences, lookaround) it refuses, and so do we, at entry, with a sentence that says why.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import re2

MAX_PATTERN = 300  # characters: a rule's pattern is a few words or a short alternation, never a program
_MAX_MEMORY = 8 * 1024 * 1024  # bytes RE2 may use to compile one pattern (its default is 8 MiB too, made explicit)

# Constructs a backtracking engine needs and RE2 refuses, each with what to write instead.
_UNSUPPORTED: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\\[1-9]|\(\?P=\w+\)|\\k<"), "a backreference (\\1, (?P=name)): it makes matching take "
                                             "exponential time; repeat the words instead"),
    (re.compile(r"\(\?<?[=!]"), "a lookahead or lookbehind ((?=…), (?!…), (?<=…), (?<!…)): it makes matching "
                                "backtrack; use two conditions on the column instead"),
    (re.compile(r"\(\?>"), "an atomic group ((?>…)): write the group without it, it is not needed here"),
    (re.compile(r"\(\?\("), "a conditional group ((?(…)…|…)): use two rules instead"),
    (re.compile(r"[*+?}][+]"), "a possessive quantifier (*+, ++, ?+): write the plain quantifier, matching is "
                               "linear anyway"),
)


class PatternError(ValueError):
    """A pattern refused at entry; the message says why in a sentence, and what to write instead."""


def _options() -> Any:
    options = re2.Options()
    options.case_sensitive = False  # rules match in any case, as people write "Turnkey" and "TURNKEY"
    options.log_errors = False  # the refusal is ours to word, not a line on the server's stderr
    options.max_mem = _MAX_MEMORY
    return options


def check(pattern: str) -> None:
    """Raise PatternError unless ``pattern`` is a regular expression that runs in linear time (RE2 syntax)."""
    compile_pattern(pattern)


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Any:
    """The pattern compiled by RE2 (any case); PatternError names what is refused: length, construct, syntax."""
    if len(pattern) > MAX_PATTERN:
        raise PatternError(f"the pattern is {len(pattern):,} characters; at most {MAX_PATTERN} are accepted (a "
                           "few words, or words joined with |)")
    for construct, why in _UNSUPPORTED:
        if construct.search(pattern):
            raise PatternError(f"the pattern {pattern!r} uses {why}")
    try:
        return re2.compile(pattern, _options())
    except re2.error as exc:
        detail = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        if "pattern too large" in detail or "repetition size" in detail:
            raise PatternError(f"the pattern {pattern!r} would need too much memory to run (large or nested "
                               "repetition counts); write it with fewer repetitions") from None
        raise PatternError(f"the pattern {pattern!r} is not a valid regular expression ({detail})") from None


def search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` is found anywhere in ``text`` (any case), in time linear in the text."""
    return compile_pattern(pattern).search(text) is not None
