"""The `sources` key (issue 11): systems that push leads in their own shape to
`POST /api/sources/{name}`.

```yaml
sources:
  - name: hubspot                    # becomes the lead's `source`
    kind: hubspot                    # hubspot | salesforce | json
    secret_env: HUBSPOT_APP_SECRET   # verifies X-HubSpot-Signature-v3
  - name: marketo
    kind: json
    token_env: MARKETO_TOKEN         # required as Authorization: Bearer
    map: {external_id: leadId, email: email, campaign: program.name}
```

Each kind takes its own keys; a key another kind takes is a problem at its path. The secret
(`secret_env` or `token_env`) is read from the environment when the config is validated,
like the webhooks', and kept out of the model's fields; `SourceConfig.secret` returns it.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, PrivateAttr, ValidationInfo, model_validator

from bot.config.environment import EnvName, environment, unset_problems
from bot.config.errors import Problem, fail_if, suggest
from bot.config.scalars import LEAD_FIELDS, ConfigModel

SourceKind = Literal["hubspot", "salesforce", "json"]
# Handshake fields a `map` may fill: the intake fields, and `owner` (a CRM owner id or an
# email, resolved through people[].crm_ids to owner_email).
MAP_FIELDS: tuple[str, ...] = ("external_id", *LEAD_FIELDS, "owner")
# The keys each kind takes besides name, kind and map; the first is its secret, if required.
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "hubspot": ("secret_env", "url"),
    "salesforce": ("token_env", "organization_id"),
    "json": ("token_env",),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "hubspot": ("secret_env",),
    "salesforce": ("token_env", "organization_id"),
    "json": ("token_env",),
}
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")
_PATH = re.compile(r"[^\s.|]+(\.[^\s.|]+)*(\|[^\s.|]+(\.[^\s.|]+)*)*")


def _name(value: str) -> str:
    if not _NAME.fullmatch(value):
        raise ValueError(
            f'"{value}" is not a source name; expected at most 100 lowercase letters, digits, '
            "_ and -, like hubspot or marketo-emea (it is a path of the endpoint URL)"
        )
    return value


def _organization_id(value: object) -> object:
    if isinstance(value, str) and not re.fullmatch(r"00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?", value):
        raise ValueError(
            f'"{value}" is not a Salesforce organization id; expected 15 or 18 characters '
            "starting 00D (Setup → Company Information → Salesforce.com Organization ID)"
        )
    return value


def _http_url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
        raise ValueError(
            f'"{value}" is not an http(s) URL; expected the full URL HubSpot calls, like '
            "https://handshake.example.com/api/sources/hubspot"
        )
    return value


def _map(value: object) -> object:
    if not isinstance(value, dict):
        return value
    problems = []
    for field, path in value.items():
        if field not in MAP_FIELDS:
            problems.append(
                f'"{field}" is not a Handshake field{suggest(str(field), MAP_FIELDS)}; '
                f"expected one of {', '.join(MAP_FIELDS)}"
            )
        elif not isinstance(path, str) or not _PATH.fullmatch(path):
            problems.append(
                f'{field}: "{path}" is not a source path; expected a field name, dotted for '
                'nested objects ("program.name"), alternatives separated by | ("website|domain")'
            )
    if problems:
        raise ValueError("; ".join(problems))
    return value


SourceName = Annotated[str, AfterValidator(_name)]
OrganizationId = Annotated[str, BeforeValidator(_organization_id)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
SourceMap = Annotated[dict[str, str], BeforeValidator(_map)]


class SourceConfig(ConfigModel):
    name: SourceName
    kind: SourceKind
    secret_env: EnvName | None = None  # hubspot: the app's client secret (signature v3)
    token_env: EnvName | None = None  # json: Bearer token; salesforce: ?token= on the URL
    organization_id: OrganizationId | None = None  # salesforce: the only org accepted
    url: HttpUrl | None = None  # hubspot: the public URL HubSpot calls (behind a proxy)
    map: SourceMap = {}  # Handshake field → source path; overrides the kind's defaults
    _secret: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _keys_of_the_kind(self, info: ValidationInfo) -> SourceConfig:
        problems: list[Problem] = []
        taken = KIND_KEYS[self.kind]
        for key in ("secret_env", "token_env", "organization_id", "url"):
            if getattr(self, key) is not None and key not in taken:
                problems.append(
                    ((key,), f"is not used by kind {self.kind}; it takes {', '.join(taken)}")
                )
        for key in REQUIRED[self.kind]:
            if getattr(self, key) is None:
                problems.append(((key,), f"required for kind {self.kind}"))
        fail_if(problems)
        secret_key = REQUIRED[self.kind][0]
        fail_if(unset_problems(self, (secret_key,), info))
        self._secret = environment(info)[getattr(self, secret_key)].strip()
        return self

    @property
    def secret(self) -> str:
        """The value of `secret_env` (hubspot) or `token_env` (json, salesforce)."""
        return self._secret

    @property
    def token(self) -> str | None:
        """The bearer token this source may also use on `POST /api/leads`, if any."""
        return self._secret if self.token_env else None


def source_for(sources: list[SourceConfig], name: str) -> SourceConfig | None:
    return next((s for s in sources if s.name == name), None)
