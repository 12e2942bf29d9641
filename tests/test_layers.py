"""The layer contract (pyproject.toml, checked by import-linter) holds, and it fails when a layer is broken."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT), "--no-cache", "--config", str(root / "pyproject.toml")], cwd=root,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                          timeout=120)


def test_the_layers_hold() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("gtm/domain/fmt.py", "import streamlit", "gtm never imports streamlit"),
    ("gtm/domain/fmt.py", "from gtm.storage import repository", "the domain imports nothing of ours but itself"),
    ("gtm/ingest/cells.py", "import sqlalchemy", "only storage imports SQLAlchemy and Alembic"),
    ("gtm/storage/models.py", "from gtm.services import decisions", "layers: cli -> services"),
    ("pages/review.py", "from gtm.storage import repository", "pages reach storage and ingest only through services"),
    ("pages/common/widgets.py", "from gtm.ingest import columns", "pages reach storage and ingest only through services"),
    ("pages/review.py", "from gtm.domain.queues import review_queue", "pages import the domain's types only"),
    ("pages/common/session/portfolio.py", "from gtm.domain import portfolio", "pages import the domain's types only"),
    ("gtm/display.py", "from gtm.export import charts", "layers: cli -> services"),
])
def test_a_broken_layer_fails_the_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    for package in ("gtm", "pages"):  # import-linter's root packages
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # a layer broken on purpose\n", encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert contract in result.stdout and "BROKEN" in result.stdout
