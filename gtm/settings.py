"""Every GTM_* setting in one place: one pydantic-settings model, read from the environment when asked.

Names are ``GTM_`` + the field in capitals (``upload_max_rows`` is ``GTM_UPLOAD_MAX_ROWS``). A name from before
the settings had one scheme is still read, with a deprecation note in the log (``GTM_MAX_UPLOAD_MB`` is now
``GTM_UPLOAD_MAX_MB``). A limit that is not a positive number keeps its default and the log says which setting
and value were ignored, as the import's limits always did (tests/ingest/test_bounded_reading.py pins it).

``settings()`` looks at the environment's ``GTM_*`` variables on every call and builds the settings again only when
one of them changed since the last call (building them is about half a millisecond, looking about 20 microseconds): a
test or a server that changes a variable sees it at once. Settings a warning was logged for are built again on
each call, so the log says it each time.
"""

from __future__ import annotations

import logging
import math
import os
from typing import Any

from pydantic import AliasChoices, Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger("gtm")

# Old name -> the name that replaced it.
DEPRECATED = {"GTM_MAX_UPLOAD_MB": "GTM_UPLOAD_MAX_MB"}
_MAX = 2.0**40  # far beyond any limit a person means: also refuses inf


def _name(field: str) -> str:
    return f"GTM_{field.upper()}"


class Settings(BaseSettings):
    """The app's settings; each field's description says what it sets (README's Configuration lists them)."""

    model_config = SettingsConfigDict(env_prefix="GTM_", extra="ignore", case_sensitive=False,
                                      populate_by_name=True, frozen=True)  # frozen: one object serves many calls

    # Where the data lives
    database_url: str | None = Field(None, description="a SQLAlchemy URL; postgresql://… uses PostgreSQL")
    database_path: str | None = Field(None, description="the SQLite file when no URL is set (default var/gtm.db)")
    cache_dir: str | None = Field(None, description="the pages' snapshots (default var/cache); off: none")
    # The demo
    seed_demo: bool = Field(True, description="0: start on an empty database instead of the demo portfolio")
    demo_workshop: bool = Field(True, description="0: the demo portfolio without its workshop under way")
    # Sign-in and logs
    auth_header: str | None = Field(None, description="the trusted proxy header carrying the signed-in email")
    error_log: str | None = Field(None, description="where the command line writes traces (var/gtm-errors.log)")
    timing_log: str | None = Field(None, description="a file each page run appends a JSON line to")
    deck_fonts: str | None = Field(None, description="a folder with Liberation Sans or Arial for the hand-out")
    # Browser uploads
    upload_max_mb: float = Field(50, validation_alias=AliasChoices("GTM_UPLOAD_MAX_MB", "GTM_MAX_UPLOAD_MB"),
                                 description="the largest file a browser upload accepts")
    upload_max_rows: int = 250_000
    upload_max_columns: int = 500
    upload_max_cells: int = 10_000_000
    upload_max_cell_chars: int = 32_767
    upload_max_unzipped_mb: float = 500
    upload_max_shared_strings: int = 2_000_000
    upload_max_shared_strings_mb: float = 100
    upload_max_style_elements: int = 500_000
    upload_max_seconds: int = 120
    # The command line
    cli_max_mb: float = 400
    cli_max_rows: int = 1_048_576
    cli_max_columns: int = 2_000
    cli_max_cells: int = 40_000_000
    cli_max_cell_chars: int = 32_767
    cli_max_unzipped_mb: float = 4_000
    cli_max_shared_strings: int = 5_000_000
    cli_max_shared_strings_mb: float = 250
    cli_max_style_elements: int = 1_000_000
    cli_max_seconds: int = 900

    @field_validator("upload_max_mb", "upload_max_rows", "upload_max_columns", "upload_max_cells",
                     "upload_max_cell_chars", "upload_max_unzipped_mb", "upload_max_shared_strings",
                     "upload_max_shared_strings_mb", "upload_max_style_elements", "upload_max_seconds",
                     "cli_max_mb", "cli_max_rows", "cli_max_columns", "cli_max_cells", "cli_max_cell_chars",
                     "cli_max_unzipped_mb", "cli_max_shared_strings", "cli_max_shared_strings_mb",
                     "cli_max_style_elements", "cli_max_seconds", mode="before")
    @classmethod
    def _positive(cls, value: Any, info: ValidationInfo) -> Any:
        """A limit as people write it (1_000_000, 1,000,000, 2e6); nonsense keeps the default, said in the log."""
        field = str(info.field_name)
        default = cls.model_fields[field].default
        raw = value.strip().replace("_", "").replace(",", "") if isinstance(value, str) else value
        try:
            number = float(raw)
        except (TypeError, ValueError):
            number = math.nan
        if not 0 < number < _MAX:
            log.warning("setting %s=%r is not a positive number: %s is used", _name(field), value, default)
            _WARNED[0] += 1
            return default
        return int(number) if cls.model_fields[field].annotation in (int, "int") else number


_WARNED = [0]  # how many warnings the validators have logged
# The GTM_* variables the last settings were built from, and those settings (None: none kept).
_LAST: list[tuple[tuple[tuple[str, str], ...], Settings] | None] = [None]


def settings() -> Settings:
    """The settings as the environment has them now; a deprecated name is read, and the log says its new one."""
    for old, new in DEPRECATED.items():
        if old in os.environ and new not in os.environ:
            log.warning("setting %s is deprecated: name it %s", old, new)
    seen = tuple(sorted((k, v) for k, v in os.environ.items() if k[:4].upper() == "GTM_"))
    last = _LAST[0]
    if last is not None and last[0] == seen:
        return last[1]
    warned = _WARNED[0]
    made = Settings()  # type: ignore[call-arg]  # mypy sees fields with aliases as required; the environment fills them
    _LAST[0] = (seen, made) if _WARNED[0] == warned else None
    return made


def describe() -> list[tuple[str, Any, str]]:
    """Each setting's environment name, default and meaning (for the README's table and `--help`)."""
    return [(_name(name), f.default, f.description or "") for name, f in Settings.model_fields.items()]
