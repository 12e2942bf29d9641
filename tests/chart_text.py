"""Reading a Plotly figure's text sizes from its JSON (the spec a page sends to the browser), for the tests of charts
legible from the back of the room (issue 23, part 2, item 4)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any


def fonts(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every font a figure's JSON sets (a key ending in 'font'), with where it stands; Streamlit's own template (the
    theme's defaults, which the figure's own fonts override) aside."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "template":
                continue
            if key.endswith("font") and isinstance(value, dict):
                yield f"{path}.{key}", value
            yield from fonts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from fonts(value, f"{path}[{i}]")


def inline_sizes(spec: dict[str, Any]) -> list[int]:
    """The sizes that texts set inline (<span style='font-size:13px'>)."""
    return [int(px) for px in re.findall(r"font-size:\s*(\d+)px", json.dumps(spec))]


def smaller_than(spec: dict[str, Any], least: float) -> list[str]:
    """Every font size the figure sets (as a font's size, or inline) under ``least`` px, in words."""
    small = []
    for where, font in fonts(spec):
        sizes = font.get("size")
        sizes = sizes if isinstance(sizes, list) else [sizes]
        small += [f"{where}: {s}" for s in sizes if s is not None and s < least]
    return small + [f"inline: {px}px" for px in inline_sizes(spec) if px < least]
