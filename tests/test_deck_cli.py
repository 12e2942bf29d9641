"""python -m gtm deck, run as a facilitator runs it: a valid .pptx for the demo workspace, and a clear refusal.

The hand-out of the demo workspace runs a real ``python -m gtm`` subprocess end to end; the other tests call
gtm.cli.main in-process (the same code, without a second interpreter start).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import run  # tests/cli_run.py: gtm.cli.main in-process
from pptx import Presentation

ROOT = Path(__file__).resolve().parents[1]


def gtm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gtm", *args], capture_output=True, text=True, cwd=ROOT, timeout=180)


def test_deck_writes_a_pptx_for_the_demo_workspace(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gtm.db'}"
    assert gtm("demo", "--database", url).returncode == 0
    target = tmp_path / "hand-out.pptx"
    result = gtm("deck", "-o", str(target), "--workspace", "demo", "--database", url)
    assert result.returncode == 0, result.stderr
    assert f"to {target}" in result.stderr
    prs = Presentation(str(target))
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert titles[1] == "The portfolio matrix" and titles[-2].startswith("The engagement plan")
    assert titles[-1] == "Results so far"
    assert titles[4] == "Economics of the focus accounts"
    # title, matrix, funnel, maturity, economics, the 15 with most at stake, the plan, the results so far
    assert len(titles) == 5 + 15 + 1 + 1


def test_an_unknown_list_is_a_clear_message_and_a_non_zero_exit(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'gtm.db'}"
    assert run(capsys, "demo", "--database", url)[0] == 0
    target = tmp_path / "hand-out.pptx"
    code, _, stderr = run(capsys, "deck", "-o", str(target), "--list", "Nope", "--workspace", "demo", "--database", url)
    assert code == 2
    assert "Traceback" not in stderr
    assert stderr.startswith("error: No account list named 'Nope'") and "no list is saved there yet" in stderr
    assert not target.exists()


def test_the_output_must_be_a_pptx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = run(capsys, "deck", "-o", str(tmp_path / "hand-out.pdf"),
                          "--database", f"sqlite:///{tmp_path / 'gtm.db'}")
    assert code == 2 and "Traceback" not in stderr and ".pptx" in stderr


def test_a_never_seeded_demo_is_loaded_first_and_said_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'gtm.db'}"
    target = tmp_path / "hand-out.pptx"
    code, _, stderr = run(capsys, "deck", "-o", str(target), "--workspace", "demo", "--database", url)
    assert code == 0, stderr
    assert "the demo workspace was empty: loaded the demo portfolio into it first" in stderr
    prs = Presentation(str(target))
    funnel = "\n".join(s.text_frame.text for s in prs.slides[2].shapes if s.has_text_frame)
    assert "Long list\n400 accounts" in funnel
    code, _, stderr = run(capsys, "deck", "-o", str(target), "--workspace", "demo", "--database", url)
    assert code == 0 and "was empty" not in stderr  # seeded once, never reset


def test_a_workspace_without_accounts_is_refused_with_a_sentence(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "hand-out.pptx"
    code, _, stderr = run(capsys, "deck", "-o", str(target), "--database", f"sqlite:///{tmp_path / 'gtm.db'}")
    assert code == 2 and "Traceback" not in stderr
    assert stderr.startswith("error: Workspace 'main' holds no accounts yet")
    assert not target.exists()
