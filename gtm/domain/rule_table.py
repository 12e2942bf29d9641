"""The diagnosis table as an editable grid (one row per condition) and back, and its signals as plain questions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from gtm.domain import vocabulary as vocab
from gtm.domain.diagnose import FACTS, Condition, DiagnosisTable, Mappings, Signal, diagnose
from gtm.domain.errors import InputError, Problem
from gtm.domain.words import default_words

COLUMNS = ("rule", "nature", "kind", "subject", "op", "value", "wording")
UNDIAGNOSED = "not yet diagnosed"
KINDS = ("signal", "column", "fact")
OPS = ("==", "!=", ">=", ">", "<=", "<", "equals", "one_of", "contains_word", "matches")
_LIST_OPS = ("one_of", "contains_word")
_TEXT_OPS = ("equals", "matches")


def nature_options() -> list[str]:
    """What the nature column offers: every nature's label, then 'not yet diagnosed'."""
    return [*vocab.NATURES.labels, UNDIAGNOSED]


def _value_text(cond: Condition) -> str:
    value = cond.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rules_to_rows(table: DiagnosisTable) -> pd.DataFrame:
    """One row per condition (a rule without conditions: one row with an empty subject), rules in order."""
    rows: list[dict[str, str]] = []
    for rule in table.rules:
        nature = vocab.NATURES.label(rule.nature) if rule.nature else UNDIAGNOSED
        head = {"rule": rule.id, "nature": nature, "wording": rule.wording}
        if not rule.when:
            rows.append({**head, "kind": "", "subject": "", "op": "", "value": ""})
        for cond in rule.when:
            kind = "signal" if cond.signal is not None else "column" if cond.column is not None else "fact"
            rows.append({**head, "kind": kind, "subject": cond.subject, "op": cond.op, "value": _value_text(cond)})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _cell(row: pd.Series, column: str) -> str:
    value = row.get(column)
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _number(text: str) -> int | float | None:
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def _value(text: str, op: str, kind: str, signal: Signal | None) -> bool | int | float | str | list[str] | None:
    """The condition's value as the table stores it, or None when the text cannot be one (the caller says why)."""
    if op in _LIST_OPS:
        items = [part.strip() for part in text.split(",") if part.strip()]
        if not items:
            return None
        return items[0] if op == "contains_word" and len(items) == 1 else items
    if op in _TEXT_OPS:
        return text or None
    if kind == "signal" and signal is not None and signal.type == "bool":
        reading = default_words().read(text)
        return True if reading == "yes" else False if reading == "no" else None
    return _number(text)


def _accepted_value(op: str, kind: str, signal: Signal | None) -> str:
    if op in _LIST_OPS:
        return "one or more words, comma-separated"
    if op in _TEXT_OPS:
        return "a text" if op == "equals" else "a regular expression"
    if kind == "signal" and signal is not None and signal.type == "bool":
        return "true or false (yes/no)"
    return "a number"


def rows_to_content(rows: pd.DataFrame, base: DiagnosisTable) -> dict[str, Any]:
    """The table dict (``base`` with its rules replaced by the grid's), for ``parse_table`` to validate.

    Rows of one rule share its id and follow each other; blank rows are ignored. InputError names each bad cell
    (row numbers count from 1, as the grid shows them) and what is accepted.
    """
    problems: list[Problem] = []
    rules: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    last_id = ""
    for n, (_, row) in enumerate(rows.iterrows(), start=1):
        cells = {c: _cell(row, c) for c in COLUMNS}
        if not any(cells.values()):
            continue
        rule_id = cells["rule"]
        if not rule_id:
            problems.append(Problem(n, "rule", None, "is empty; every row names its rule (lower case letters, "
                                                     "digits and dashes, e.g. 'turnkey-words')"))
            continue
        if rule_id in by_id and rule_id != last_id:
            problems.append(Problem(n, "rule", rule_id, "already appears above, separated by another rule; keep the "
                                                        "rows of one rule together"))
            continue
        last_id = rule_id
        rule = by_id.get(rule_id)
        if rule is None:
            nature_text = cells["nature"]
            nature: str | None = None
            if nature_text and vocab.normalise(nature_text) != vocab.normalise(UNDIAGNOSED):
                found = vocab.NATURES.find(nature_text)
                if found is None:
                    problems.append(Problem(n, "nature", nature_text, f"is not a nature; accepted: "
                                                                      f"{vocab.NATURES.accepted()} or '{UNDIAGNOSED}'"))
                else:
                    nature = vocab.NATURES.codes[found]
            rule = {"id": rule_id, "nature": nature, "when": [], "wording": cells["wording"]}
            by_id[rule_id] = rule
            rules.append(rule)
        elif not rule["wording"] and cells["wording"]:
            rule["wording"] = cells["wording"]
        if not cells["subject"]:
            continue
        kind, op = cells["kind"].lower(), cells["op"]
        if kind not in KINDS:
            problems.append(Problem(n, "kind", cells["kind"] or None, f"is not a subject kind; accepted: "
                                                                      f"{', '.join(KINDS)}"))
            continue
        if op not in OPS:
            problems.append(Problem(n, "op", op or None, f"is not an operator; accepted: {' '.join(OPS)}"))
            continue
        subject = cells["subject"]
        signal = base.signals.get(subject) if kind == "signal" else None
        if kind == "signal" and signal is None:
            problems.append(Problem(n, "subject", subject, f"is not a signal; accepted: {', '.join(base.signals)}"))
            continue
        if kind == "fact" and subject not in FACTS:
            problems.append(Problem(n, "subject", subject, f"is not a fact; accepted: {', '.join(FACTS)}"))
            continue
        value = _value(cells["value"], op, kind, signal)
        if value is None:
            problems.append(Problem(n, "value", cells["value"] or None,
                                    f"does not fit '{op}'; accepted: {_accepted_value(op, kind, signal)}"))
            continue
        rule["when"].append({kind: subject, "op": op, "value": value})
    if problems:
        raise InputError.from_problems(f"The edited rules: {len(problems)} cell(s) cannot be used.", problems)
    content = base.model_dump(mode="json")
    content["rules"] = rules
    return content


_BASE_VERB = {"wants": "want", "needs": "need", "has": "have", "asks for": "ask for"}
_QUESTION_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"^the customer (wants|needs|has|asks for) (.*)$", re.I),
     lambda m: f"Does the customer {_BASE_VERB[m[1].lower()]} {m[2]}?"),
    (re.compile(r"^(several|many|two or more) (.*?) (must|should|can|could|will) (.*)$", re.I),
     lambda m: f"{m[3].capitalize()} {m[1].lower()} {m[2]} {m[4]}?"),
    (re.compile(r"^number of (.*?) whose (\S+) (.*)$", re.I), lambda m: f"How many {m[1]} have {m[2]} that {m[3]}?"),
    (re.compile(r"^number of (.*)$", re.I), lambda m: f"How many {m[1]}?"),
    (re.compile(r"^(an?) (.*)$", re.I), lambda m: f"Is it {m[1].lower()} {m[2]}?"),
)


def question(signal: Signal) -> str:
    """A signal's description as a plain question ("Does the customer want an end-to-end, turnkey delivery?")."""
    text = signal.description.strip().rstrip(".").strip()
    for pattern, ask in _QUESTION_PATTERNS:
        match = pattern.match(text)
        if match:
            return ask(match)
    return f"{text}?"


@dataclass(frozen=True)
class Answer:
    """What the questionnaire diagnoses: the nature (None: not yet diagnosed), the rule that fired, its wording."""

    nature: str | None
    rule: str
    wording: str


def classify(table: DiagnosisTable, name: str, answers: dict[str, Any], mappings: Mappings | None = None) -> Answer:
    """Diagnose one opportunity from its name and the answers (signal -> value), alone on its account."""
    row = {"name": name, **answers}
    frame = pd.DataFrame({k: pd.Series([v], dtype=object) for k, v in row.items()})
    out = diagnose(frame, table, mappings=mappings)
    nature = out["nature"].iloc[0]
    return Answer(None if pd.isna(nature) else str(nature), str(out["diagnosis_rule"].iloc[0]),
                  str(out["diagnosis_reason"].iloc[0]))
