"""A page's address is its file's name: a fresh server's first request (Streamlit still in folder mode) finds the
page by its file, and a different url_path ('key-accounts' for key_accounts.py) showed 'Page not found'."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_page_is_addressed_by_its_file_name() -> None:
    pages = re.findall(r'st\.Page\("pages/(\w+)\.py".*?url_path="([^"]+)"', (ROOT / "app.py").read_text(), re.S)
    assert len(pages) >= 9
    assert [(stem, path) for stem, path in pages if stem != path] == []
