"""AppTest: the Exports & hand-out page offers the hand-out only when there is something to hand out."""

from __future__ import annotations

from test_apptest import run  # tests/pages/test_apptest.py (rootdir-relative, no package)


def test_an_empty_workspace_says_why_there_is_no_hand_out_instead_of_a_button(empty_db: str) -> None:
    at = run("pages/exports.py")
    shown = " ".join(i.value for i in at.info).replace("\\", "")  # the Markdown's escapes aside
    assert "Workspace 'main' holds no accounts yet, so a hand-out would show nothing but empty slides" in shown
    assert not [b for b in at.get("download_button") if "hand-out" in str(b.proto.label)]


def test_the_demo_offers_the_hand_out(demo_db: str) -> None:
    at = run("pages/exports.py")
    assert [b for b in at.get("download_button") if "hand-out" in str(b.proto.label)]
    assert not any("would show nothing" in i.value for i in at.info)
