"""The account key of a lead (`Lead.account_domain`): the registrable domain of its
company, so that leads of one company meet on one indexed equality.

Pure, and kept beside the table it fills because the migration that added the column
backfills it with these same functions (storage sits below `bot.domain` in the layers).
The Public Suffix List comes from `publicsuffixlist`, which ships the list in the package
and never fetches it; the free-mail providers are `free_mail.txt` beside this module.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from publicsuffixlist import PublicSuffixList

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_HOST_OK = re.compile(r"^[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$")


@cache
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()


@cache
def free_mail_domains() -> frozenset[str]:
    """The shipped list of free-mail providers (read once, on first use)."""
    text = resources.files(__package__).joinpath("free_mail.txt").read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line)


def host_of(value: str | None) -> str | None:
    """`value` (a domain, a URL or an email address) as a bare lowercase ASCII host name:
    no scheme, user, path, query, port, `www.` or trailing dot; IDNA-encoded. None when
    nothing host-like is left."""
    if not value:
        return None
    text = value.strip().lower()
    text = _SCHEME.sub("", text)
    text = re.split(r"[/?#\s]", text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1]
    text = re.sub(r":\d*$", "", text).strip(".")
    if text.startswith("www."):
        text = text[4:]
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return text if _HOST_OK.match(text) else None


def registrable_domain(value: str | None) -> str | None:
    """The registrable domain of `value` ("http://www.Shop.Acme.co.uk/x" → "acme.co.uk"):
    one label below its public suffix. None for a bare public suffix ("co.uk"), a name
    without a known suffix ("localhost") or something that is no host at all."""
    host = host_of(value)
    if host is None:
        return None
    return _suffixes().privatesuffix(host)


def is_free_mail(domain: str | None) -> bool:
    return registrable_domain(domain) in free_mail_domains()


def account_domain(company_domain: str | None, email: str | None) -> str | None:
    """The lead's account key: its company domain's registrable domain; without a usable
    company domain, its email's, unless that is a free-mail provider (gmail.com says
    nothing about the company). A free-mail company domain counts as none."""
    for value in (company_domain, email.rsplit("@", 1)[-1] if email and "@" in email else None):
        domain = registrable_domain(value)
        if domain is not None and domain not in free_mail_domains():
            return domain
    return None
