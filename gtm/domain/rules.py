"""The one loader of rule files (data/*.json): read JSON, validate with pydantic, say where and why it failed.

Every rule file states its hit policy and carries example cases ({"input": ..., "expect": ...}); the loader
checks them structurally, and each rule model's ``run_example`` gives the actual output for one input, so that
one test can run every file's examples (tests/domain/test_rule_files.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from gtm.domain.errors import ConfigError

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

# How many rows of a table may match one input, and which one decides:
#   unique   - at most one entry can match (a label names one term; a cell has one fit); overlaps are refused at load
#   first    - entries are tried in file order and the first that matches decides (the diagnosis table)
#   priority - several entries may match; the strongest by the file's stated order wins (column recognition)
HitPolicy = Literal["unique", "first", "priority"]

In = TypeVar("In")
Out = TypeVar("Out")
M = TypeVar("M", bound=BaseModel)


class Example(BaseModel, Generic[In, Out]):
    """One example case of a rule file: what goes in and what the rules must give back."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: In
    expect: Out
    note: str = ""


class RuleFile(Protocol):
    """What every rule model offers the example runner."""

    @property
    def examples(self) -> Sequence[Example[Any, Any]]: ...

    def run_example(self, value: Any) -> Any:
        """The actual output for one example input."""
        ...


def json_path(loc: Sequence[int | str]) -> str:
    """A pydantic error location as a JSON path: ('natures', 2, 'code') -> $.natures[2].code."""
    out = "$"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def describe(exc: ValidationError) -> str:
    """Every validation error as 'place: reason' (the reason alone for the whole file), joined with '; '."""
    return "; ".join(
        (f"{json_path(err['loc'])}: " if err["loc"] else "") + str(err["msg"]).removeprefix("Value error, ")
        for err in exc.errors()
    )


def config_error(source: str | Path, what: str, exc: ValidationError) -> ConfigError:
    """A ConfigError naming the source (file), what it is, each place (JSON path) and reason."""
    return ConfigError(f"{source}: invalid {what}: {describe(exc)}")


def rule_name(model: type[BaseModel]) -> str:
    """What a rule model calls itself in messages (its RULE_NAME, else its class name)."""
    return str(getattr(model, "RULE_NAME", model.__name__))


def read_json(path: Path, what: str) -> dict[str, Any]:
    """The JSON object in ``path``; ConfigError naming the file, the line and column, or the reason."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read the {what}: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a {what} holds a JSON object, not {type(raw).__name__}")
    return raw


def load_rule_file(path: Path | str, model: type[M]) -> M:
    """Read a rule file and validate it as ``model``; raises ConfigError naming the file, the place and the reason."""
    path = Path(path)
    what = rule_name(model)
    raw = read_json(path, what)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise config_error(path, what, exc) from None


def check_examples(rules: RuleFile, source: str) -> list[str]:
    """Run every example of a rule file; one sentence per example whose actual output differs from its expectation."""
    failures = []
    for i, example in enumerate(rules.examples):
        try:
            actual = rules.run_example(example.input)
        except Exception as exc:  # a crashing example is a failed example, reported with the others
            actual = f"error: {exc}"
        if actual != example.expect:
            failures.append(f"{source} examples[{i}] input {example.input!r}: expected {example.expect!r}, "
                            f"got {actual!r}" + (f" ({example.note})" if example.note else ""))
    return failures
