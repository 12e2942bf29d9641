"""Errors for people: every problem names the row, the column, the value and what is accepted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one cell (or one row, or one whole file)."""

    row: Any
    column: str | None
    value: Any
    reason: str

    def __str__(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        where = ", ".join(parts)
        value = "" if self.value is None else f" value {self.value!r}:"
        head = f"{where}:" if where else ""
        return " ".join(p for p in (head, value.strip(), self.reason) if p)


class GtmError(ValueError):
    """Base class for every user-facing error raised by gtm; its message is safe to show as is."""


class InputError(GtmError):
    """Input data did not validate; ``problems`` lists each offending cell."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(message)

    @classmethod
    def from_problems(cls, summary: str, problems: Iterable[Problem], limit: int = 5) -> InputError:
        """Build an error whose message lists the first ``limit`` problems."""
        problems = list(problems)
        lines = [summary] + [f"  - {p}" for p in problems[:limit]]
        if len(problems) > limit:
            lines.append(f"  ... and {len(problems) - limit} more")
        return cls("\n".join(lines), problems)


class ConfigError(GtmError):
    """A data file (matrix, vocabulary, diagnosis table, mapping) is invalid."""


class DatabaseUnavailable(ConfigError):
    """The database could not be opened (unreachable server, wrong credentials, unreadable file).

    Its message is a plain sentence for anyone; ``detail`` (the driver's words: host, port, role) is for the log
    and for administrators at the command line, never for a page.
    """

    def __init__(self, message: str, detail: str) -> None:
        self.detail = detail
        super().__init__(message)


class PermissionDenied(GtmError):
    """The acting user may not do this."""


class WriteConflict(GtmError):
    """Another change was being written at the same moment and the database refused this one; trying again works."""
