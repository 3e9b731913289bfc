"""storage/accounts: a lead's account key, as a table of cases."""

from __future__ import annotations

import pytest

from storage.accounts import account_domain, free_mail_domains, is_free_mail, registrable_domain


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("acme.com", "acme.com"),
        ("http://www.Acme.com/path", "acme.com"),
        ("https://user@WWW.acme.com:8443/pricing?x=1#top", "acme.com"),
        ("ACME.COM.", "acme.com"),
        ("  acme.com  ", "acme.com"),
        ("shop.acme.co.uk", "acme.co.uk"),
        ("www.shop.eu.acme.co.uk", "acme.co.uk"),
        ("acme.com.au", "acme.com.au"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("jordan@sales.acme.com", "acme.com"),
        ("co.uk", None),  # a public suffix is nobody's account
        ("localhost", None),
        ("not a domain", None),
        ("", None),
        (None, None),
    ],
)
def test_registrable_domain(value, expected):
    assert registrable_domain(value) == expected


@pytest.mark.parametrize(
    ("company_domain", "email", "expected"),
    [
        ("https://www.acme.com", "jordan@gmail.com", "acme.com"),  # the company domain first
        ("shop.acme.co.uk", "jordan@acme.com", "acme.co.uk"),
        (None, "jordan@eu.acme.com", "acme.com"),  # no company domain: the email's
        ("", "jordan@Acme.COM", "acme.com"),
        ("not a domain", "jordan@acme.com", "acme.com"),
        (None, "jordan@gmail.com", None),  # free mail: no account
        (None, "jordan@yahoo.co.uk", None),
        (None, "jordan@mail.yahoo.co.uk", None),  # a free-mail provider's subdomain
        (None, "jordan@proton.me", None),
        ("gmail.com", "jordan@hotmail.de", None),  # free mail on both: none
        ("gmail.com", "jordan@acme.com", "acme.com"),  # a free-mail company domain counts as none
        (None, "no-at-sign", None),
        (None, None, None),
    ],
)
def test_account_domain(company_domain, email, expected):
    assert account_domain(company_domain, email) == expected


def test_the_shipped_free_mail_list_is_registrable_domains_only():
    domains = free_mail_domains()
    assert len(domains) > 250
    assert {"gmail.com", "outlook.com", "qq.com", "web.de", "mail.ru"} <= domains
    assert all(registrable_domain(d) == d for d in domains)
    assert is_free_mail("GMAIL.com") and not is_free_mail("acme.com")
