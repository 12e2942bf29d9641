"""AppTest of the path between pages: the Organisation pages say how they relate and link to each other; importing
and the exports live on pages of their own."""

from __future__ import annotations

import pytest
from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)

ORGANISATION = {"pages/structures.py": "structures", "pages/design.py": "design", "pages/scenarios.py": "scenarios"}


@pytest.mark.parametrize("page", list(ORGANISATION))
def test_design_scenarios_and_structures_each_say_how_they_relate_with_links(demo_db: str, page: str) -> None:
    at = run(page, workspace="demo")
    assert not at.exception
    others = {p: path for p, path in ORGANISATION.items() if p != page}
    links = {(e.proto.page, e.proto.label) for e in at.main.get("page_link")}
    for path in others.values():
        assert (path, f"Open {path.capitalize()}") in links, links
    line = next(c.value for c in at.caption if "**" in c.value and all(
        f"**{p.capitalize()}**" in c.value for p in others.values()))
    assert len(line) < 240  # one line's worth, not a paragraph


def test_importing_and_exporting_are_apart(demo_db: str) -> None:
    at = run("pages/data.py", workspace="demo")
    assert at.title[0].value == "Import" and at.get("file_uploader")
    assert not at.get("download_button")  # no export here: they have their own page
    assert "exports" in [e.proto.page for e in at.main.get("page_link")]
    at.switch_page("pages/exports.py").run()
    assert not at.exception and at.title[0].value == "Exports & hand-out"
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Accounts (CSV)", "Opportunities (CSV)", "Decisions (CSV)", "Everything (XLSX)",
                      "Download the hand-out (PowerPoint)", "Accounts template (CSV)", "Opportunities template (CSV)"]
    assert not at.get("file_uploader")
