"""The CRMs' record ids, checked before they name a record in a URL or a match. Pure.

A HubSpot object id is a positive integer, written in ASCII digits.

Salesforce record ids are 15 or 18 characters long.

Salesforce's ID field type: a 15-character, case-sensitive base-62 string (what Setup →
Company Information shows as the Organization ID), or its 18-character form, which the API
returns: the same 15 characters plus three that encode which of them are capitals, so that the
id survives systems that ignore case. Character k of the suffix covers characters 5k…5k+4; in
its value (A=0 … Z=25, 0=26 … 5=31) bit j is set when character 5k+j is an upper-case letter.
"""

from __future__ import annotations

import re

NOT_AN_ID = "is not a Salesforce id (15 or 18 letters and digits)"
NOT_A_HUBSPOT_ID = "is not a HubSpot id (digits only)"

_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")
_HUBSPOT_ID = re.compile(r"[0-9]{1,20}")
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def salesforce_id15(value: str) -> str | None:
    """The case-sensitive 15-character form of an id, its case restored from the suffix when
    it has 18; None when `value` is not an id (length, characters, or a suffix that cannot
    belong to those 15 characters)."""
    if not _ID.fullmatch(value):
        return None
    if len(value) == 15:
        return value
    restored = []
    for k, check in enumerate(value[15:].upper()):
        bits = _SUFFIX.find(check)
        if bits < 0:
            return None
        for j, char in enumerate(value[5 * k : 5 * k + 5]):
            upper = bool(bits >> j & 1)
            if upper and not char.isalpha():
                return None
            restored.append(char.upper() if upper else char.lower())
    return "".join(restored)


def hubspot_id(value: str) -> str | None:
    """`value` if it is a HubSpot object id (1 to 20 ASCII digits), else None."""
    return value if _HUBSPOT_ID.fullmatch(value) else None


def salesforce_shaped(value: str) -> bool:
    """15 or 18 letters and digits: safe to put in a URL, the record Salesforce's to find
    (its case suffix is not checked: Salesforce looks the id up itself)."""
    return _ID.fullmatch(value) is not None
