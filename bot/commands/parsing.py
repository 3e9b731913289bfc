"""Parse `/handshake …` text into a command, or a usage answer. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.away import local_moment
from bot.domain.dials import DialRequest, latest_dial_day, parse_weight
from bot.domain.routing import CAPACITY_MAX
from bot.inputs import latest_date, parse_count, parse_date
from bot.reports.periods import PERIODS, is_period

USAGE = {
    "help": "`/handshake help`: this list",
    "summary": "`/handshake summary [7d|30d|90d|qtd]`: hand-offs in numbers (default 7d)",
    "stale": "`/handshake stale`: pending leads past their deadline, oldest first",
    "lead": "`/handshake lead &lt;email&gt;`: one lead's timeline",
    "campaigns": "`/handshake campaigns [7d|30d|90d|qtd]`: what sales made of each campaign's "
    "leads, and why (default 30d)",
    "contract": "`/handshake contract [7d|30d|90d|qtd]`: the contract in force, and acceptance "
    "with and without each of its signals (default 90d); `/handshake contract compare "
    "2026-11 2026-12`: each version's volumes, acceptance and top reject reasons side by side",
    "criteria": "`/handshake criteria [7d|30d|90d|qtd]`: AE acceptance by the SDR's answer to "
    "each qualification criterion, and what fails on Send back (default 90d)",
    "disputes": "`/handshake disputes [7d|30d|90d|qtd]`: disputed decisions, open and settled, "
    "with the overturn rate by reason and by rep (default 30d)",
    "recycled": "`/handshake recycled [7d|30d|90d|qtd]`: of the leads handed back, by reason, "
    "how many came back (by intake or Re-engage), were accepted and got a meeting (default 90d)",
    "routing": "`/handshake routing [7d|30d|90d|qtd]`: per person, leads received against "
    "their weighted share, and how often each was passed over and why (default 30d)",
    "away": "`/handshake away until YYYY-MM-DD` (or `away YYYY-MM-DD`), "
    "`/handshake away until YYYY-MM-DD HH:MM`, "
    "`/handshake away YYYY-MM-DD HH:MM until YYYY-MM-DD HH:MM` (your time zone), "
    "`/handshake away off`: pause new leads to you",
    "capacity": "`/handshake capacity <n>` caps the new leads you get a day; "
    "`/handshake capacity off` removes the cap",
    "dial": "`/handshake dial up | down | N [until YYYY-MM-DD | until end-of-quarter]`: turn your "
    "share of new leads up or down (N: a weight like 2 or 1.5, within the configured range); "
    "`/handshake dial off` goes back to your roster weight; `/handshake dial` shows your weight "
    "and why. Managers: `/handshake dial @rep …` for a rep of their team",
}


DEFAULT_PERIOD = {
    "summary": "7d",
    "campaigns": "30d",
    "contract": "90d",
    "criteria": "90d",
    "disputes": "30d",
    "recycled": "90d",
    "routing": "30d",
}
REPORTS = (*DEFAULT_PERIOD, "stale", "lead", "contract_compare")
_EMAIL = re.compile(r"[^@\s<>|]+@[^@\s<>|]+\.[^@\s<>|.]+")
_MAILTO = re.compile(r"<mailto:([^|>]+)(?:\|[^>]*)?>")  # how Slack may send a typed address


@dataclass(frozen=True)
class Command:
    name: str
    away_until: date | None = None
    away_from: datetime | None = None  # a timed absence (UTC): `away … HH:MM until … HH:MM`
    away_to: datetime | None = None
    capacity: int | None = None
    period: str | None = None  # the period reports: one of PERIODS
    email: str | None = None  # lead
    versions: tuple[str, ...] = ()  # contract compare: the versions, in the order given
    dial: DialRequest | None = None  # dial


@dataclass(frozen=True)
class Usage:
    """A bad or unknown command: what to tell the person."""

    message: str


def parse(
    text: str | None, today: date, *, now: datetime | None = None, zone: ZoneInfo | None = None
) -> Command | Usage:
    """`now` and `zone` (the person's) place a timed absence; `today` is in `zone`."""
    words = _MENTION.sub(r"<@\1>", text or "").strip().split()  # a label may hold spaces
    if not words or words[0].lower() == "help":
        return Command("help")
    name, args = words[0].lower(), words[1:]
    if name == "away":
        return _away(args, today, now or datetime.combine(today, time(0), UTC), zone)
    if name == "capacity":
        return _capacity(args)
    if name == "dial":
        return _dial(args, today)
    if name == "contract" and args and args[0].lower() == "compare":
        return _compare(args[1:])
    if name in DEFAULT_PERIOD:
        return _period(name, args)
    if name == "stale":
        return Command("stale") if not args else Usage("Usage: " + USAGE["stale"])
    if name == "lead":
        return _lead(args)
    return Usage(f"I don't know `{_clip(words[0])}`. Try `/handshake help`.")


def _away(args: list[str], today: date, now: datetime, zone: ZoneInfo | None) -> Command | Usage:
    if len(args) == 1 and args[0].lower() == "off":
        return Command("away", away_until=None)
    lowered = [a.lower() for a in args]
    if len(args) == 5 and lowered[2] == "until":  # D T until D T
        return _away_window(args[0:2], args[3:5], now, zone or ZoneInfo("UTC"))
    if len(args) == 3 and lowered[0] == "until":  # until D T: from now
        return _away_window(None, args[1:3], now, zone or ZoneInfo("UTC"))
    if args and lowered[0] == "until":
        args = args[1:]
    if len(args) != 1:
        return Usage("Usage: " + USAGE["away"])
    until = parse_date(args[0])
    if until is None:
        return Usage(f"`{_clip(args[0])}` is not a date like 2026-12-01. Usage: " + USAGE["away"])
    if until < today:
        return Usage(f"{until.isoformat()} is in the past. Usage: " + USAGE["away"])
    if until > latest_date(today):
        return Usage(f"{until.isoformat()} is too far ahead. Usage: " + USAGE["away"])
    return Command("away", away_until=until)


_CLOCK = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
MAX_AWAY = timedelta(days=366)  # an absence ends at most a year ahead


def _moment(words: list[str], zone: ZoneInfo) -> datetime | Usage:
    day, clock = parse_date(words[0]), _CLOCK.fullmatch(words[1])
    if day is None:
        return Usage(f"`{_clip(words[0])}` is not a date like 2026-12-24. Usage: " + USAGE["away"])
    if clock is None:
        return Usage(f"`{_clip(words[1])}` is not a time like 09:00. Usage: " + USAGE["away"])
    try:
        moment = local_moment(day, time(int(clock.group(1)), int(clock.group(2))), zone)
    except OverflowError:  # year 1 or 9999: past the calendar's edge once in UTC
        return Usage(
            f"{day.isoformat()} {words[1]} is too far from today (a year at most). Usage: "
            + USAGE["away"]
        )
    if moment is None:
        return Usage(
            f"{day.isoformat()} {words[1]} does not exist in {zone.key} (the clocks skip it). "
            "Pick another time. Usage: " + USAGE["away"]
        )
    return moment


def _away_window(
    start_words: list[str] | None, end_words: list[str], now: datetime, zone: ZoneInfo
) -> Command | Usage:
    start = _moment(start_words, zone) if start_words else now
    if isinstance(start, Usage):
        return start
    end = _moment(end_words, zone)
    if isinstance(end, Usage):
        return end
    minute = now.replace(second=0, microsecond=0)
    shown = f"{' '.join(end_words)} ({zone.key})"
    if end <= now:
        return Usage(f"{shown} is in the past. Usage: " + USAGE["away"])
    if start_words and start < minute:
        return Usage(
            f"{' '.join(start_words)} ({zone.key}) is in the past. Usage: " + USAGE["away"]
        )
    if end <= start:
        return Usage("The end of an absence must come after its start. Usage: " + USAGE["away"])
    if end - now > MAX_AWAY:
        return Usage(f"{shown} is too far ahead (a year at most). Usage: " + USAGE["away"])
    return Command("away", away_from=start, away_to=end)


def _capacity(args: list[str]) -> Command | Usage:
    if len(args) != 1:
        return Usage("Usage: " + USAGE["capacity"])
    if args[0].lower() == "off":
        return Command("capacity", capacity=None)
    capacity = parse_count(args[0], low=1, high=CAPACITY_MAX)
    if capacity is None:
        return Usage(
            f"`{_clip(args[0])}` is not a number from 1 to {CAPACITY_MAX}. Usage: "
            + USAGE["capacity"]
        )
    return Command("capacity", capacity=capacity)


_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>")  # how Slack sends @someone
_DIAL_WORDS = {"up": "up", "down": "down", "off": "off", "reset": "off"}


def _dial(args: list[str], today: date) -> Command | Usage:
    usage = "Usage: " + USAGE["dial"]
    target = None
    if args and args[0].startswith("<"):
        mention = _MENTION.fullmatch(args[0])
        if mention is None:
            return Usage(f"`{_clip(args[0])}` is not a person: write @their name. {usage}")
        target, args = mention.group(1), args[1:]
    if not args:
        return Command("dial", dial=DialRequest(target=target))
    word, rest = args[0].lower(), args[1:]
    if word in _DIAL_WORDS:
        change, weight = _DIAL_WORDS[word], None
    elif (weight := parse_weight(word)) is not None:
        change = "set"
    else:
        return Usage(f"`{_clip(args[0])}` is not up, down, off or a weight like 2 or 1.5. {usage}")
    request = DialRequest(target=target, change=change, weight=weight)
    if not rest:
        return Command("dial", dial=request)
    if change == "off":
        return Usage(f"`dial off` takes no date: it lasts until you dial again. {usage}")
    if rest[0].lower() != "until" or len(rest) != 2:
        return Usage(usage)
    when = rest[1].lower()
    if when in ("end-of-quarter", "eoq"):
        return Command("dial", dial=replace(request, end_of_quarter=True))
    until = parse_date(when)
    if until is None:
        return Usage(f"`{_clip(rest[1])}` is not a date like 2026-12-01. {usage}")
    if until < today:
        return Usage(f"{until.isoformat()} is in the past. {usage}")
    if until > latest_dial_day(today):
        return Usage(f"{until.isoformat()} is more than a year ahead. {usage}")
    return Command("dial", dial=replace(request, until=until))


def _period(name: str, args: list[str]) -> Command | Usage:
    if len(args) > 1:
        return Usage("Usage: " + USAGE[name])
    if args and not is_period(args[0]):
        known = ", ".join(PERIODS)
        return Usage(f"`{_clip(args[0])}` is not a period ({known}). Usage: " + USAGE[name])
    return Command(name, period=args[0].lower() if args else DEFAULT_PERIOD[name])


_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
MAX_COMPARED = 4


def _compare(args: list[str]) -> Command | Usage:
    usage = "Usage: `/handshake contract compare 2026-11 2026-12` (2 to 4 versions)"
    if not 2 <= len(args) <= MAX_COMPARED:
        return Usage(usage)
    for word in args:
        if not _VERSION.fullmatch(word):
            return Usage(f"`{_clip(word)}` is not a contract version. " + usage)
    if len(set(args)) != len(args):
        return Usage("Name each version once. " + usage)
    return Command("contract_compare", versions=tuple(args))


def _lead(args: list[str]) -> Command | Usage:
    if len(args) != 1:
        return Usage("Usage: " + USAGE["lead"])
    word = args[0]
    mailto = _MAILTO.fullmatch(word)
    email = (mailto.group(1) if mailto else word).strip().lower()
    if not _EMAIL.fullmatch(email) or len(email) > 320:
        return Usage(f"`{_clip(word)}` is not an email address. Usage: " + USAGE["lead"])
    return Command("lead", email=email)


def _clip(word: str) -> str:
    """Echo a word back safely: not too long (cut before escaping, so never inside an
    escape), no mrkdwn control characters."""
    cut = word[:40]
    return cut.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")


def help_text() -> str:
    lines = ["*Handshake commands*"] + [f"• {line}" for line in USAGE.values()]
    return "\n".join(lines)
