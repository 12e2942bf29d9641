"""The diagnosis table as an editable grid (one row per condition) and back, and its signals as plain questions."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from gtm.domain import vocabulary as vocab
from gtm.domain.diagnose import FACTS, Condition, DiagnosisTable, Mappings, Signal, diagnose_with_problems, rule_view
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import count, money
from gtm.domain.words import default_words

COLUMNS = ("rule", "nature", "kind", "subject", "op", "value", "wording")
UNDIAGNOSED = "not yet diagnosed"
KINDS = ("signal", "column", "fact")
OPS = ("==", "!=", ">=", ">", "<=", "<", "equals", "one_of", "contains_word", "matches")
# The comparisons in words, as the rules' sentences and pickers say them (never the operator itself).
COMPARISONS = {">=": "is at least", ">": "is more than", "<=": "is at most", "<": "is less than", "==": "is exactly",
               "!=": "is not", "equals": "is", "one_of": "is one of", "contains_word": "contains the word",
               "matches": "matches the pattern"}
NUMBER_OPS = (">=", ">", "<=", "<", "==", "!=")
COLUMN_OPS = ("contains_word", "equals", "one_of", "matches", *NUMBER_OPS)
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


def _parse_condition(cells: dict[str, str], base: DiagnosisTable
                     ) -> tuple[dict[str, Any], None] | tuple[None, tuple[str, str | None, str]]:
    """One grid row's condition as the table stores it, or (column, value, reason) saying why it cannot be one."""
    kind, op = cells["kind"].lower(), cells["op"]
    if kind not in KINDS:
        return None, ("kind", cells["kind"] or None, f"is not a subject kind; accepted: {', '.join(KINDS)}")
    if op not in OPS:
        return None, ("op", op or None, f"is not an operator; accepted: {' '.join(OPS)}")
    subject = cells["subject"]
    signal = base.signals.get(subject) if kind == "signal" else None
    if kind == "signal" and signal is None:
        return None, ("subject", subject, f"is not a signal; accepted: {', '.join(base.signals)}")
    if kind == "fact" and subject not in FACTS:
        return None, ("subject", subject, f"is not a fact; accepted: {', '.join(FACTS)}")
    value = _value(cells["value"], op, kind, signal)
    if value is None:
        return None, ("value", cells["value"] or None,
                      f"does not fit '{COMPARISONS[op]}' ({op}); accepted: {_accepted_value(op, kind, signal)}")
    return {kind: subject, "op": op, "value": value}, None


def condition_of_row(row: Mapping[str, Any], base: DiagnosisTable) -> Condition | None:
    """A grid row's condition, or None while it cannot be one (a value still to type, a comparison that does not
    fit the subject)."""
    cells = {c: "" if row.get(c) is None or pd.isna(row.get(c)) else str(row.get(c)).strip() for c in COLUMNS}
    found, _problem = _parse_condition(cells, base)
    if found is None:
        return None
    try:
        return Condition.model_validate(found)
    except ValidationError:
        return None


def rows_to_content(rows: pd.DataFrame, base: DiagnosisTable) -> dict[str, Any]:
    """The table dict (``base`` with its rules replaced by the grid's), for ``parse_table`` to validate.

    Rows of one rule share its id and follow each other; blank rows are ignored. InputError names each bad cell
    (row numbers count from 1, as the grid shows them) and what is accepted.
    """
    problems: list[Problem] = []
    rules: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    first_row: dict[str, int] = {}
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
            first_row[rule_id] = n
        elif not rule["wording"] and cells["wording"]:
            rule["wording"] = cells["wording"]
        if not cells["subject"]:
            continue
        condition, problem = _parse_condition(cells, base)
        if problem is not None:
            problems.append(Problem(n, *problem))
            continue
        rule["when"].append(condition)
    for rule in rules:
        if not rule["wording"]:
            problems.append(Problem(first_row[rule["id"]], "wording", None, "is empty; say in a sentence why this "
                                    "rule decides: people read it as the reason for the nature"))
    if problems:
        raise InputError.from_problems(f"The edited rules: {count(len(problems), 'cell')} cannot be used.", problems)
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
    """What the questionnaire diagnoses: the nature (None: not yet diagnosed), the rule that fired, its wording, and
    the nature the product family -> nature mapping gives the opportunity (None: none), which decides before the
    rules."""

    nature: str | None
    rule: str
    wording: str
    mapped: str | None = None


def classify(table: DiagnosisTable, name: str, answers: dict[str, Any], mappings: Mappings | None = None,
             account: pd.DataFrame | None = None, opportunity_id: str | None = None) -> Answer:
    """Diagnose one opportunity by the rules from its name and the answers (signal -> value).

    With ``account`` (its account's opportunities as the portfolio holds them) and ``opportunity_id``, its account's
    facts (the BUs there, the deal's share) and its other columns hold; without, it stands alone on its account.
    The product family -> BU mapping counts for the facts; the family -> nature mapping is said in ``mapped``.
    """
    mappings = mappings or Mappings()
    if account is not None and opportunity_id is not None and "opportunity_id" in account:
        frame = rule_view(account).astype(object)
        chosen = (frame["opportunity_id"].astype(str) == str(opportunity_id)).to_numpy()
        for column, value in {"name": name, **answers}.items():
            if column not in frame:
                frame[column] = None
            frame.loc[chosen, column] = value
    else:
        chosen = np.array([True])
        frame = pd.DataFrame({k: pd.Series([v], dtype=object) for k, v in {"name": name, **answers}.items()})
    # Stored signals were checked at import; an unreadable answer reads as not signalled, as in the portfolio.
    out, _problems = diagnose_with_problems(frame, table, mappings=Mappings(family_bu=mappings.family_bu))
    at = int(np.flatnonzero(chosen)[0])
    nature = out["nature"].iloc[at]
    family = frame["product_family"].iloc[at] if "product_family" in frame else None
    mapped = mappings.family_nature.get(vocab.normalise(family)) if family is not None and pd.notna(family) else None
    return Answer(None if pd.isna(nature) else str(nature), str(out["diagnosis_rule"].iloc[at]),
                  str(out["diagnosis_reason"].iloc[at]), mapped)


def given_answers(signals: Any, table: DiagnosisTable) -> dict[str, Any]:
    """The answers the CRM file already gives (an opportunity's stored signals): yes/no as "yes" or "no", counts as
    whole numbers; a cell that cannot be read is left for the person to answer."""
    if not isinstance(signals, dict):
        return {}
    out: dict[str, Any] = {}
    for name, cell in signals.items():
        spec = table.signals.get(name)
        if spec is None or cell is None or (isinstance(cell, float) and pd.isna(cell)) or str(cell).strip() == "":
            continue
        if spec.type == "bool":
            reading = default_words().read(str(cell))
            if reading in ("yes", "no"):
                out[name] = reading
        else:
            number = _number(str(cell))
            if number is not None and number >= 0 and float(number).is_integer():
                out[name] = int(number)
    return out


def known_facts(account: pd.DataFrame, opportunity_id: str, currency: str) -> list[tuple[str, str]]:
    """What the data already says about one opportunity and its account, as (what, said) pairs for people: its deal
    size, its product family, stage and type, its account's BUs (from the file or the product family -> BU mapping)
    and its share of the account's value."""
    row = account.loc[account["opportunity_id"].astype(str) == str(opportunity_id)].iloc[0]
    out: list[tuple[str, str]] = []
    value = row.get("value")
    if value is not None and pd.notna(value):
        out.append(("Deal size", money(float(value), currency)))
    for column, what in (("product_family", "Product family"), ("stage", "Stage"), ("type", "Type")):
        cell = row.get(column)
        if cell is not None and pd.notna(cell) and str(cell).strip():
            out.append((what, str(cell)))
    if "bu_name" in account:
        names = sorted({str(b) for b in account["bu_name"].dropna() if str(b).strip()})
        out.append(("BUs at its account", f"{len(names)}: {', '.join(names)}" if names
                    else "none known (no BU in the file, no product family -> BU mapping for it)"))
    total = float(pd.to_numeric(account["value"], errors="coerce").fillna(0).sum()) if "value" in account else 0.0
    if total > 0 and value is not None and pd.notna(value):
        share = float(value) / total
        out.append(("Share of its account's value", f"{share:.0%}" if share >= 0.005 else "under 1%"))
    return out


# ------------------------------------------------------------------ a draft of the rules, edited rule by rule
# The draft is the grid's rows (COLUMNS, text cells) as a list of dicts: the sentences' pickers and the advanced grid
# edit the same rows, so neither loses what the other did.

Rows = list[dict[str, str]]


def draft_rows(table: DiagnosisTable) -> Rows:
    """A table as draft rows (text cells, as the grid shows them)."""
    return [{str(c): str(v) for c, v in row.items()} for row in rules_to_rows(table).to_dict("records")]


def frame_rows(frame: pd.DataFrame) -> Rows:
    """The grid's edited frame as draft rows; blank rows dropped."""
    out = []
    for record in frame.to_dict("records"):
        row = {c: "" if record.get(c) is None or pd.isna(record.get(c)) else str(record.get(c)) for c in COLUMNS}
        if any(v.strip() for v in row.values()):
            out.append(row)
    return out


def rule_blocks(rows: Rows) -> list[tuple[str, list[int]]]:
    """Each rule (by id, in order) with the indices of its rows (consecutive rows sharing an id)."""
    blocks: list[tuple[str, list[int]]] = []
    for i, row in enumerate(rows):
        if blocks and blocks[-1][0] == row["rule"]:
            blocks[-1][1].append(i)
        else:
            blocks.append((row["rule"], [i]))
    return blocks


def _rebuilt(blocks: list[list[dict[str, str]]]) -> Rows:
    return [dict(row) for block in blocks for row in block]


def _split(rows: Rows) -> list[list[dict[str, str]]]:
    return [[dict(rows[i]) for i in indices] for _, indices in rule_blocks(rows)]


def new_condition() -> dict[str, str]:
    """A condition to complete: the opportunity's name contains a word still to type."""
    return {"kind": "column", "subject": "name", "op": "contains_word", "value": ""}


def add_rule(rows: Rows) -> tuple[Rows, int]:
    """A new rule just above the last (the catch-all), leaving the opportunity not yet diagnosed until a person picks
    its nature; returns the rows and the new rule's position."""
    blocks = _split(rows)
    taken = {block[0]["rule"] for block in blocks}
    n = 1
    while (rule_id := f"new-rule-{n}") in taken:
        n += 1
    at = max(len(blocks) - 1, 0)
    blocks.insert(at, [{"rule": rule_id, "nature": UNDIAGNOSED, "wording": "", **new_condition()}])
    return _rebuilt(blocks), at


def remove_rule(rows: Rows, position: int) -> Rows:
    """The rows without the rule at ``position`` (the last rule, the catch-all, stays)."""
    blocks = _split(rows)
    if 0 <= position < len(blocks) - 1:
        del blocks[position]
    return _rebuilt(blocks)


def move_rule(rows: Rows, position: int, step: int) -> tuple[Rows, int]:
    """The rule at ``position`` moved up (step -1) or down (+1), never past the last rule; returns its new place."""
    blocks = _split(rows)
    target = position + step
    if not (0 <= position < len(blocks) - 1 and 0 <= target < len(blocks) - 1):
        return _rebuilt(blocks), position
    blocks[position], blocks[target] = blocks[target], blocks[position]
    return _rebuilt(blocks), target


def set_rule(rows: Rows, position: int, **cells: str) -> Rows:
    """Set the rule-wide cells (rule id, nature, wording) of the rule at ``position`` on each of its rows."""
    blocks = _split(rows)
    for row in blocks[position]:
        row.update(cells)
    return _rebuilt(blocks)


def add_condition(rows: Rows, position: int) -> Rows:
    """One more condition on the rule at ``position`` (its first, when it had none)."""
    blocks = _split(rows)
    block = blocks[position]
    if len(block) == 1 and not block[0]["subject"]:
        block[0].update(new_condition())
    else:
        block.append({**block[-1], **new_condition()})
    return _rebuilt(blocks)


def remove_condition(rows: Rows, position: int, condition: int) -> Rows:
    """The rule at ``position`` without its ``condition``-th condition (a rule keeps one row, then with none)."""
    blocks = _split(rows)
    block = blocks[position]
    if len(block) == 1:
        block[0].update({"kind": "", "subject": "", "op": "", "value": ""})
    elif 0 <= condition < len(block):
        del block[condition]
    return _rebuilt(blocks)


def set_condition(rows: Rows, position: int, condition: int, **cells: str) -> Rows:
    """Set cells (kind, subject, op, value) of one condition of the rule at ``position``."""
    blocks = _split(rows)
    blocks[position][condition].update(cells)
    return _rebuilt(blocks)
