"""The diagnosis rules in words: each rule as a sentence, and the subjects and comparisons a person picks from.

"If the account buys from 2 or more BUs and the deal is at least $100k, the nature is Cross-sell / referral." Labels
come from data/vocabulary.json, signals and facts speak through their descriptions, money is in the reporting
currency. Never an operator or a code: those stay in the advanced grid (gtm.domain.rule_table).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from gtm.domain import vocabulary as vocab
from gtm.domain.diagnose import FACTS, SIGNAL_TYPES, Condition, DiagnosisTable, Rule
from gtm.domain.fmt import money
from gtm.domain.rule_table import COLUMN_OPS, COMPARISONS, NUMBER_OPS, UNDIAGNOSED, condition_of_row

# What a fact is, as a picker says it; "{currency}" stands for the reporting currency.
FACT_SUBJECTS = {
    "deal_size": "the deal's size (in {currency})",
    "account_bu_count": "how many BUs the account buys from",
    "account_family_count": "how many product families the account buys",
    "account_value_share": "the deal's share of its account's value",
}
_QUANTITY = {">=": "{n} or more", ">": "more than {n}", "<=": "{n} or fewer", "<": "fewer than {n}",
             "==": "exactly {n}", "!=": "other than {n}"}
_BARE = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than", "==": "exactly", "!=": "not"}
assert set(FACT_SUBJECTS) == set(FACTS), "every fact speaks"


def _amount(value: float, currency: str) -> str:
    """$100k rather than $100.0k: a threshold people typed reads as they typed it."""
    return re.sub(r"\.0(?=[kMB]$)", "", money(value, currency))


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, (int, float)) else str(value)


def _lower_first(text: str) -> str:
    """A description as the middle of a sentence: 'The customer wants …' -> 'the customer wants …' (BU stays BU)."""
    text = text.strip().rstrip(".")
    first = text.split(" ", 1)[0]
    return text if len(first) > 1 and first.isupper() else text[:1].lower() + text[1:]


def _statement(description: str) -> str:
    """A yes/no signal's description as a statement: 'A one-time purchase …' -> 'it is a one-time purchase …'."""
    clause = _lower_first(description)
    return f"it is {clause}" if re.match(r"(a|an)\s", clause) else clause


def _quoted(values: Iterable[str]) -> list[str]:
    return [f'"{v}"' for v in values]


def _either(items: list[str], word: str = "or") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def column_words(column: str, columns: Mapping[str, str] | None = None) -> str:
    """What a column is, in words: the import's description of its field ("the sales stage"), else its name."""
    known = {vocab.normalise(k): v for k, v in (columns or {}).items()}
    found = known.get(vocab.normalise(column))
    return _lower_first(found) if found else f"the column '{column}'"


def subject_label(kind: str, subject: str, table: DiagnosisTable, currency: str,
                  columns: Mapping[str, str] | None = None) -> str:
    """A condition's subject as a picker shows it: a signal's or fact's description, a column's meaning."""
    if kind == "signal" and subject in table.signals:
        signal = table.signals[subject]
        return f"{signal.description.rstrip('.')} ({'yes or no' if signal.type == 'bool' else 'a count'})"
    if kind == "fact" and subject in FACT_SUBJECTS:
        text = FACT_SUBJECTS[subject].format(currency=currency)
        return text[:1].upper() + text[1:]
    words = column_words(subject, columns)
    return (words[:1].upper() + words[1:]) + ("" if words.startswith("the column") else f" (column {subject})")


def subject_options(table: DiagnosisTable, currency: str, column_names: Iterable[str],
                    columns: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every subject a condition may test, ``kind:subject`` -> its words: the signals, the deal's own facts, the
    account's facts, then the columns (``column_names``: the data's and the rules' own, in order)."""
    out = {f"signal:{name}": subject_label("signal", name, table, currency, columns) for name in table.signals}
    out |= {f"fact:{fact}": subject_label("fact", fact, table, currency, columns) for fact in FACT_SUBJECTS}
    for name in column_names:
        out.setdefault(f"column:{name}", subject_label("column", name, table, currency, columns))
    return out


def comparison_options(kind: str, subject: str, table: DiagnosisTable) -> list[str]:
    """The comparisons (operators) that fit a subject, for a picker that shows ``COMPARISONS`` words."""
    if kind == "signal":
        signal = table.signals.get(subject)
        return ["=="] if signal is not None and signal.type == "bool" else list(NUMBER_OPS)
    if kind == "fact":
        return list(NUMBER_OPS)
    return list(COLUMN_OPS)


def is_yes_no(kind: str, subject: str, table: DiagnosisTable) -> bool:
    """Whether the subject is a yes/no signal (its value is picked as yes or no)."""
    return kind == "signal" and subject in table.signals and table.signals[subject].type == "bool"


def clause(cond: Condition, table: DiagnosisTable, currency: str, columns: Mapping[str, str] | None = None) -> str:
    """One condition as part of a sentence: "the account buys from 2 or more BUs", "the deal is at least $100k"."""
    value = cond.value
    if cond.signal is not None:
        signal = table.signals[cond.signal]
        if signal.type == "bool":
            yes = bool(value) if cond.op == "==" else not bool(value)
            statement = _statement(signal.description)
            return statement if yes else f"the file does not say that {statement}"
        what = _lower_first(signal.description).removeprefix("the ")
        if cond.op == "==" and value == SIGNAL_TYPES[signal.type].absent:  # also where the column is absent
            return f"the file gives no {what}"
        return f"the {what} {COMPARISONS[cond.op]} {_number(value)}"
    if cond.fact is not None:
        n = _number(value)
        if cond.fact == "deal_size":
            amount = _amount(float(value), currency) if isinstance(value, (int, float)) else str(value)
            return f"the deal is {_BARE[cond.op]} {amount}"
        if cond.fact == "account_value_share":
            share = f"{float(value):.0%}" if isinstance(value, (int, float)) else str(value)
            return f"the deal is {_BARE[cond.op]} {share} of its account's value"
        one = cond.op == "==" and value == 1
        quantity = _QUANTITY[cond.op].format(n=n)
        if cond.fact == "account_bu_count":
            return f"the account buys from {quantity} {'BU' if one else 'BUs'}"
        return f"the account buys {quantity} product {'family' if one else 'families'}"
    subject = column_words(str(cond.column), columns)
    words = (value,) if isinstance(value, str) else value if isinstance(value, tuple) else (_number(value),)
    if cond.op == "contains_word":
        if len(words) == 1:
            return f'{subject} contains the word "{words[0]}"'
        return f"{subject} contains one of the words {_either(_quoted(words))}"
    if cond.op == "one_of":
        return f"{subject} is {_either(_quoted(words))}"
    if cond.op in ("equals", "matches"):
        return f'{subject} {COMPARISONS[cond.op]} "{value}"'
    return f"{subject} {COMPARISONS[cond.op]} {_number(value)}"


def _conclusion(nature: str | None, conditions: list[str]) -> str:
    label = vocab.NATURES.label(nature) if nature else None
    if not conditions:
        return (f"Every opportunity that reaches this rule is {label}." if label
                else f"Otherwise, the opportunity is {UNDIAGNOSED}.")
    said = f"If {_either(conditions, 'and')}, "
    return said + (f"the nature is {label}." if label else f"the opportunity stays {UNDIAGNOSED}.")


def rule_sentence(rule: Rule, table: DiagnosisTable, currency: str, columns: Mapping[str, str] | None = None) -> str:
    """A rule as one sentence: "If the account buys from 2 or more BUs and the deal is at least $100k, the nature is
    Cross-sell / referral."; the last rule: "Otherwise, the opportunity is not yet diagnosed."."""
    return _conclusion(rule.nature, [clause(c, table, currency, columns) for c in rule.when])


def draft_sentence(rows: list[dict[str, str]], table: DiagnosisTable, currency: str,
                   columns: Mapping[str, str] | None = None) -> str:
    """The sentence of one rule being edited (its grid rows), even half-done: a condition that cannot be read yet
    reads "(a condition still to complete)"."""
    if not rows:
        return ""
    nature_text = rows[0].get("nature") or ""
    found = vocab.NATURES.find(nature_text) if vocab.normalise(nature_text) != vocab.normalise(UNDIAGNOSED) else None
    nature = vocab.NATURES.codes[found] if found is not None else None
    said = []
    for row in rows:
        if not row.get("subject"):
            continue
        cond = condition_of_row(row, table)
        said.append(clause(cond, table, currency, columns) if cond is not None else "(a condition still to complete)")
    return _conclusion(nature, said)
