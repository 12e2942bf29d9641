"""Column recognition for CRM imports: which header of a file holds which canonical field.

The rules (canonical fields, types, synonyms) are data, in data/columns.json, validated once by the rule loader.
The opportunity fields of the diagnosis signals are not listed there: one field per signal of data/diagnosis.json
is added here (its type, description, aliases and example), so a signal is defined once.
"""

from __future__ import annotations

import collections.abc as cabc
import csv
import io
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gtm.domain.diagnose import DiagnosisTable, Signal, default_diagnosis
from gtm.domain.errors import InputError, Problem
from gtm.domain.fmt import plural
from gtm.domain.outcomes import Outcome, parse_outcome
from gtm.domain.rules import DATA_DIR, Example, config_error, load_rule_file
from gtm.domain.vocabulary import normalise

Kind = Literal["accounts", "opportunities"]
KINDS: tuple[Kind, ...] = ("accounts", "opportunities")
FieldType = Literal["text", "amount", "percent", "date", "int", "bool", "nature", "approach"]
DATE_FORMATS = ("dd/mm/yyyy", "mm/dd/yyyy")


class FieldSpec(BaseModel):
    """One canonical field of an import: its name, type, meaning and the headers that name it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    required: bool = False
    type: FieldType
    description: str = Field(min_length=1)
    synonyms: tuple[str, ...] = ()
    example: str = ""

    @property
    def headers(self) -> tuple[str, ...]:
        """Every accepted header, strongest first: the name itself, then the synonyms in listed order."""
        return (self.name, *self.synonyms)


class OneOf(BaseModel):
    """A group of fields of which at least one must be present."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fields: tuple[str, ...] = Field(min_length=2)
    description: str = Field(min_length=1)


class KindSpec(BaseModel):
    """The fields of one kind of import (accounts or opportunities)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fields: tuple[FieldSpec, ...] = Field(min_length=1)
    one_of: tuple[OneOf, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> KindSpec:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"field names must be unique: {names}")
        for group in self.one_of:
            unknown = [n for n in group.fields if n not in names]
            if unknown:
                raise ValueError(f"one_of names {plural(len(unknown), 'an unknown field', 'unknown fields')} {unknown}; fields: {names}")
        owner: dict[str, str] = {}
        for spec in self.fields:
            for header in spec.headers:
                key = normalise(header)
                if not key:
                    raise ValueError(f"field '{spec.name}': synonym {header!r} is blank once normalised")
                if owner.get(key, spec.name) != spec.name:
                    raise ValueError(f"header {header!r} would mean both '{owner[key]}' and '{spec.name}'")
                owner[key] = spec.name
        return self

    def spec(self, name: str) -> FieldSpec:
        """The field called ``name``."""
        return next(f for f in self.fields if f.name == name)


class HeadersInput(BaseModel):
    """An example input: the kind of file and its headers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    headers: tuple[str, ...]


class ColumnRules(BaseModel):
    """The validated content of data/columns.json (hit policy: priority)."""

    RULE_NAME: ClassVar[str] = "column rules"
    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    hit_policy: Literal["priority"]
    kinds: dict[Kind, KindSpec]
    # expect: canonical field -> the header it is read from
    examples: tuple[Example[HeadersInput, dict[str, str]], ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> ColumnRules:
        missing = [k for k in KINDS if k not in self.kinds]
        if missing:
            raise ValueError(f"kinds {missing} are missing")
        return self

    def kind(self, kind: str) -> KindSpec:
        """The fields of one kind; InputError for an unknown kind."""
        if kind not in KINDS:
            raise InputError(f"Unknown import kind {kind!r}; accepted: {', '.join(KINDS)}.")
        return self.kinds[kind]

    def with_signals(self, diagnosis: DiagnosisTable, source: str | Path = "column rules") -> ColumnRules:
        """These rules plus one opportunities field per diagnosis signal; ConfigError when they clash."""
        raw = self.model_dump()
        opportunities = raw["kinds"]["opportunities"]
        opportunities["fields"] = [*opportunities["fields"],
                                   *(signal_field(n, s).model_dump() for n, s in diagnosis.signals.items())]
        try:
            return ColumnRules.model_validate(raw)
        except ValidationError as exc:
            raise config_error(source, f"{self.RULE_NAME} (with the signals of the diagnosis table)", exc) from None

    def run_example(self, value: HeadersInput) -> dict[str, str]:
        """Which header each field is read from, for one example file."""
        return map_columns(value.headers, value.kind, rules=self).fields


def signal_field(name: str, signal: Signal) -> FieldSpec:
    """The opportunities field of a diagnosis signal: same name and type, its description, aliases and example."""
    description = signal.description[:1].lower() + signal.description[1:]
    try:
        return FieldSpec(name=name, required=False, type=signal.type,  # type: ignore[arg-type]
                         description=description + (" (yes/no)" if signal.type == "bool" else ""),
                         synonyms=signal.aliases, example=signal.example)
    except ValidationError as exc:
        raise config_error(f"diagnosis signal '{name}'", "import field", exc) from None


def load_column_rules(path: Path | str | None = None, diagnosis: DiagnosisTable | None = None) -> ColumnRules:
    """Read and validate a column rules file and add the diagnosis signals; raises ConfigError naming the fault."""
    path = Path(path or DATA_DIR / "columns.json")
    return load_rule_file(path, ColumnRules).with_signals(diagnosis or default_diagnosis(), source=path)


@cache
def default_column_rules() -> ColumnRules:
    """The rules of data/columns.json with the signals of data/diagnosis.json, read on first use."""
    return load_column_rules()


def _kind(kind: str) -> KindSpec:
    return default_column_rules().kind(kind)


def fields(kind: Kind) -> tuple[FieldSpec, ...]:
    """The canonical field specs of a kind, in file order (for templates, help and mapping screens)."""
    return _kind(kind).fields


def template_csv(kind: Kind) -> bytes:
    """A CSV template: canonical names as the header plus one example row, UTF-8 with BOM for Excel."""
    specs = fields(kind)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f.name for f in specs])
    writer.writerow([f.example for f in specs])
    return out.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------------------------------------------------------
# Mapping headers to fields


@dataclass
class ColumnMap:
    """Which header holds which canonical field, what was left over and what is missing (phrased for people)."""

    kind: Kind
    fields: dict[str, str]
    unmapped: list[str]
    missing: list[str]
    notes: list[str] = field(default_factory=list)

    def describe(self) -> list[tuple[str, str | None]]:
        """Every canonical field of the kind with the header it was read from, or None."""
        return [(f.name, self.fields.get(f.name)) for f in fields(self.kind)]


def _quote_list(items: cabc.Iterable[str]) -> str:
    return ", ".join(f"'{i}'" for i in items)


def _find_header(wanted: str, headers: cabc.Sequence[str]) -> int | None:
    """Position of the header an override names: exact, then ignoring case and spacing, then normalised."""
    for match in (lambda h: h == wanted.strip(),
                  lambda h: " ".join(h.casefold().split()) == " ".join(wanted.casefold().split()),
                  lambda h: normalise(h) == normalise(wanted)):
        hits = [i for i, h in enumerate(headers) if match(h)]
        if len(hits) == 1:
            return hits[0]
    return None


def map_columns(headers: cabc.Sequence[str], kind: Kind,
                overrides: cabc.Mapping[str, str | None] | None = None, rules: ColumnRules | None = None) -> ColumnMap:
    """Recognise the file's headers as canonical fields; ``overrides`` (canonical -> header) win.

    An override of None or "" means "do not read this field". Raises InputError when an override names an
    unknown field or a header the file does not have. ``rules`` default to data/columns.json.
    """
    spec = (rules or default_column_rules()).kind(kind)
    headers = [str(h).strip() for h in headers]
    names = [f.name for f in spec.fields]
    chosen: dict[str, int] = {}
    disabled: set[str] = set()
    problems: list[Problem] = []
    for canon, source in (overrides or {}).items():
        if canon not in names:
            problems.append(Problem(None, None, canon, f"is not a field of {kind}; accepted: {', '.join(names)}"))
            continue
        if source is None or not str(source).strip():
            disabled.add(canon)
            continue
        pos = _find_header(str(source), headers)
        if pos is None:
            problems.append(Problem(None, str(source), None,
                                    f"is mapped to '{canon}' but the file has no such column; "
                                    f"the file's columns: {_quote_list(headers)}"))
            continue
        chosen[canon] = pos
    if problems:
        raise InputError.from_problems("The column mapping does not fit this file.", problems)

    used = set(chosen.values())
    keys = [normalise(h) for h in headers]
    notes: list[str] = []
    for f in spec.fields:
        if f.name in chosen or f.name in disabled:
            continue
        ranks = {normalise(h): rank for rank, h in reversed(list(enumerate(f.headers)))}
        candidates = sorted((ranks[k], pos) for pos, k in enumerate(keys) if k in ranks and pos not in used)
        if not candidates:
            continue
        pos = candidates[0][1]
        chosen[f.name] = pos
        used.add(pos)
        if len(candidates) > 1:
            others = _quote_list(headers[p] for _, p in candidates[1:])
            notes.append(f"Several columns look like '{f.name}' ({f.description}): read '{headers[pos]}', "
                         f"ignored {others}. Map '{f.name}' in the mapping file to choose another.")
    mapped = {f.name: headers[chosen[f.name]] for f in spec.fields if f.name in chosen}
    unmapped = [h for pos, h in enumerate(headers) if pos not in used]
    return ColumnMap(kind, mapped, unmapped, _missing(spec, mapped), notes)


def check_kind(cmap: ColumnMap, headers: cabc.Sequence[str], source_name: str,
               rules: ColumnRules | None = None) -> None:
    """Refuse a file whose columns fit the other kind of import better, before anything is planned.

    Only the fields one kind has and the other lacks count (an id, a name and an owner fit both): the other kind
    must find all it requires and more of its own fields than this kind finds of its own.
    """
    rules = rules or default_column_rules()
    other: Kind = "opportunities" if cmap.kind == "accounts" else "accounts"
    theirs_map = map_columns(headers, other, rules=rules)
    if theirs_map.missing:
        return
    ours_names = {f.name for f in rules.kind(cmap.kind).fields}
    theirs_names = {f.name for f in rules.kind(other).fields}
    ours = [h for name, h in cmap.fields.items() if name not in theirs_names]
    theirs = [h for name, h in theirs_map.fields.items() if name not in ours_names]
    if len(theirs) <= len(ours):
        return
    what = {"accounts": "an accounts file", "opportunities": "an opportunities file"}
    fit = f"only {_quote_list(ours)} fit{'s' if len(ours) == 1 else ''} {cmap.kind}" if ours else \
        f"none of its columns is a field only {cmap.kind} have"
    message = (f"'{Path(str(source_name)).name}' looks like {what[other]}, not {what[cmap.kind]}: its columns "
               f"{_quote_list(theirs)} are {other} fields, and {fit}. Nothing was read into the portfolio. Import it "
               f"as {other}, or give a mapping file if it really holds {cmap.kind}.")
    raise InputError(message, [Problem(None, None, None, f"the columns fit {other} better than {cmap.kind}")])


def _accepted(f: FieldSpec) -> str:
    return _quote_list(dict.fromkeys(f.headers))


def _missing(spec: KindSpec, mapped: cabc.Mapping[str, str]) -> list[str]:
    out = [f"Required column '{f.name}' ({f.description}) was not found. Accepted headers: {_accepted(f)}. "
           "Rename the column or map it in a mapping file."
           for f in spec.fields if f.required and f.name not in mapped]
    for group in spec.one_of:
        if not any(name in mapped for name in group.fields):
            options = "; or ".join(_accepted(spec.spec(name)) for name in group.fields)
            out.append(f"No column for {group.description} was found. Accepted headers: {options}. "
                       "Rename a column or map it in a mapping file.")
    return out


# ---------------------------------------------------------------------------------------------------------------
# Mapping files


class Mapping(BaseModel):
    """A mapping file: canonical field -> the file's header (None to skip a field), an optional date form, and a
    person's stage -> outcome mapping (open, won or lost; it wins over every stage word, see data/stages.json)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    columns: dict[str, str | None] = Field(default_factory=dict)
    date_format: Literal["dd/mm/yyyy", "mm/dd/yyyy"] | None = None
    stages: dict[str, Outcome] = Field(default_factory=dict)

    @field_validator("stages", mode="before")
    @classmethod
    def _fold_outcomes(cls, value: Any) -> Any:
        # People write Won, LOST, " open ": only the word matters.
        if isinstance(value, cabc.Mapping):
            return {str(k): parse_outcome(v) for k, v in value.items()}
        return value

    @field_validator("date_format", mode="before")
    @classmethod
    def _fold_date_format(cls, value: Any) -> Any:
        # People write DD.MM.YYYY, dd-mm-yy, d/m/y: only the order of day and month matters.
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            parts = [p[:1] for p in re.split(r"[\s/.\-]+", value.strip().lower()) if p]
            if parts[:2] == ["d", "m"]:
                return "dd/mm/yyyy"
            if parts[:2] == ["m", "d"]:
                return "mm/dd/yyyy"
        raise ValueError(f"date_format {value!r} is not accepted; use one of {', '.join(DATE_FORMATS)} or null")


def load_mapping_file(path: str | Path) -> Mapping:
    """Read a mapping file: JSON {"columns": {...}, "date_format": ...} or simple 'field = Header' lines."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Mapping file '{path.name}' cannot be read: {exc}.") from None
    return parse_mapping(text, name=path.name)


def parse_mapping(text: str, *, name: str = "mapping") -> Mapping:
    """Parse the text of a mapping file (see load_mapping_file); raises InputError naming the fault."""
    stripped = text.strip()
    try:
        if stripped.startswith("{"):
            try:
                raw = json.loads(stripped)
            except json.JSONDecodeError as exc:
                raise InputError(f"Mapping file '{name}' is not valid JSON: {exc.msg} at line {exc.lineno}, "
                                 f"column {exc.colno}.") from None
            if not ({"columns", "date_format", "stages"} & set(raw)):
                raw = {"columns": raw}  # a bare {"value": "Deal Size"} object is a columns map
            return Mapping.model_validate(raw)
        columns: dict[str, str | None] = {}
        date_format: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):  # no inline comments: headers may contain a hash
                continue
            match = re.match(r"^([A-Za-z_][\w ]*?)\s*[=:]\s*(.*)$", line)
            if not match:
                raise InputError(f"Mapping file '{name}', line {number}: expected 'field = Column header', "
                                 f"got {line!r}.")
            key, value = match[1].strip(), match[2].strip().strip('"').strip("'")
            if key == "date_format":
                date_format = value or None
            else:
                columns[key] = value or None
        return Mapping(columns=columns, date_format=date_format)  # type: ignore[arg-type]
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise InputError(f"Mapping file '{name}' is not valid: {reasons}. Expected "
                         '{"columns": {"value": "Deal Size"}, "date_format": "dd/mm/yyyy" or null, '
                         '"stages": {"Verbal commit": "open", "Booked": "won"}}.') from None
