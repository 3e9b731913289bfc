"""The `handshake` command."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.clock import utcnow
from bot.config import ConfigError, HandshakeConfig, load_config
from bot.durations import parse_duration
from bot.settings import Settings, SettingsError, load_settings

EXIT_BAD_INPUT = 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s level=%(levelname)s logger=%(name)s %(message)s",
    )
    try:
        return int(args.run(args) or 0)
    except (SettingsError, ConfigError) as exc:
        lines = exc.lines if isinstance(exc, SettingsError) else exc.problems
        for line in lines:
            print(f"handshake: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handshake", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    p = sub.add_parser("serve", help="run the bot: Slack listeners, intake API, delivery")
    p.set_defaults(run=_serve)

    p = sub.add_parser("check-config", help="validate a config file and exit")
    p.add_argument("file", nargs="?", help="default: $HANDSHAKE_CONFIG or handshake.yml")
    p.set_defaults(run=_check_config)

    p = sub.add_parser("migrate", help="create or upgrade the database schema")
    p.set_defaults(run=_migrate)

    p = sub.add_parser("export", help="one row per hand-off, as CSV or JSON")
    p.add_argument("--since", default="30d", help="how far back, e.g. 7d, 30d (default 30d)")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.set_defaults(run=_export)

    p = sub.add_parser("outbox", help="list Slack calls that failed, and retry them")
    p.add_argument("action", nargs="?", choices=["list", "retry"], default="list")
    p.add_argument("id", nargs="?", type=int, help="with retry: one row (default: all failed)")
    p.add_argument("--all", action="store_true", help="with list: every status, not only failed")
    p.set_defaults(run=_outbox)
    return parser


def _config(settings: Settings, path: str | None = None) -> HandshakeConfig:
    return load_config(path or settings.config_path)


def _serve(_args: argparse.Namespace) -> int:
    from bot.server import serve

    settings = load_settings()
    missing = settings.missing_for_serve()
    if missing:
        raise SettingsError(missing)
    serve(settings, _config(settings))
    return 0


def _check_config(args: argparse.Namespace) -> int:
    path = args.file or load_settings().config_path
    config = load_config(path)
    print(
        f"{path}: OK ({len(config.people)} people, {len(config.teams)} teams, "
        f"contract {config.contract.version})"
    )
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    from storage.db import make_engine
    from storage.migrate import current_revision, upgrade

    engine = make_engine(load_settings().database_url)
    upgrade(engine)
    print(f"database at revision {current_revision(engine)}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from bot.export import export_rows, write
    from storage.db import make_engine

    try:
        since = utcnow() - parse_duration(args.since)
    except ValueError as exc:
        print(f"handshake: --since: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    rows = export_rows(since, engine=make_engine(load_settings().database_url))
    if args.out:
        with Path(args.out).open("w", newline="", encoding="utf-8") as out:
            count = write(rows, out, args.format)
        print(f"wrote {count} hand-offs to {args.out}", file=sys.stderr)
    else:
        write(rows, sys.stdout, args.format)
    return 0


def _outbox(args: argparse.Namespace) -> int:
    from storage import outbox
    from storage.db import make_engine, unit_of_work
    from storage.models import OUT_FAILED

    engine = make_engine(load_settings().database_url)
    with unit_of_work(engine) as session:
        if args.action == "retry":
            count = outbox.retry_failed(session=session, now=utcnow(), row_id=args.id)
            print(f"{count} failed call(s) queued again")
            return 0 if count or args.id is None else 1
        rows = outbox.list_rows(session=session, status=None if args.all else OUT_FAILED)
        counts = outbox.count_by_status(session=session)
    print("outbox: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "empty")
    for row in rows:
        print(
            f"#{row.id} {row.status} {row.kind} card={row.target} handoff={row.handoff_id} "
            f"attempts={row.attempts} last_error={row.last_error or '-'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
