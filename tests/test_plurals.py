"""Words people read say one thing in the singular and several in the plural ("1 account", "2 opportunities"),
never "account(s)" or "opportunit(ies)": gtm.domain.fmt.count and plural say them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEDGED = re.compile(r"[A-Za-z]\((?:s|es|ies)\)")
# Files that may still hedge a plural while being rewritten elsewhere; empty since issue 22's parts merged.
PENDING: set[str] = set()


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string nodes that are docstrings (read by developers, not shown to people)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _hedged(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return [f"{path.name}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            and HEDGED.search(node.value)]


def test_no_text_for_people_hedges_its_plural() -> None:
    files = [p for folder in ("gtm", "pages") for p in sorted((ROOT / folder).rglob("*.py"))] + [ROOT / "app.py"]
    found = [f"{p.parent.relative_to(ROOT)}/{hit}" for p in files if str(p.relative_to(ROOT)) not in PENDING
             for hit in _hedged(p)]
    assert not found, "\n".join(found)


def test_the_check_finds_a_hedged_plural_inside_an_f_string(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('def f(n):\n    """n thing(s): a docstring is not read by people."""\n'
                      '    return f"{n} opportunit(ies) and {n} account(s), {n} rule(s)"\n', encoding="utf-8")
    assert len(_hedged(sample)) == 3
