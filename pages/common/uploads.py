"""Every upload's one way in: a file bounded in size, read only when the person asks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from gtm.display import plain


@dataclass(frozen=True)
class Upload:
    """A file a person uploaded: its name, bytes and digest, and whether they asked to read it yet."""

    name: str
    data: bytes
    digest: str
    read: bool


def read_upload(label: str, key: str, *, types: list[str], max_bytes: int, help: str | None = None,
                what: str = "", button_key: str | None = None) -> Upload | None:
    """Every upload's one way in: a file uploader bounded to ``max_bytes`` (in the browser and on the server) whose
    file is read only when the person asks ("Read the file"), so that an upload alone costs the server nothing.
    None: no file (or one over the size, said). Show it only to who may use what it reads: the service that reads
    the bytes checks the role again, within its own limits."""
    upload = st.file_uploader(label, type=types, key=key, help=help, max_upload_size=max(1, max_bytes // 2**20))
    if upload is None:
        st.session_state.pop(f"{key}__read", None)
        return None
    if upload.size > max_bytes:
        st.error(f"{plain(upload.name)} is {upload.size:,} bytes; at most {max_bytes:,} are read here.",
                 icon=":material/error:")
        return None
    raw = upload.getvalue()
    digest = hashlib.sha256(raw).hexdigest()[:16]
    if st.session_state.get(f"{key}__read") != digest:
        st.caption(f"{plain(upload.name)} · {len(raw):,} bytes. Read it to check it before anything is used{what}.")
        if st.button("Read the file", type="primary", key=button_key or f"{key}__read_button"):
            st.session_state[f"{key}__read"] = digest
            st.rerun()
        return Upload(upload.name, raw, digest, read=False)
    return Upload(upload.name, raw, digest, read=True)
