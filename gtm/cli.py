"""The command line: assess, recommend, diagnose, matrix, demo, import, export, deck, backup, restore, rules,
mappings, users."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gtm import incidents
from gtm.domain.errors import GtmError, InputError, Problem
from gtm.domain.fmt import count
from gtm.domain.matrix import ApproachMatrix, default_matrix, load_matrix
from gtm.domain.vocabulary import normalise

if TYPE_CHECKING:
    from gtm.storage.repository import Store

# Headers the engine commands accept whatever their case and spacing.
_CANONICAL = ("account_id", "nature", "approach", "value", "probability")


def _read(path: str) -> pd.DataFrame:
    """A CSV/XLSX as text cells; canonical headers recognised in any case ("Nature", "Account ID")."""
    from gtm.ingest import decode
    from gtm.ingest.limits import Limits

    frame = decode.read_table(Path(path), limits=Limits.command_line()).frame
    rename = {}
    for col in frame.columns:
        key = normalise(col).replace(" ", "_")
        if key in _CANONICAL and key not in frame.columns:
            rename[col] = key
    return frame.rename(columns=rename)


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Parse value and probability written as people write them ($1,234.50, 45%)."""
    from gtm.ingest import cells

    frame = frame.copy()
    problems: list[Problem] = []
    if "value" in frame:
        values, found = cells.parse_amounts(frame["value"], "value")
        frame["value"], problems = values, problems + found
    if "probability" in frame:
        values, found = cells.parse_percent(frame["probability"], "probability")
        frame["probability"], problems = values, problems + found
    if problems:
        raise InputError.from_problems(f"{count(len(problems), 'number')} could not be read.", problems)
    if "value" in frame and np.isnan(frame["value"].to_numpy(dtype=float)).any():
        rows = frame.index[np.isnan(frame["value"].to_numpy(dtype=float))][:5]
        raise InputError(f"Column 'value': rows {', '.join(map(str, rows))} are empty; every opportunity needs a value.")
    return frame


def _write(frame: pd.DataFrame, out: str | None, sep: str = ",") -> None:
    from gtm.export.tables import to_csv_bytes, to_csv_text, to_xlsx_bytes

    if out is None:
        sys.stdout.write(to_csv_text(frame, sep=sep))
        return
    path = Path(out)
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(to_xlsx_bytes({"data": frame}))
    else:
        path.write_bytes(to_csv_bytes(frame, sep=sep))
    print(f"wrote {count(len(frame), 'row')} to {path}", file=sys.stderr)


def _matrix(args: argparse.Namespace) -> ApproachMatrix:
    return load_matrix(args.matrix) if getattr(args, "matrix", None) else default_matrix()


def cmd_assess(args: argparse.Namespace) -> int:
    """Fit of every opportunity's approach."""
    from gtm.domain.assess import assess

    _write(assess(_read(args.input), _matrix(args)), args.output)
    return 0


def cmd_recommend(args: argparse.Namespace) -> int:
    """One recommended structure per account."""
    from gtm.domain.recommend import recommend

    _write(recommend(_numbers(_read(args.input)), _matrix(args)), args.output)
    return 0


def cmd_diagnose(args: argparse.Namespace) -> int:
    """Nature of every opportunity from what the file holds (signals, names, product families, BUs per account)."""
    from gtm.domain.diagnose import diagnose
    from gtm.ingest import columns

    frame = _read(args.input)
    # CRM headers ("Opportunity Name", "Product Family", "Account Name") become the names the rules read.
    mapped = columns.map_columns(list(frame.columns), "opportunities")
    frame = frame.rename(columns={header: field for field, header in mapped.fields.items()
                                  if field not in frame.columns})
    if "value" in frame:  # "$150,000.00" as a CRM writes it: the deal size the rules compare (blank: unknown)
        from gtm.ingest import cells

        values, problems = cells.parse_amounts(frame["value"], "value")
        if problems:
            raise InputError.from_problems(f"{count(len(problems), 'amount')} could not be read.", problems)
        diagnosed = diagnose(frame.assign(value=values))
        out = diagnosed.assign(value=frame["value"])  # written back as the file gave it
    else:
        out = diagnose(frame)
    _write(out, args.output)
    return 0


def cmd_matrix(args: argparse.Namespace) -> int:
    """Print the active matrix."""
    matrix = _matrix(args)
    if (args.database or not args.matrix) and (args.database or args.workspace != "main"):
        from gtm.storage.repository import Store

        matrix = Store(args.database, workspace=args.workspace).active_matrix().matrix
    print(matrix.to_json() if args.json else matrix.grid())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Load (or with --reset reload) the demo portfolio in the demo workspace."""
    from gtm.services.demo import seed_demo
    from gtm.storage.repository import Store

    store = Store(args.database, workspace=args.workspace)
    # Typing --reset on the command line is the confirmation; the service still refuses any workspace but demo.
    results = seed_demo(store, reset=args.reset, confirm=store.workspace if args.reset else None,
                        workshop_story=False if args.without_workshop else None)
    if results is None:
        print(f"{store.display_url} already holds the demo; use --reset to reload it.")
        return 0
    for r in results:
        print(r.summary())
    if not args.without_workshop:
        print("and its workshop under way: the shortlist and focus list, two maturity assessments, the plan, "
              "decisions with reviews and a scenario (--without-workshop: the portfolio alone)")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Import accounts or opportunities from a CRM export."""
    from gtm.domain.permissions import ADMIN
    from gtm.ingest import columns
    from gtm.ingest.limits import Limits
    from gtm.services.imports import commit_import, export_date, plan_import
    from gtm.storage.repository import Store

    if args.as_of is not None and args.kind != "opportunities":
        raise InputError("--as-of dates an import of opportunities (results compare their outcomes); an import of "
                         "accounts takes none.")
    as_of = export_date(args.as_of)  # said before the file is read
    store = Store(args.database, workspace=args.workspace)
    mapping = columns.load_mapping_file(args.mapping) if args.mapping else None
    # Administrators on the command line read up to a 1,000,000-row export (GTM_CLI_MAX_* raise the limits).
    plan = plan_import(store, args.kind, Path(args.file), mapping=mapping, currency=args.currency,
                       limits=Limits.command_line())
    t = plan.table
    print(f"read {args.file}: {t.format}" + (f", encoding {t.encoding}, delimiter {t.delimiter!r}" if t.format == "csv" else ""))
    print("columns: " + ", ".join(f"{c} <- {s!r}" for c, s in plan.columns.fields.items()))
    if plan.columns.unmapped:
        print("ignored columns: " + ", ".join(repr(c) for c in plan.columns.unmapped))
    for note in plan.notes:
        print(f"note: {note}")
    if plan.kind == "opportunities" and len(stages := plan.stage_lines()):
        print("stages read as (change one with \"stages\" in --mapping, e.g. {\"stages\": {\"Verbal\": \"open\"}}):")
        for line in stages:
            print(f"  {line}")
    for p in plan.sorted_problems():
        print(f"problem: {p}", file=sys.stderr)
    print(plan.summary())
    rejects = plan.rejects_frame()
    if args.skip_invalid and len(rejects) and not plan.file_problems:
        from gtm.export.tables import to_csv_bytes
        from gtm.ingest.plan import rejects_file_name

        target = Path(args.rejects or rejects_file_name(args.file))
        target.write_bytes(to_csv_bytes(rejects))
        print(f"wrote {count(len(rejects), 'rejected row')} with reasons to {target}")
    if args.dry_run:
        print("dry run: nothing was written")
        return 0 if plan.ok else 1
    if plan.problems and (not args.skip_invalid or plan.file_problems):
        print("nothing was imported (all-or-nothing); fix the problems or use --skip-invalid", file=sys.stderr)
        return 1
    result = commit_import(store, plan, ADMIN, skip_invalid=args.skip_invalid, as_of=as_of)
    print(result.summary())
    del plan, t, rejects  # the file's rows: freed before the portfolio is read
    if not args.no_snapshot:
        _prepare_pages(store)
    return 0


def _prepare_pages(store: Store) -> None:
    """Build the frames the pages read and, for a large portfolio, save their snapshot (gtm.storage.snapshot), so
    the first page after this import reads one file instead of diagnosing the portfolio again."""
    import gc
    import time

    from gtm.services import portfolio as portfolio_service

    if not portfolio_service.snapshot_due(store):
        return  # a small portfolio: its first page builds its frames quickly, without a snapshot
    gc.collect()  # the import's rows are gone: free them before the large portfolio is read
    started = time.perf_counter()
    try:
        rows = portfolio_service.prepare_snapshot(store)
    except Exception as exc:  # noqa: BLE001 - the import has landed; only the snapshot is missing
        error_id, log = incidents.report_to_file(exc, "gtm import: preparing the pages' snapshot", incidents.log_file())
        print(f"the import landed, but the pages' snapshot was not prepared (error id {error_id}"
              + (f", trace in {log}" if log else "") + "); the first page will build it", file=sys.stderr)
        return
    if rows is not None:
        print(f"prepared the pages' snapshot of {rows:,} opportunities in {time.perf_counter() - started:.1f} s")


def cmd_export(args: argparse.Namespace) -> int:
    """Export accounts, opportunities, decisions, the whitespace, the audit log or the results per account as CSV or
    XLSX."""
    from gtm.services import portfolio as portfolio_service
    from gtm.storage.repository import Store

    out = args.output or f"gtm-{args.what}.csv"
    if Path(out).suffix.lower() not in (".csv", ".xlsx"):
        raise InputError(f"{out}: exports are written as .csv or .xlsx; name the file with one of those endings.")
    store = Store(args.database, workspace=args.workspace)
    if (args.since or args.list) and args.what != "results":
        raise InputError(f"--since and --list choose the accounts and the baseline of `gtm export results`; "
                         f"`gtm export {args.what}` takes neither.")
    if args.what == "audit":
        from gtm.domain.permissions import ADMIN
        from gtm.services import audit

        frame = audit.entries(store, ADMIN)
    elif args.what == "results":
        from gtm.services import results

        found = results.programme_results(store, args.list, since=results.parse_since(args.since))
        for line in found.sentences():
            print(line, file=sys.stderr)
        if found.baseline is not None:
            print(f"baseline: {found.baseline.words} accounts: {found.scope.words}.", file=sys.stderr)
        frame = results.export_frame(found)
    else:
        frame = portfolio_service.export_frame(store, args.what)
    if args.labels:  # what the pages show, for people; by default the field names and codes gtm import reads back
        from gtm.export import headers
        from gtm.services.currency import reporting_currency

        frame = headers.for_people(frame, headers.EXPORTS[args.what], reporting_currency(store))
    _write(frame, out, args.delimiter)
    return 0


def cmd_deck(args: argparse.Namespace) -> int:
    """The workshop's PowerPoint hand-out: matrix, funnel, maturity, one slide per focus account, plan."""
    from gtm.services.deck import build_deck
    from gtm.services.demo import seed_demo
    from gtm.storage.engine import DEMO
    from gtm.storage.repository import Store

    path = Path(args.output)
    if path.suffix.lower() != ".pptx":
        raise InputError(f"{args.output}: the hand-out is a PowerPoint file; name it with the ending .pptx.")
    store = Store(args.database, workspace=args.workspace)
    if store.workspace == DEMO and store.is_empty():
        # As the app does when the demo is first opened: a never-seeded demo is loaded, never handed out empty.
        seed_demo(store)
        print("the demo workspace was empty: loaded the demo portfolio into it first (as `gtm demo` does)",
              file=sys.stderr)
    data = build_deck(store, args.list)
    path.write_bytes(data)
    print(f"wrote the hand-out ({len(data):,} bytes) to {path}", file=sys.stderr)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Consistent, checked copy of a live SQLite database; never creates or migrates the source."""
    from gtm.storage.backup import backup_sqlite

    target = backup_sqlite(args.database, args.file, args.workspace)
    print(f"backed up to {target}")
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    """Diagnosis rules as data: export the active table as JSON, or import a file as a new active version."""
    from gtm.domain.permissions import ADMIN
    from gtm.services import diagnosis
    from gtm.storage.repository import Store

    store = Store(args.database, workspace=args.workspace)
    if args.action == "export":
        text = diagnosis.export_rules(store)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
            print(f"wrote the active diagnosis rules to {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    if not args.file:
        raise InputError("rules import needs a FILE: JSON shaped like data/diagnosis.json, or its rules.")
    path = Path(args.file)
    if not path.is_file():
        raise InputError(f"{args.file}: not a file; give a JSON file shaped like data/diagnosis.json.")
    with path.open("rb") as f:
        data = f.read(diagnosis.RULES_MAX_BYTES + 1)  # a byte count, never the size the file claims
    version = (args.name or path.stem).strip()
    table = diagnosis.import_rules(store, ADMIN, data, path.name, version)
    print(f"saved and activated the diagnosis rules {version!r} ({len(table.rules)} rules)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace a SQLite database's data with a backup's, checked first and after; safe while servers run."""
    from gtm.storage.backup import restore_sqlite

    print(restore_sqlite(args.file, args.database, args.workspace, create=args.create).summary())
    return 0


MAPPING_KINDS = {"family-bu": ("family_bu", "product family -> BU"),
                 "family-nature": ("family_nature", "product family -> nature")}


def cmd_mappings(args: argparse.Namespace) -> int:
    """Product family mappings as files: import a CSV/XLSX as a new active version, or export the active one."""
    from gtm.domain.permissions import ADMIN
    from gtm.ingest.limits import Limits
    from gtm.services import diagnosis
    from gtm.storage.repository import Store

    kind, words = MAPPING_KINDS[args.kind]
    store = Store(args.database, workspace=args.workspace)
    if args.action == "export":
        _write(diagnosis.mapping_csv(store, kind), args.output)
        return 0
    if not args.file:
        raise InputError(f"mappings import {args.kind} needs a FILE: CSV or XLSX with the columns "
                         f"{', '.join(diagnosis.MAPPING_KINDS[kind])}.")
    path = Path(args.file)
    if not path.is_file():
        raise InputError(f"{args.file}: not a file; give a CSV or XLSX with the columns "
                         f"{', '.join(diagnosis.MAPPING_KINDS[kind])}.")
    limits = Limits.command_line()
    with path.open("rb") as f:
        data = f.read(limits.max_bytes.value + 1)  # a byte count, never the size the file claims
    version = (args.name or path.stem).strip()
    families, created = diagnosis.import_mapping(store, ADMIN, kind, data, path.name, version, limits)
    print(f"saved and activated the {words} mapping {version!r} ({families} product families)")
    if created:
        print(f"created {count(len(created), 'business unit')} it names: {', '.join(created)}")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    """Add, change, deactivate or list the people who may sign in; the command line acts as administrator."""
    from gtm.domain.permissions import ADMIN, ROLE_LABELS, Role
    from gtm.services import users
    from gtm.storage.repository import Store

    store = Store(args.database)
    if args.action == "list":
        frame = users.list_users(store)
        if frame.empty:
            print("no users yet; add the first administrator: python -m gtm users add EMAIL --role admin")
            return 0
        for row in frame.to_dict("records"):
            bus = f" ({', '.join(row['bus'])})" if row["bus"] else ""
            state = "" if row["active"] else " [deactivated]"
            print(f"{row['email']}\t{row['name']}\t{ROLE_LABELS[Role(str(row['role']))]}{bus}{state}")
        return 0
    if not args.email:
        raise InputError(f"users {args.action} needs an EMAIL.")
    if args.action == "add":
        if not args.role:
            raise InputError("users add needs --role (viewer, sales_leader, bu_head, facilitator, admin).")
        if users.parse_role(args.role) == Role.BU_HEAD and not args.bu:
            raise InputError(f"{users.no_bus_to_head(store)} Name each with --bu (--bu BU-A --bu BU-B).")
        email = users.add_user(store, ADMIN, args.email, args.role, args.name, args.bu)
        print(f"added {email} as {ROLE_LABELS[users.parse_role(args.role)]}")
    elif args.action == "update":
        users.update_user(store, ADMIN, args.email, role=args.role, name=args.name, bus=args.bu)
        print(f"updated {users.email_key(args.email)}")
    else:
        users.deactivate_user(store, ADMIN, args.email)
        print(f"deactivated {users.email_key(args.email)}: from now on a viewer")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of python -m gtm."""
    parser = argparse.ArgumentParser(prog="python -m gtm", description="GTM Fit: which GTM structure each key account needs.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: object, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    def workspace(p: argparse.ArgumentParser, default: str = "main") -> None:
        p.add_argument("--workspace", metavar="NAME", default=default,
                       help=f"main (your portfolio) or demo; lowercase letters, digits, '-' (default: {default})")

    for name, func, help_text in (
        ("assess", cmd_assess, "fit of each opportunity's approach (columns: nature, approach)"),
        ("recommend", cmd_recommend, "one structure per account (columns: account_id, nature, value[, probability, approach])"),
        ("diagnose", cmd_diagnose, "infer each opportunity's nature from its signals"),
    ):
        p = add(name, func, help_text)
        p.add_argument("input", metavar="IN", help="CSV or XLSX file")
        p.add_argument("-o", "--output", metavar="OUT", help="write CSV (or .xlsx) here instead of stdout")
        if name != "diagnose":
            p.add_argument("--matrix", metavar="FILE", help="matrix JSON file (default: data/matrix.json)")

    p = add("matrix", cmd_matrix, "print the active matrix as a grid")
    p.add_argument("--matrix", metavar="FILE", help="matrix JSON file (default: data/matrix.json)")
    p.add_argument("--database", metavar="URL", help="print the database's active version instead")
    workspace(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of the grid")

    p = add("demo", cmd_demo, "load the bundled demo portfolio into the (empty) demo workspace")
    p.add_argument("--reset", action="store_true", help="reload the demo workspace; never touches main")
    p.add_argument("--without-workshop", action="store_true",
                   help="the portfolio alone: no lists, assessments, plan, decisions or scenario (to build them live)")
    p.add_argument("--database", metavar="URL")
    workspace(p, "demo")

    p = add("import", cmd_import, "import accounts or opportunities from a CRM export (CSV/XLSX)")
    p.add_argument("kind", choices=("accounts", "opportunities"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--database", metavar="URL")
    workspace(p)
    p.add_argument("--mapping", metavar="FILE", help="JSON mapping file overriding column recognition")
    p.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    p.add_argument("--skip-invalid", action="store_true", help="import valid rows, write rejected ones to a file")
    p.add_argument("--currency", metavar="CODE",
                   help="the currency of amounts that name none (or a bare '$'), e.g. EUR; default: the reporting currency")
    p.add_argument("--rejects", metavar="FILE", help="where --skip-invalid writes rejected rows")
    p.add_argument("--as-of", metavar="DATE",
                   help="opportunities: the day the CRM export was taken (YYYY-MM-DD; default today): results compare "
                        "imports by it")
    p.add_argument("--no-snapshot", action="store_true",
                   help="don't prepare the pages' snapshot of a large portfolio after the import (the first page "
                        "builds it instead)")

    p = add("export", cmd_export, "export accounts, opportunities, decisions, the whitespace, the audit log or the "
                                  "results since a baseline (CSV with BOM, or .xlsx)")
    p.epilog = ("By default the columns keep their field names (account_id, current_approach ...) and vocabulary "
                "codes (lead_unit, cross_sell, overkill): a file scripts can rely on, and accounts and "
                "opportunities that gtm import reads back as they are. --labels writes what the pages show "
                "instead (the Exports & hand-out page's downloads): their headers ('Account id', 'Current approach', "
                "'Value (EUR)'), labels and fits in words. Either way ids are whole numbers, timestamps ISO 8601 "
                "with their zone, and a cell starting with = + - @ is neutralised.")
    p.add_argument("what", choices=("accounts", "opportunities", "decisions", "whitespace", "audit", "results"))
    p.add_argument("-o", "--output", metavar="OUT")
    p.add_argument("--since", metavar="DATE",
                   help="results: the baseline is the latest import of an export dated on or before DATE (YYYY-MM-DD); "
                        "default: the import in force when the list was saved, or the first import")
    p.add_argument("--list", metavar="NAME",
                   help="results: the accounts of this saved list (default: the latest focus list, else every account)")
    p.add_argument("--delimiter", choices=(",", ";"), default=",",
                   help="';' for European Excel (numbers then take a decimal comma); default ','")
    p.add_argument("--labels", action="store_true",
                   help="the pages' headers and words, for people (not read back by gtm import); default: field "
                        "names and codes")
    p.add_argument("--database", metavar="URL")
    workspace(p)

    p = add("deck", cmd_deck, "the workshop's PowerPoint hand-out (matrix, funnel, maturity, focus accounts, plan)")
    p.epilog = ("The focus accounts are those of --list; without it, the latest focus list; when there is none yet, "
                "the 15 accounts with the most value at stake. The title slide says which rule chose them.")
    p.add_argument("-o", "--output", metavar="FILE.pptx", required=True, help="where to write the .pptx")
    p.add_argument("--list", metavar="NAME", help="the account list whose accounts get a slide each")
    p.add_argument("--database", metavar="URL")
    workspace(p)

    p = add("rules", cmd_rules, "the diagnosis rules as data: export the active table, or import a file as a new "
                                 "active version")
    p.add_argument("action", choices=("import", "export"))
    p.add_argument("file", metavar="FILE", nargs="?", help="import: JSON shaped like data/diagnosis.json, or its rules")
    p.add_argument("-o", "--output", metavar="OUT", help="export: write here instead of stdout")
    p.add_argument("--name", help="import: the version's name (default: the file's name without .json)")
    p.add_argument("--database", metavar="URL")
    workspace(p)

    p = add("mappings", cmd_mappings, "product family mappings as files: import a CSV/XLSX as a new active version, "
                                       "or export the active one")
    p.epilog = ("family-bu: columns product_family, bu (a BU not stored yet is created with the name as given); "
                "family-nature: columns product_family, nature (a code or a label). Export writes the same CSV.")
    p.add_argument("action", choices=("import", "export"))
    p.add_argument("kind", choices=tuple(MAPPING_KINDS))
    p.add_argument("file", metavar="FILE", nargs="?", help="import: CSV or XLSX")
    p.add_argument("-o", "--output", metavar="OUT", help="export: write here (.csv or .xlsx) instead of stdout")
    p.add_argument("--name", help="import: the version's name (default: the file's name without its ending)")
    p.add_argument("--database", metavar="URL")
    workspace(p)

    p = add("users", cmd_users, "who may sign in and with which role (the command line acts as administrator)")
    p.add_argument("action", choices=("add", "update", "deactivate", "list"))
    p.add_argument("email", metavar="EMAIL", nargs="?")
    p.add_argument("--role", help="viewer, sales_leader, bu_head, facilitator or admin")
    p.add_argument("--name", help="display name (default: the part of the email before @)")
    p.add_argument("--bu", action="append", metavar="BU", help="a BU a BU head heads (repeat for several)")
    p.add_argument("--database", metavar="URL")

    p = add("backup", cmd_backup, "consistent copy of the live SQLite database")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--database", metavar="URL")
    workspace(p)

    p = add("restore", cmd_restore, "put a backup's data into the live SQLite database (servers may keep running)")
    p.epilog = ("FILE (from gtm backup) is checked first: a SQLite database with GTM Fit's tables that passes "
                "SQLite's integrity check; an older schema is migrated. Only then is it written into the live "
                "database through SQLite's backup API, which the servers' open connections and its -wal file "
                "take in their stride, and checked again: integrity, and rows per table as in the backup. The "
                "data versions advance, so running servers show the restored data on their next page. Never "
                "copy a backup over gtm.db instead. PostgreSQL: pg_restore.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--database", metavar="URL")
    workspace(p)
    p.add_argument("--create", action="store_true",
                   help="create the database file when it does not exist (default: refuse, as a mistyped "
                        "--database or --workspace would restore where no server looks)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; a user's mistake exits non-zero with a short message and no traceback.

    Anything unexpected exits 3 with an error id; its trace goes to the log file (var/gtm-errors.log, or
    GTM_ERROR_LOG) under that id.
    """
    args = build_parser().parse_args(argv)
    incidents.configure_logging()
    try:
        return int(args.func(args))
    except GtmError as exc:
        detail = getattr(exc, "detail", None)  # a database that cannot be opened: the administrator gets the reason
        print(f"error: {exc}" + (f"\n  {detail}" if detail else ""), file=sys.stderr)
        return 2
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        print(f"error: {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        error_id, log = incidents.report_to_file(exc, f"gtm {args.command}", incidents.log_file())
        where = f"in {log}" if log else "above"
        print(f"error: something went wrong (error id {error_id}); the details are {where} under this id.",
              file=sys.stderr)
        return 3
