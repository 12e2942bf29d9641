"""What a widget keeps while the session shows it holds no page's namespace.

A widget keeps its ``format_func``, callback and callback arguments for as long as the session shows it. A lambda
written on a page closes over the page's namespace, and with it every frame the page's run made (at 100,000 accounts,
hundreds of megabytes a session); a bound method of a dict, or a function of a module, keeps only itself. This test
reads every page's source and names each lambda given to a widget.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEPT = ("format_func", "on_change", "on_click", "args", "kwargs")


def lambdas_given_to_widgets(source: str) -> list[tuple[int, str]]:
    """(line, keyword) of each lambda passed as a widget's format_func, callback or callback argument."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg in KEPT and any(isinstance(n, ast.Lambda) for n in ast.walk(keyword.value)):
                found.append((keyword.value.lineno, str(keyword.arg)))
    return found


def test_no_page_gives_a_widget_a_lambda() -> None:
    found = [f"{path.relative_to(ROOT)}:{line} {keyword}=lambda"
             for path in sorted([ROOT / "app.py", *(ROOT / "pages").rglob("*.py")])
             for line, keyword in lambdas_given_to_widgets(path.read_text(encoding="utf-8"))]
    assert found == [], "widgets that would keep a page's namespace:\n" + "\n".join(found)


def test_the_check_finds_a_lambda_and_lets_a_bound_method_pass() -> None:
    assert lambdas_given_to_widgets("st.selectbox('x', o, format_func=lambda v: names[v])") == [(1, "format_func")]
    assert lambdas_given_to_widgets("st.button('x', on_click=f, args=(1, lambda r: r))") == [(1, "args")]
    assert lambdas_given_to_widgets("st.selectbox('x', o, format_func=names.__getitem__)") == []
