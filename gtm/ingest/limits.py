"""How much of a file an import reads: bytes, rows, columns, cells and cell length, per profile.

Two profiles. ``Limits.upload()`` is for files people upload in the browser: tight, so that one upload can
neither exhaust the server's memory nor hold its CPU for long while other people use the app.
``Limits.command_line()`` is for administrators on the command line: it reads a 1,000,000-row CRM export.
Every limit can be raised (or lowered) with a setting (gtm.settings) named in the message of the refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from gtm.settings import settings

Profile = Literal["upload", "command line"]
_MB = 1024 * 1024
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
EXCEL_MAX_CELL_CHARS = 32_767
_SHARED_STRINGS = "distinct texts in its shared-strings table"
_SHARED_STRINGS_SIZE = "the uncompressed size of its shared-strings table"
_STYLES = "elements in its styles part (cell formats, fonts, fills, borders ...)"


@dataclass(frozen=True)
class Limit:
    """One limit: its value, what it counts (for messages) and the environment variable that sets it."""

    value: int
    what: str
    setting: str


@dataclass(frozen=True)
class Limits:
    """The bounds of one read. A file beyond any of them is refused before it is read whole.

    - ``max_bytes``: the file's size.
    - ``max_rows``: the last spreadsheet row holding a record (row 1 is the header), counted as read.
    - ``max_columns``: the widest row, and for XLSX the width the sheet declares (``<dimension ref>``).
    - ``max_cells``: rows x columns of the grid read, the bound on memory for wide and long files alike.
    - ``max_cell_chars``: one cell's length (Excel itself holds at most 32,767 characters in a cell).
    - ``max_unzipped_bytes``: for XLSX, the uncompressed size of the archive, which a tiny file can inflate.
    - ``max_shared_strings`` and ``max_shared_strings_bytes``: for XLSX, the entries and the uncompressed size of
      the shared-strings table (the workbook's distinct texts), which is held whole before any row is read.
    - ``max_style_elements``: for XLSX, the elements of the styles part, each of which openpyxl makes an object
      of before any row is read (Excel itself keeps at most 64,000 cell formats).
    - ``max_seconds``: the time one read may take; the read stops between blocks of rows once it is over.
    """

    profile: Profile
    max_bytes: Limit
    max_rows: Limit
    max_columns: Limit
    max_cells: Limit
    max_cell_chars: Limit
    max_unzipped_bytes: Limit
    max_shared_strings: Limit
    max_shared_strings_bytes: Limit
    max_style_elements: Limit
    max_seconds: Limit

    @classmethod
    def upload(cls) -> Limits:
        """Browser uploads: 50 MB (GTM_UPLOAD_MAX_MB), 250,000 rows, 500 columns, 10 million cells, 120 seconds.

        A 250,000-row export of 16 columns reads in about 1 s as CSV, 17 to 27 s as XLSX, and 40 to 63 s as XLSX
        with its texts inline (as openpyxl and pandas write them), in about 230 MB, on two busy cores. It holds
        about 500,000 distinct texts (15 MB of shared strings): a quarter of the 2,000,000 allowed, which openpyxl
        holds in about 375 MB, as it does a styles part at its limit. scripts/bench_read.py measures these.
        """
        return cls._from_settings("upload", "upload")

    @classmethod
    def command_line(cls) -> Limits:
        """The command line: 400 MB (GTM_CLI_MAX_MB), 1,048,575 data rows (all Excel holds), 2,000 columns, 15 minutes.

        A 1,000,000-row opportunities export of about 16 columns (160 MB) reads in well under 1 GB of memory; the
        5,000,000 distinct texts its shared strings may hold cost openpyxl about 950 MB and 30 to 40 s.
        """
        return cls._from_settings("command line", "cli")

    @classmethod
    def _from_settings(cls, profile: Profile, prefix: str) -> Limits:
        """The limits of ``profile`` from the settings ``{prefix}_max_*`` (environment GTM_{PREFIX}_MAX_*)."""
        s, env = settings(), f"GTM_{prefix.upper()}_MAX"

        def setting(name: str) -> Any:  # the field as the settings typed it (megabytes may be fractional)
            return getattr(s, f"{prefix}_max_{name}")

        return cls(
            profile,
            _mb(setting("mb"), f"{env}_MB", "the file's size"),
            Limit(setting("rows"), "rows", f"{env}_ROWS"),
            Limit(setting("columns"), "columns", f"{env}_COLUMNS"),
            Limit(setting("cells"), "cells (rows x columns)", f"{env}_CELLS"),
            Limit(setting("cell_chars"), "characters in one cell", f"{env}_CELL_CHARS"),
            _mb(setting("unzipped_mb"), f"{env}_UNZIPPED_MB", "the workbook's uncompressed size"),
            Limit(setting("shared_strings"), _SHARED_STRINGS, f"{env}_SHARED_STRINGS"),
            _mb(setting("shared_strings_mb"), f"{env}_SHARED_STRINGS_MB", _SHARED_STRINGS_SIZE),
            Limit(setting("style_elements"), _STYLES, f"{env}_STYLE_ELEMENTS"),
            Limit(setting("seconds"), "seconds of reading", f"{env}_SECONDS"),
        )

    def with_max_bytes(self, max_bytes: int | None) -> Limits:
        """These limits with another size limit; None lifts it (for scripts and tests reading known files)."""
        value = max_bytes if max_bytes is not None else 2**62
        return replace(self, max_bytes=replace(self.max_bytes, value=value))


def _mb(megabytes: float, name: str, what: str) -> Limit:
    return Limit(int(megabytes * _MB), what, name)
