"""The `handshake` command."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import utcnow
from bot.config import ConfigError, HandshakeConfig, load_config
from bot.config.crm import crm_notes
from bot.config.durations import parse_duration
from bot.observability.logs import configure_logging, secrets_of
from bot.settings import Settings, SettingsError, environment, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.intake.csv_import import ColumnMap, CsvFile
    from bot.intake.importing import ImportReport, Prepared
    from bot.runtime import Runtime

EXIT_BAD_INPUT = 2
LONG_POSTING_S = 180  # `import`: longer than this to post the cards, and a person is asked


class CommandError(Exception):
    """Bad input to a command: one line each, printed as "handshake: <line>", exit 2."""

    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # a pipe closed early fails here, inside the try
        return code
    except BrokenPipeError:
        # The reader went away (`handshake export | head`): what it wanted, it has. Point
        # stdout at /dev/null so the flush at exit does not complain, and end quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv: list[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _log_as(None)
    try:
        return int(args.run(args) or 0)
    except (SettingsError, ConfigError, CommandError) as exc:
        lines = exc.problems if isinstance(exc, ConfigError) else exc.lines
        for line in lines:
            print(f"handshake: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _log_as(config: HandshakeConfig | None) -> None:
    """Logging for this command: HANDSHAKE_LOG_FORMAT, every secret in force scrubbed (the
    config's too, once loaded). Bad settings: text for now; the command says what is wrong."""
    try:
        settings: Settings | None = load_settings()
    except SettingsError:
        settings = None
    secrets = secrets_of(settings, config, environment()) if settings else set()
    configure_logging(settings.log_format if settings else "text", secrets)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handshake", description=__doc__)
    parser.add_argument("--version", action="version", version=f"handshake {_version()}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="run the bot: Slack listeners, intake API, delivery")
    p.set_defaults(run=_serve)
    p = sub.add_parser(
        "deliver",
        help="the background work alone: delivery and the SLA clock "
        "(serve starts it itself with HANDSHAKE_DELIVERY=process)",
    )
    p.set_defaults(run=_deliver)

    p = sub.add_parser("check-config", help="validate a config file and exit")
    p.add_argument("file", nargs="?", help="default: $HANDSHAKE_CONFIG or handshake.yml")
    p.set_defaults(run=_check_config)

    p = sub.add_parser(
        "doctor",
        help="check Slack, the roster, the database, webhooks, CRMs: one line each",
        description="One line per check, ✓ or ✗, with what to do about each ✗. Exit 1 "
        "when anything is wrong. Nothing is written anywhere.",
    )
    p.set_defaults(run=_doctor)

    p = sub.add_parser(
        "init",
        help="write a commented handshake.yml to start from (people from Slack, with a token)",
    )
    p.add_argument("file", nargs="?", default="handshake.yml", help="default: handshake.yml")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(run=_init)

    p = sub.add_parser(
        "reload",
        help="reload the running serve's config (SIGHUP); a bad config is refused",
        description="Check the config serve reads ($HANDSHAKE_CONFIG), then signal the serve "
        "named in its pid file ($HANDSHAKE_PID_FILE, default handshake.pid) and print what it "
        "did. A bad config is refused and the config in force stays.",
    )
    p.set_defaults(run=_reload)

    p = sub.add_parser("migrate", help="create or upgrade the database schema")
    p.set_defaults(run=_migrate)

    p = sub.add_parser("export", help="one row per hand-off, as CSV or JSON")
    p.add_argument("--since", default="30d", help="how far back, e.g. 7d, 30d (default 30d)")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.set_defaults(run=_export)

    p = sub.add_parser("outbox", help="list outgoing calls that failed, and retry them")
    p.add_argument("action", nargs="?", choices=["list", "retry"], default="list")
    p.add_argument("id", nargs="?", type=int, help="with retry: one row (default: all failed)")
    p.add_argument("--all", action="store_true", help="with list: every status, not only failed")
    p.set_defaults(run=_outbox)

    p = sub.add_parser("webhooks", help="webhooks: send a signed test event")
    p.add_argument("action", choices=["test"])
    p.add_argument("url", help="the receiver's URL")
    p.add_argument(
        "--secret-env",
        default="HANDSHAKE_WEBHOOK_SECRET",
        help="the variable holding the whsec_… secret (default HANDSHAKE_WEBHOOK_SECRET)",
    )
    p.set_defaults(run=_webhooks)

    p = sub.add_parser("digest", help="the weekly digest: its schedule, or post it --now")
    p.add_argument("--now", action="store_true", help="post the digest of the last 7 days now")
    p.set_defaults(run=_digest)

    p = sub.add_parser(
        "import",
        help="leads from a CSV file, through intake (or --dry-run)",
        description=(
            "Each row goes through the same intake as POST /api/leads. Columns are matched by "
            "header name (Handshake's field names and common CRM export names); other columns "
            "are kept as extra fields. A real run commits batches of 200 rows with a "
            "checkpoint: run it again on the same file to carry on after an interruption; a "
            "finished file is not imported again. Rejected rows go to FILE.errors.csv. Exit "
            "0 when the file was processed (even with rejected rows), 2 when it cannot be "
            "read or has no email column."
        ),
    )
    p.add_argument("file", help="a CSV file in UTF-8; , ; tab or | between cells")
    p.add_argument(
        "--source", required=True, help="the leads' system of record, e.g. hubspot (required)"
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="read COLUMN as lead FIELD (repeatable; COLUMN= leaves the column out)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="show what each row would do; store nothing"
    )
    p.add_argument("--yes", action="store_true", help="do not ask before a long card run")
    p.set_defaults(run=_import)

    p = sub.add_parser("demo", help="the whole hand-off in a browser: no Slack, no credentials")
    p.add_argument("--port", type=int, default=8080, help="the page's port (default 8080)")
    p.add_argument("--db", help="SQLite file to keep (default: a temporary one, removed at exit)")
    p.add_argument("--leads", type=int, default=5, help="sample leads at start (0: none ever)")
    p.add_argument("--every", type=float, default=20, help="seconds between later leads")
    p.set_defaults(run=_demo)
    return parser


def _database(settings: Settings, *, need_schema: bool = True) -> Engine:
    """An engine on DATABASE_URL that can connect (and has the schema, if `need_schema`)."""
    from sqlalchemy.exc import ArgumentError

    from storage.db import make_engine, ping
    from storage.migrate import current_revision

    try:
        engine = make_engine(settings.database_url)
    except (ArgumentError, ImportError) as exc:
        expected = "expected one like sqlite:///handshake.db or postgresql://user@host/db"
        kind = "has no installed driver" if isinstance(exc, ImportError) else "is not usable"
        raise SettingsError([f"DATABASE_URL: the URL {kind}; {expected}"]) from None
    where = engine.url.render_as_string(hide_password=True)
    file = engine.url.database if engine.dialect.name == "sqlite" else None
    problem = None
    if need_schema and file and file != ":memory:" and not Path(file).exists():
        problem = f"{where}: no such database file; run `handshake migrate` to create it"
    elif not ping(engine):
        problem = f"cannot connect to {where}"
    elif need_schema and current_revision(engine) is None:
        problem = f"{where} has no schema yet; run `handshake migrate` first"
    if problem:
        engine.dispose()
        raise SettingsError([f"DATABASE_URL: {problem}"])
    return engine


def _writable(engine: Engine) -> None:
    """Refuse to serve a database that cannot be written to (read-only, full, deleted)."""
    from storage.db import write_problem

    problem = write_problem(engine)
    where = engine.url.render_as_string(hide_password=True)
    engine.dispose()
    if problem:
        raise SettingsError([f"DATABASE_URL: cannot write to {where}: {problem}"])


def _version() -> str:
    """The installed distribution's version (pyproject.toml's, as `pip install` recorded it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("handshake-bot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _serve(_args: argparse.Namespace) -> int:
    settings, config = _ready_to_serve()

    from bot.server import serve

    serve(settings, config)
    return 0


def _deliver(_args: argparse.Namespace) -> int:
    settings, config = _ready_to_serve()

    from bot.server import deliver

    deliver(settings, config)
    return 0


def _ready_to_serve() -> tuple[Settings, HandshakeConfig]:
    # Every setting and the whole config are checked before anything touches the
    # database or the network, and all their problems are reported together.
    settings = load_settings()
    problems = settings.missing_for_serve()
    config: HandshakeConfig | None = None
    try:
        config = load_config(settings.config_path, environ=environment())
    except ConfigError as exc:
        problems += exc.problems
    if problems or config is None:
        raise SettingsError(problems)
    _log_as(config)
    _writable(_database(settings, need_schema=False))
    config = _resolved(settings, config, engine_url=settings.database_url)
    return settings, config


def _check_config(args: argparse.Namespace) -> int:
    settings = load_settings()
    path = args.file or settings.config_path
    config = load_config(path, environ=environment())
    by_email = config.by_email()
    if by_email and settings.slack_bot_token:
        config = _resolved(settings, config)
        print(f"{path}: {len(by_email)} people given by email found in Slack")
    elif by_email:
        print(
            f"note: {len(by_email)} people are given by email alone; without SLACK_BOT_TOKEN "
            "their Slack IDs cannot be looked up here (serve looks them up at start; "
            "`handshake doctor` checks them now)"
        )
    print(
        f"{path}: OK ({len(config.people)} people, {len(config.teams)} teams, "
        f"contract {config.contract.version})"
    )
    from bot.config.roster import roster_notes

    for note in roster_notes(config) + crm_notes(config):
        print(f"note: {note}")
    return 0


def _resolved(
    settings: Settings, config: HandshakeConfig, *, engine_url: str | None = None
) -> HandshakeConfig:
    """People given by email looked up in Slack (IDs stored at an earlier start when Slack
    cannot be asked); an email Slack does not know is a ConfigError."""
    if not config.by_email():
        return config
    from bot.services.roster_lookup import resolve_people
    from storage.db import make_engine

    engine = make_engine(engine_url) if engine_url else None
    try:
        return resolve_people(config, client=_slack(settings), engine=engine)
    finally:
        if engine is not None:
            engine.dispose()


def _slack(settings: Settings):  # type: ignore[no-untyped-def]
    if not settings.slack_bot_token:
        return None
    from slack_sdk import WebClient

    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=30,
        retry_handlers=[],
    )


def _doctor(_args: argparse.Namespace) -> int:
    from bot.setup.doctor import run_doctor

    failed = 0
    for check in run_doctor(load_settings()):
        print(check.line(), flush=True)
        failed += not check.ok
    if failed:
        print(f"{failed} problem(s) found")
    return 1 if failed else 0


def _init(args: argparse.Namespace) -> int:
    from bot.setup.init import render, workspace_people

    path = Path(args.file)
    if path.exists() and not args.force:
        raise CommandError([f"{path} already exists; use --force to overwrite it"])
    settings = load_settings()
    client = _slack(settings)
    people = []
    if client is not None:
        try:
            people = workspace_people(client)
        except Exception as exc:
            raise CommandError([f"users.list failed ({exc}); check SLACK_BOT_TOKEN"]) from None
    try:
        path.write_text(render(people), encoding="utf-8")
    except OSError as exc:
        raise CommandError([f"cannot write {path} ({exc.strerror or exc})"]) from None
    source = f"{len(people)} people from Slack" if client else "an example roster"
    print(
        f"wrote {path} with {source}; set roles, teams and handoff_channel, then run "
        "`handshake check-config`"
    )
    return 0


def _reload(_args: argparse.Namespace) -> int:
    from bot.services.config_reload import signal_serve

    settings = load_settings()
    load_config(settings.config_path, environ=environment())  # refused here: serve untouched
    outcome = signal_serve(settings.pid_file)
    if isinstance(outcome, str):
        raise CommandError([outcome])
    if not outcome.get("applied"):
        problems = outcome.get("problems")
        raise ConfigError(["serve refused the config, the old one stays:", *(problems or [])])  # type: ignore[misc]
    print(f"{settings.config_path}: reloaded (contract {outcome.get('version')})")
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    from storage.migrate import current_revision, upgrade

    engine = _database(load_settings(), need_schema=False)
    try:
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        print(f"database at revision {after} (already up to date)")
    else:
        print(f"database at revision {after} (was {before or 'empty'})")
    return 0


def _export(args: argparse.Namespace) -> int:
    from bot.export import export_rows, write

    try:
        since = utcnow() - parse_duration(args.since)
    except ValueError as exc:
        raise CommandError([f"--since: {exc}"]) from None
    engine = _database(load_settings())
    try:
        rows = export_rows(since, engine=engine)
    finally:
        engine.dispose()
    if args.out:
        try:
            with Path(args.out).open("w", newline="", encoding="utf-8") as out:
                count = write(rows, out, args.format)
        except OSError as exc:
            raise CommandError(
                [f"--out: cannot write {args.out} ({exc.strerror or exc})"]
            ) from None
        print(f"wrote {count} hand-offs to {args.out}", file=sys.stderr)
    else:
        write(rows, sys.stdout, args.format)
    return 0


def _outbox(args: argparse.Namespace) -> int:
    from storage import outbox
    from storage.db import unit_of_work
    from storage.models import OUT_FAILED

    engine = _database(load_settings())
    try:
        with unit_of_work(engine) as session:
            if args.action == "retry":
                count = outbox.retry_failed(session=session, now=utcnow(), row_id=args.id)
            else:
                rows = outbox.list_rows(session=session, status=None if args.all else OUT_FAILED)
                counts = outbox.count_by_status(session=session)
    finally:
        engine.dispose()
    if args.action == "retry":
        if args.id is not None and not count:
            print(f"handshake: outbox row {args.id} is not a failed call", file=sys.stderr)
            return 1
        print(f"{count} failed call(s) queued again")
        return 0
    print("outbox: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "empty"))
    for row in rows:
        where = f"to={row.destination}" if row.destination else f"card={row.target}"
        print(
            f"#{row.id} {row.status} {row.kind} {where} handoff={row.handoff_id} "
            f"lane={row.lane} attempts={row.attempts} "
            f"last_error={row.last_error or '-'}"
        )
    return 0


def _webhooks(args: argparse.Namespace) -> int:
    from bot.config.environment import unset_message
    from bot.config.webhooks import http_url_problem, secret_problem
    from bot.delivery.ping import ping

    if http_url_problem(args.url):
        raise CommandError([f"URL: {http_url_problem(args.url)}"])
    secret = os.environ.get(args.secret_env)
    if not secret:
        raise CommandError([f"--secret-env: {unset_message(args.secret_env)}"])
    problem = secret_problem(secret)
    if problem:
        raise CommandError([f"--secret-env: the value of {args.secret_env} {problem}"])
    result = ping(args.url, secret, clock=utcnow)
    print("\n".join(result.lines))
    return 0 if result.ok else EXIT_BAD_INPUT


def _digest(args: argparse.Namespace) -> int:
    from bot.delivery.ondemand import post_now
    from bot.digest.status import schedule_lines

    settings = load_settings()
    problems = []
    if args.now and not settings.slack_bot_token:
        problems.append("SLACK_BOT_TOKEN: required for digest --now (xoxb-…)")
    config: HandshakeConfig | None = None
    try:
        config = load_config(settings.config_path, environ=environment())
    except ConfigError as exc:
        problems += exc.problems
    if problems or config is None:
        raise SettingsError(problems)
    engine = _database(settings)
    try:
        if not args.now:
            print("\n".join(schedule_lines(engine=engine, config=config, now=utcnow())))
            return 0
        from slack_sdk import WebClient

        client = WebClient(
            token=settings.slack_bot_token,
            base_url=settings.slack_api_url,
            timeout=30,
            retry_handlers=[],
        )
        result = post_now(engine=engine, config=config, client=client, clock=utcnow)
    finally:
        engine.dispose()
    if not result.ok:
        for line in result.lines:
            print(f"handshake: {line}", file=sys.stderr)
        return 1
    print("\n".join(result.lines))
    return 0


def _import(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import DBAPIError

    from bot.intake import csv_import, importing
    from bot.runtime import Runtime
    from bot.server import seeds
    from storage.db import DatabaseGone

    settings = load_settings()
    config = load_config(settings.config_path, environ=environment())
    source = args.source.strip()
    if not source or len(source) > 100:
        raise CommandError(["--source: give the leads' system of record, 1 to 100 characters"])
    path = Path(args.file)
    try:
        overrides = csv_import.parse_map_options(args.map)
        csv_file = csv_import.read_csv(path)
        columns = csv_import.map_columns(csv_file.header, overrides)
    except csv_import.CsvProblem as exc:
        raise CommandError([str(exc)]) from None
    print(_columns_line(path, csv_file, columns))
    for note in columns.notes:
        print(f"note: {note}")
    owners = {person.name.casefold(): person.email for person in config.people}
    prepared = importing.prepare(csv_file, columns, source, owners)
    engine = _database(settings)
    runtime = Runtime(engine=engine, config=config)
    try:
        if args.dry_run:
            totals = importing.dry_run(
                prepared,
                runtime=runtime,
                roster=seeds(config),
                on_row=lambda outcome: print(outcome.text()),
            )
            print(f"dry run, nothing stored: {totals.text()}")
            return 0
        done, finished = importing.rows_done(csv_file, source=source, runtime=runtime)
        if finished is None and not _go_ahead(prepared[done:], args, source, runtime):
            print("nothing imported")
            return 1
        report = _run_with_progress(prepared, csv_file, path, source, runtime, done=done)
    except (KeyboardInterrupt, DBAPIError, DatabaseGone) as exc:
        why = "interrupted" if isinstance(exc, KeyboardInterrupt) else f"stopped: {exc}"
        if args.dry_run:
            print(f"handshake: dry run {why}; nothing stored", file=sys.stderr)
        else:
            print(
                f"handshake: import {why}; the rows of every batch committed before stay "
                "imported: run the same command again to carry on from there",
                file=sys.stderr,
            )
        return 130 if isinstance(exc, KeyboardInterrupt) else 1
    finally:
        engine.dispose()
    if report.already_imported:
        when = report.already_imported.strftime("%Y-%m-%d %H:%M UTC")
        print(f"{path} was already imported into {source} on {when}; nothing new")
    elif report.resumed_at:
        print(f"resumed after row {report.resumed_at} of {report.rows_total} (an earlier run)")
    print(f"{report.rows_total} rows: {report.totals.text()}")
    rejected = [(p.row, p.error_text) for p in prepared if p.lead is None]
    errors_file = csv_import.errors_path(path)
    try:
        if csv_import.write_errors(errors_file, csv_file, rejected):
            print(f"rejected rows and their errors: {errors_file}")
    except OSError as exc:
        print(f"handshake: cannot write {errors_file} ({exc.strerror or exc})", file=sys.stderr)
    return 0


def _columns_line(path: Path, csv_file: CsvFile, columns: ColumnMap) -> str:
    shown = {"\t": "tab"}.get(csv_file.delimiter, csv_file.delimiter)
    mapped = ", ".join(f"{csv_file.header[i]} → {name}" for i, name in columns.fields.items())
    extra = ", ".join(csv_file.header[i] for i in columns.extra) or "none"
    return (
        f"{path}: {len(csv_file.rows)} rows, cells split by {shown!r}; "
        f"columns: {mapped}; kept as extra fields: {extra}"
    )


def _go_ahead(
    rest: list[Prepared], args: argparse.Namespace, source: str, runtime: Runtime
) -> bool:
    """Say how long Slack will take to get the cards; ask first when that is long."""
    from bot.intake.importing import estimate

    guess = estimate(rest, source=source, runtime=runtime)
    print(guess.text())
    if guess.seconds <= LONG_POSTING_S or args.yes or not sys.stdin.isatty():
        return True
    try:
        answer = input("Import now? [y/N] ").strip().lower()
    except EOFError:
        return False
    return answer in ("y", "yes")


def _run_with_progress(
    prepared: list[Prepared],
    csv_file: CsvFile,
    path: Path,
    source: str,
    runtime: Runtime,
    *,
    done: int,
) -> ImportReport:
    from tqdm import tqdm

    from bot.intake.importing import run_import
    from bot.server import seeds

    with tqdm(
        total=len(prepared),
        initial=done,
        unit="row",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
    ) as bar:
        return run_import(
            prepared,
            csv_file,
            file_name=str(path),
            source=source,
            runtime=runtime,
            roster=seeds(runtime.config),
            on_batch=bar.update,
        )


def _demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return run_demo(args)


if __name__ == "__main__":
    raise SystemExit(main())
