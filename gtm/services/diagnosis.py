"""Use cases of diagnosis: the active rules and mappings, each opportunity's nature, overrides, rule versions."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from pydantic import ValidationError

from gtm.domain import coverage, sanity
from gtm.domain import vocabulary as vocab
from gtm.domain.diagnose import DiagnosisTable, Mappings, attribute_names, default_diagnosis, resolve_natures
from gtm.domain.errors import ConfigError, InputError, Problem
from gtm.domain.fmt import count
from gtm.domain.permissions import Action, Actor, require
from gtm.domain.rules import describe
from gtm.ingest.decode import read_table
from gtm.ingest.limits import Limit, Limits
from gtm.services import audit
from gtm.services.currency import in_reporting_currency
from gtm.storage.repository import NameTaken, Store, Transaction

DIAGNOSIS = "diagnosis"
FAMILY_BU = "family_bu"
FAMILY_NATURE = "family_nature"
MAPPING_KINDS = {FAMILY_BU: ("product_family", "bu"), FAMILY_NATURE: ("product_family", "nature")}
MAX_NAME = 128
MAX_REASON = 5000
log = logging.getLogger("gtm")


def active_table(store: Store) -> tuple[DiagnosisTable, str]:
    """The active diagnosis table and its version name ('default': data/diagnosis.json).

    A stored version that no longer validates (a pattern saved before patterns ran in linear time, say) is refused
    at load, never run: the bundled rules decide meanwhile, and ``refused_rules`` says so for the pages to show.
    """
    table, name, _refusal = _active(store)
    return table, name


def refused_rules(store: Store) -> str | None:
    """Why the active stored version of the rules is refused (and the bundled rules used instead), or None."""
    return _active(store)[2]


def _active(store: Store) -> tuple[DiagnosisTable, str, str | None]:
    found = store.rule_version(DIAGNOSIS)
    if found is None:
        return default_diagnosis(), "default", None
    name, content = found
    try:
        return parse_table(content, source=f"diagnosis version {name!r}"), name, None
    except ConfigError as exc:
        log.warning("diagnosis rules refused at load: %s", exc)
        return default_diagnosis(), "default", (
            f"The active diagnosis rules {name!r} are refused and not run: {exc} The bundled default rules decide "
            "until someone who may diagnose activates another version or imports corrected rules.")


def parse_table(content: dict[str, Any] | str, source: str = "diagnosis rules") -> DiagnosisTable:
    """Validate a diagnosis table given as a dict or JSON text; ConfigError names the place and the reason."""
    try:
        raw = json.loads(content) if isinstance(content, str) else content
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: the rules are a JSON object with 'signals', 'rules' and 'examples'")
    try:
        return DiagnosisTable.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{source}: invalid diagnosis table: {describe(exc)}") from None


def mapping_rows(store: Store, kind: str) -> pd.DataFrame:
    """The active product family mapping of ``kind`` as a table (product_family and bu, or nature)."""
    columns = list(MAPPING_KINDS[kind])
    found = store.rule_version(kind)
    rows = found[1].get("rows", []) if found else []
    return pd.DataFrame(rows, columns=columns)


def active_mappings(store: Store) -> Mappings:
    """Both product family mappings, as the diagnosis reads them."""
    bu = mapping_rows(store, FAMILY_BU)
    nature = mapping_rows(store, FAMILY_NATURE)
    return Mappings.from_rows(zip(bu["product_family"], bu["bu"]), zip(nature["product_family"], nature["nature"]))


def diagnosed_opportunities(store: Store, table: DiagnosisTable | None = None,
                            mappings: Mappings | None = None, stored: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every stored opportunity the engine can use with its nature and who decided it (person, given, mapping, rule
    or undiagnosed) and its BU (from the file, else from the product family -> BU mapping: ``bu_source``);
    ``diagnosed_with_problems`` also says which were set aside and why.

    ``value`` is in the reporting currency (NaN without a rate), ``value_original`` and ``currency`` as the file
    said: converted before the rules run, so that a deal-size threshold means the same in every currency.
    """
    return diagnosed_with_problems(store, table, mappings, stored)[0]


def diagnosed_with_problems(store: Store, table: DiagnosisTable | None = None, mappings: Mappings | None = None,
                            stored: pd.DataFrame | None = None, business_units: pd.DataFrame | None = None
                            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``diagnosed_opportunities``, and the stored values the engine cannot use (row, account_id, column, value,
    reason): an amount of inf written by an older version sets its opportunity aside instead of stopping a page.
    ``stored``: ``store.opportunities()`` already read (and not changed since), read again otherwise; it is
    left as it is. ``business_units``: ``store.business_units()`` already read, read again otherwise."""
    if table is None:
        table = active_table(store)[0]
    usable, problems = sanity.quarantine(store.opportunities() if stored is None else stored)
    opportunities = in_reporting_currency(store, usable)
    return resolve_natures(opportunities, store.nature_overrides(), table,
                           mappings if mappings is not None else active_mappings(store),
                           store.business_units() if business_units is None else business_units), problems


RULE_FIELDS = ("name", "product_family", "type", "stage", "owner", "bu", "probability", "account_name")


def column_words() -> dict[str, str]:
    """What each opportunity field is, in the import's words ("the sales stage"), for the rules' sentences."""
    from gtm.ingest.columns import fields

    return {f.name: re.split(r" \(|;", f.description, maxsplit=1)[0] for f in fields("opportunities")}


def rule_columns(opportunities: pd.DataFrame, table: DiagnosisTable | None = None) -> list[str]:
    """The columns a rule may test, as pickers offer them: the opportunity's own fields, then the CRM columns kept
    from the import (Lead Source, Description …), then any other column the rules already name."""
    kept = attribute_names(opportunities["attributes"]) if "attributes" in opportunities else []
    named = [str(c.column) for r in (table.rules if table else ()) for c in r.when if c.column is not None]
    return list(dict.fromkeys([*RULE_FIELDS, *kept, *named]))


PREVIEW_SAMPLE = 20_000  # opportunities a what-if by someone who may not save is previewed on


@dataclass(frozen=True)
class Preview:
    """A draft of the rules and mappings run on the portfolio, or on a sample of its accounts."""

    opportunities: pd.DataFrame  # as ``diagnosed_opportunities`` returns them, for the rows previewed
    sampled: bool  # True: a sample of whole accounts, not the whole portfolio
    total: int  # opportunities in the portfolio


def preview(store: Store, actor: Actor, table: DiagnosisTable, mappings: Mappings, stored: pd.DataFrame) -> Preview:
    """A draft's natures on ``stored`` (the stored opportunities). Who may save previews the whole portfolio; anyone
    else's what-if runs on a fixed sample of whole accounts (PREVIEW_SAMPLE opportunities), so that no viewer's
    edit can hold the server for long."""
    rows = stored if actor.can(Action.DIAGNOSE) else coverage.sample_accounts(stored, PREVIEW_SAMPLE)
    return Preview(diagnosed_opportunities(store, table, mappings, stored=rows), len(rows) < len(stored), len(stored))


def override_nature(store: Store, actor: Actor, opportunity_id: str, nature: str | None, reason: str) -> None:
    """Record a person's nature for an opportunity, with a reason; None withdraws it. Imports never overwrite it."""
    require(actor, Action.DIAGNOSE)
    code = None if nature in (None, "") else vocab.NATURES.parse(nature, "nature").code
    reason = (reason or "").strip()
    if not reason:
        raise InputError("Say why (a reason) when you set an opportunity's nature: it is kept with your name.",
                         [Problem(None, "reason", "", "is required")])
    if len(reason) > MAX_REASON:
        raise InputError(f"The reason is {len(reason)} characters; at most {MAX_REASON} are kept.")
    with store.transaction() as tx:
        key = store.opportunity_key(tx, opportunity_id)
        if key is None:
            raise InputError(f"No opportunity with id {opportunity_id!r}.",
                             [Problem(None, "opportunity_id", opportunity_id, "unknown opportunity")])
        store.insert_override(tx, key, code, reason, actor.name.strip())
        audit.log(store, tx, actor, "nature.overridden" if code else "nature.override_withdrawn", opportunity_id,
                  nature=code, reason=reason)


def _version_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise InputError(f"A version needs a name of 1 to {MAX_NAME} characters.")
    if name == "default":
        raise InputError("'default' is the bundled version; choose another name.")
    return name


def save_version(store: Store, actor: Actor, kind: str, name: str, content: dict[str, Any]) -> list[str]:
    """Save and activate a new version of the diagnosis rules or of a mapping; names are never overwritten. A product
    family -> BU mapping creates the BUs it names that are not stored yet, in the same transaction; returns them."""
    require(actor, Action.DIAGNOSE)
    name = _version_name(name)
    if kind == DIAGNOSIS:
        parse_table(content, source="the edited rules")
    elif kind not in MAPPING_KINDS:
        raise InputError(f"Unknown rule table {kind!r}.")
    taken = InputError(f"A version named {name!r} already exists; choose another name.")

    def write(tx: Transaction) -> list[str]:
        store.lock_rule_versions(tx)  # the name check stays true until the version is written
        if store.rule_name_taken(tx, kind, name):
            raise taken
        store.insert_rule_version(tx, kind, name, content, actor.name.strip(), activate=True)
        created = _create_mapped_bus(store, tx, kind, content)
        audit.log(store, tx, actor, f"{kind}.saved", name, activated=True,
                  **({"business_units_created": created} if created else {}))
        return created

    try:
        return store.write(write)  # tried again when a concurrent write made it fail
    except NameTaken:
        raise taken from None


def activate_version(store: Store, actor: Actor, kind: str, name: str) -> None:
    """Make a saved version active; 'default' goes back to the bundled rules (or no mapping)."""
    require(actor, Action.DIAGNOSE)
    found = store.rule_version(kind, name) if kind == FAMILY_BU and name != "default" else None  # never changes

    def write(tx: Transaction) -> None:
        store.lock_rule_versions(tx)
        if name != "default" and not store.rule_name_taken(tx, kind, name):
            raise InputError(f"No version named {name!r}.")
        store.activate_rule_version(tx, kind, None if name == "default" else name)
        created = _create_mapped_bus(store, tx, kind, found[1]) if found else []
        audit.log(store, tx, actor, f"{kind}.activated", name,
                  **({"business_units_created": created} if created else {}))

    store.write(write)


def _create_mapped_bus(store: Store, tx: Transaction, kind: str, content: dict[str, Any]) -> list[str]:
    """The BUs a product family -> BU mapping names that are not stored yet, created in the caller's transaction
    (so Review's and Admin's BU lists show them); returns their names."""
    if kind != FAMILY_BU:
        return []
    return store.ensure_business_units(tx, [str(r.get("bu") or "") for r in content.get("rows", [])])


MAPPING_MAX_ROWS = 20_000  # product families: a few hundred in a real CRM; a file of more is not a mapping
RULES_MAX_BYTES = 1024 * 1024  # a diagnosis table is a few kilobytes


def mapping_limits() -> Limits:
    """The bounds of a mapping file: the upload limits, with at most MAPPING_MAX_ROWS rows and 2 MB."""
    base = Limits.upload()
    return replace(base, max_bytes=replace(base.max_bytes, value=min(base.max_bytes.value, 2 * 1024 * 1024)),
                   max_rows=Limit(MAPPING_MAX_ROWS, "rows (product families)", "GTM_UPLOAD_MAX_ROWS"),
                   max_columns=replace(base.max_columns, value=min(base.max_columns.value, 50)))


def read_mapping_file(actor: Actor, kind: str, data: bytes, name: str) -> dict[str, Any]:
    """A mapping uploaded by a person who may diagnose, read within ``mapping_limits``; InputError otherwise."""
    require(actor, Action.DIAGNOSE)
    return parse_mapping_csv(kind, data, name)


def parse_mapping_csv(kind: str, data: bytes | str, name: str = "mapping.csv",
                      limits: Limits | None = None) -> dict[str, Any]:
    """A product family mapping from CSV or XLSX (product_family and bu, or nature), read like every import (encoding,
    delimiter, bounds); InputError names the row, column and value."""
    if kind not in MAPPING_KINDS:
        raise InputError(f"Unknown mapping {kind!r}; accepted: {', '.join(MAPPING_KINDS)}.")
    columns = MAPPING_KINDS[kind]
    raw = data.encode("utf-8") if isinstance(data, str) else data
    frame = read_table(raw, name=name, limits=limits or mapping_limits()).frame
    frame.columns = pd.Index([str(h).strip().lower().replace(" ", "_") for h in frame.columns])
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"'{name}': needs the columns {', '.join(columns)}; it has: "
                         f"{', '.join(map(str, frame.columns)) or 'none'}.",
                         [Problem(1, c, None, "missing column") for c in missing])
    rows: list[dict[str, Any]] = [{str(k): v for k, v in r.items()} for r in frame[list(columns)].to_dict("records")]
    return mapping_content(kind, rows, source=f"'{name}'", rows_at=[int(r) for r in frame.index])


def rules_file(data: bytes, name: str, base: DiagnosisTable) -> dict[str, Any]:
    """A diagnosis table from a JSON file shaped like data/diagnosis.json: the whole table, or only its ``rules``
    (a list, or an object with ``rules``), which then replace ``base``'s rules and keep its signals and examples.
    Validated whole (a pattern that could not run in linear time is refused); InputError or ConfigError say why."""
    if len(data) > RULES_MAX_BYTES:
        raise InputError(f"'{name}' is {len(data):,} bytes; a rules file is at most {RULES_MAX_BYTES:,} bytes.")
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"'{name}' is not UTF-8 text; a rules file is JSON, like data/diagnosis.json.") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"'{name}' is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}.") from None
    except RecursionError:
        raise InputError(f"'{name}' nests too deeply to be a rules file.") from None
    if isinstance(raw, list):
        raw = {"rules": raw}
    if not isinstance(raw, dict) or "rules" not in raw:
        raise InputError(f"'{name}' holds no 'rules': give the whole table (as data/diagnosis.json) or its rules, a "
                         "list of rules or an object with 'rules'.")
    content = raw if "signals" in raw else {**base.model_dump(mode="json"), "rules": raw["rules"]}
    parse_table(content, source=f"'{name}'")
    return content


def import_rules(store: Store, actor: Actor, data: bytes, name: str, version: str) -> DiagnosisTable:
    """Save the rules of a JSON file (see ``rules_file``) as a new active version named ``version``."""
    require(actor, Action.DIAGNOSE)
    content = rules_file(data, name, active_table(store)[0])
    save_version(store, actor, DIAGNOSIS, version, content)
    return parse_table(content)


def export_rules(store: Store) -> str:
    """The active diagnosis table as JSON, shaped like data/diagnosis.json (what ``import_rules`` reads back)."""
    return json.dumps(active_table(store)[0].model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def mapping_content(kind: str, rows: list[dict[str, Any]], source: str = "the mapping",
                    rows_at: list[int] | None = None) -> dict[str, Any]:
    """Validate mapping rows (blank rows dropped); InputError names each bad row (its spreadsheet row: ``rows_at``,
    else counted from 2 under a header); returns what is stored."""
    key, target = MAPPING_KINDS[kind]
    problems: list[Problem] = []
    out: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for i, row in zip(rows_at or range(2, len(rows) + 2), rows, strict=True):
        family = str(row.get(key) or "").strip()
        value = str(row.get(target) or "").strip()
        if not family and not value:
            continue
        if not family:
            problems.append(Problem(i, key, None, "is empty; every row names a product family"))
            continue
        if not value:
            problems.append(Problem(i, target, None, f"is empty; say which {target} '{family}' maps to"))
            continue
        if target == "nature":
            term = vocab.NATURES.find(value)
            if term is None:
                problems.append(Problem(i, target, value, f"is not a nature; accepted: {vocab.NATURES.accepted()}"))
                continue
            value = vocab.NATURES.codes[term]
        folded = vocab.normalise(family)
        if folded in seen:
            problems.append(Problem(i, key, family, f"is mapped twice (first in row {seen[folded]}); keep one"))
            continue
        seen[folded] = i
        out.append({key: family, target: value})
    if problems:
        raise InputError.from_problems(f"{source}: {count(len(problems), 'row')} cannot be used; nothing was saved.", problems)
    return {"rows": out}


def mapping_csv(store: Store, kind: str) -> pd.DataFrame:
    """The active mapping as a table to export."""
    return mapping_rows(store, kind)


def import_mapping(store: Store, actor: Actor, kind: str, data: bytes, name: str, version: str,
                   limits: Limits | None = None) -> tuple[int, list[str]]:
    """Save a mapping file (CSV or XLSX: product_family and bu, or nature by code or label) as a new active version
    named ``version``, read within ``limits`` (default: the upload's); returns the families mapped and the BUs
    created."""
    require(actor, Action.DIAGNOSE)
    content = parse_mapping_csv(kind, data, name, limits)
    return len(content["rows"]), save_version(store, actor, kind, version, content)


def version_names(store: Store, kind: str) -> list[str]:
    """The saved versions' names of rule table ``kind``, "default" (the bundled one) first."""
    return ["default", *store.rule_versions(kind)["name"].astype(str).tolist()]


def active_version_name(store: Store, kind: str) -> str:
    """The name of rule table ``kind``'s active version ("default": none saved is active)."""
    found = store.rule_version(kind)
    return "default" if found is None else str(found[0])


def nature_overrides(store: Store) -> pd.DataFrame:
    """Every nature a person set on an opportunity (append-only), for an opportunity's history."""
    return store.nature_overrides()
