"""`LocalOnly`: the sandbox answers only its own page and the bot, never another web site.

Any page a person visits while the sandbox runs can send their browser to it: a
cross-origin `no-cors` POST (text/plain or a form) needs no preflight, and a name that
rebinds to 127.0.0.1 (DNS rebinding) makes the browser treat the sandbox as that site.
So, on every request:

- `Host` must be `127.0.0.1:<port>` or `localhost:<port>` (or the IP literal the server
  listens on), else 421: a rebound name never reaches a route, GETs included.
- `Origin`, when present, must be the sandbox's own (`http://127.0.0.1:<port>`,
  `http://localhost:<port>`), else 403. Browsers send it on every cross-origin POST,
  `no-cors` ones too; the bot's Web API calls carry none.
- `Sec-Fetch-Site: cross-site` or `same-site` is refused (403), except for a person
  following a link to the page itself (a GET navigation to `/`).

And on the page's state-changing endpoints (`STATE_CHANGING`), the body must be
`application/json`, which a cross-origin page cannot send without a CORS preflight
that the sandbox never grants (415 otherwise).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

LOCAL_NAMES = ("127.0.0.1", "localhost")
STATE_CHANGING = ("/_sandbox/ui/", "/_sandbox/faults")
_SAFE_METHODS = {"GET", "HEAD"}
_OWN_SITE = {"same-origin", "none"}


class LocalOnly:
    """ASGI middleware enforcing the rules above."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = refuse(scope)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, text = refusal
        await PlainTextResponse(text + "\n", status_code=status)(scope, receive, send)


def own_hosts(scope: Scope) -> set[str]:
    """Every `Host` value this server answers to: the local names and the IP it listens on,
    each with the port."""
    server: Any = scope.get("server") or ("127.0.0.1", None)
    address, port = server[0], server[1]
    names = set(LOCAL_NAMES)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        ip = None
    if ip is not None and not ip.is_unspecified:
        names.add(f"[{ip}]" if ip.version == 6 else str(ip))
    return {f"{name}:{port}" for name in names} if port else names


def refuse(scope: Scope) -> tuple[int, str] | None:
    """`(status, reason)` when the request must not be served, else None."""
    headers = Headers(scope=scope)
    hosts = own_hosts(scope)
    host = headers.get("host", "").strip().lower()
    if host not in hosts:
        return 421, (
            "Misdirected request: the Handshake sandbox answers only at "
            + " or ".join(f"http://{h}" for h in sorted(hosts))
        )
    origin = headers.get("origin")
    if origin is not None and origin.strip().lower() not in {f"http://{h}" for h in hosts}:
        return 403, "Forbidden: requests from other web sites are not accepted by the sandbox"
    method, path = scope.get("method", "GET"), scope.get("path", "")
    site = headers.get("sec-fetch-site", "none").lower()
    opens_page = (
        path == "/" and method in _SAFE_METHODS and headers.get("sec-fetch-mode") == "navigate"
    )
    if site not in _OWN_SITE and not opens_page:
        return 403, "Forbidden: requests from other web sites are not accepted by the sandbox"
    if method not in _SAFE_METHODS and path.startswith(STATE_CHANGING):
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            return 415, "Unsupported media type: send the body as application/json"
    return None
