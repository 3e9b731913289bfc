"""A web page on another origin, open in the same browser, cannot drive the demo.

It tries what any site could: `fetch(..., {mode: "no-cors"})` POSTs with a text/plain or
form body (no preflight needed) to the page's command and action routes and to the
faults panel. None reaches the bot; the same request from the sandbox's own page does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from sandbox import RunningServer, start_server

pytestmark = pytest.mark.browser

ANA = "U0AE00001"
ATTACK = """async ([base, user]) => {
  const away = JSON.stringify({user, text: "away until 2099"});
  const shots = [
    ["/_sandbox/ui/command", away, "text/plain"],
    ["/_sandbox/ui/command", "user=" + user + "&text=away", "application/x-www-form-urlencoded"],
    ["/_sandbox/ui/home", JSON.stringify({user}), "text/plain"],
    ["/_sandbox/faults", JSON.stringify({method: "*", status: 503, times: 50}), "text/plain"],
  ];
  for (const [path, body, type] of shots) {
    await fetch(base + path, {method: "POST", mode: "no-cors", body,
                              headers: {"Content-Type": type}}).catch(() => null);
  }
  // A preflighted JSON request is refused by the browser itself (no CORS grant).
  return await fetch(base + "/_sandbox/ui/command", {method: "POST", body: away,
      headers: {"Content-Type": "application/json"}}).then(() => "sent", () => "blocked");
}"""
OWN = """async ([user, until]) => {
  const answer = await fetch("/_sandbox/ui/command", {method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({user, text: "away until " + until})});
  return answer.status;
}"""


@pytest.fixture
def foreign_site() -> Iterator[RunningServer]:
    async def home(request):  # type: ignore[no-untyped-def]
        return HTMLResponse("<!doctype html><title>Cute cats</title><p>cats</p>")

    server = start_server(Starlette(routes=[Route("/", home)]))
    yield server
    server.stop()


def test_a_page_on_another_origin_cannot_drive_the_sandbox(page, demo, foreign_site):
    state = demo.sandbox.state
    page.goto(foreign_site.url + "/")
    assert page.evaluate(ATTACK, [demo.sandbox.url, ANA]) == "blocked"

    assert state.faults.pending() == []
    assert state.ephemerals(user=ANA) == []
    assert not [c for c in state.calls() if c.method == "views.publish"]  # no Home opened

    page.goto(f"{demo.sandbox.url}/?as={ANA}&c=dm")
    until = (date.today() + timedelta(days=30)).isoformat()  # away dates are bounded
    assert page.evaluate(OWN, [ANA, until]) == 200
    answer = page.get_by_test_id("ephemeral").filter(has_text=f"away until {until}")
    answer.wait_for()  # the bot answers through the response_url, a moment later
