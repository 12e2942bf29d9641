"""Encodings: a CSV file's bytes as UTF-8, whatever it was saved in (BOM, UTF-8, UTF-16, cp1252, guessed)."""

from __future__ import annotations

import codecs
import io

from gtm.domain.errors import InputError, Problem
from gtm.ingest.reading import _PIECE, _SNIFF_CHARS, _Deadline, _not_a_spreadsheet, _truncated


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when every other byte is NUL, as in BOM-less UTF-16 text."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _decode(data: bytes, label: str, deadline: _Deadline) -> tuple[bytes, str, list[str]]:
    """The file as UTF-8 bytes (``data`` itself when it is UTF-8), the encoding found and notes.

    Order: BOM, strict UTF-8, UTF-16 heuristics, cp1252, charset-normalizer. Text is checked and converted a
    few megabytes at a time, so a large file never sits in memory as a Python string.
    """
    notes: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        try:
            _check_utf8(data, 3, deadline)
        except UnicodeDecodeError as exc:
            if exc.end >= len(data) - 3:
                raise _truncated(label, "it ends in the middle of a character") from None
            raise InputError(f"{label} starts as UTF-8 text but is not (byte {exc.start}). Save it as CSV UTF-8.",
                             [Problem(None, None, None, "invalid utf-8 text")]) from None
        return data, "utf-8-sig", notes
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        order = "little" if data.startswith(codecs.BOM_UTF16_LE) else "big"
        notes.append(f"Decoded as UTF-16 ({order}-endian), as Excel writes 'Unicode text' files.")
        return _to_utf8(data, "utf-16", label, deadline), "utf-16", notes
    try:
        _check_utf8(data, 0, deadline)
        return data, "utf-8", notes
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end >= len(data) - 3:
            # The file ends in the middle of a multi-byte character: it was cut off, not cp1252.
            raise _truncated(label, "it ends in the middle of a character") from None
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        notes.append("Decoded as UTF-16 without a byte-order mark.")
        return _to_utf8(data, utf16, label, deadline), "utf-16", notes
    if b"\x00" in data[:_SNIFF_CHARS]:
        raise _not_a_spreadsheet(label, "a binary file")
    try:
        payload = _to_utf8(data, "cp1252", label, deadline, strict_errors=True)
        notes.append("Decoded as cp1252 (Windows Western European); the file is not valid UTF-8.")
        return payload, "cp1252", notes
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported lazily: rarely needed, slow to import

    best = from_bytes(data[: 1024 * 1024]).best()
    if best is not None and best.encoding:
        try:
            payload = _to_utf8(data, best.encoding, label, deadline, strict_errors=True)
            notes.append(f"Decoded as {best.encoding} (guessed; the file is neither UTF-8 nor cp1252).")
            return payload, best.encoding, notes
        except (UnicodeDecodeError, LookupError):
            pass
    notes.append("Decoded as latin-1 (guessed); some characters may be wrong. Save the file as CSV UTF-8.")
    return _to_utf8(data, "latin-1", label, deadline), "latin-1", notes


def _check_utf8(data: bytes, start: int, deadline: _Deadline) -> None:
    """Raise UnicodeDecodeError (positions in ``data``) unless ``data[start:]`` is UTF-8; a few MB at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for at in range(start, max(len(data), start + 1), _PIECE):
        pending = len(decoder.getstate()[0])  # bytes of a character cut by the previous piece
        try:
            decoder.decode(view[at:at + _PIECE], final=at + _PIECE >= len(data))
        except UnicodeDecodeError as exc:
            raise UnicodeDecodeError("utf-8", data, at + exc.start - pending, at + exc.end - pending,
                                     exc.reason) from None
        deadline.check(f"checking its text at byte {min(at + _PIECE, len(data)):,}")


def _to_utf8(data: bytes, encoding: str, label: str, deadline: _Deadline, *, strict_errors: bool = False) -> bytes:
    """``data`` re-encoded from ``encoding`` to UTF-8, a few MB at a time.

    A decoding error is raised as is when ``strict_errors`` (the caller tries another encoding), else as InputError.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    out = io.BytesIO()
    view = memoryview(data)
    for at in range(0, max(len(data), 1), _PIECE):
        try:
            out.write(decoder.decode(view[at:at + _PIECE], final=at + _PIECE >= len(data)).encode("utf-8"))
        except UnicodeDecodeError as exc:
            if strict_errors:
                raise
            if at + exc.end >= len(data) - 3:
                raise _truncated(label, "it ends in the middle of a character") from None
            raise InputError(f"{label} is not valid {encoding} text (byte {at + exc.start}). Save it as CSV UTF-8.",
                             [Problem(None, None, None, f"invalid {encoding} text")]) from None
        except UnicodeEncodeError:  # lone surrogates in UTF-16: no text can hold them
            raise InputError(f"{label} is not valid {encoding} text (a lone surrogate near byte {at}). "
                             "Save it as CSV UTF-8.", [Problem(None, None, None, f"invalid {encoding} text")]) from None
        deadline.check(f"converting its text at byte {min(at + _PIECE, len(data)):,}")
    return out.getvalue()


