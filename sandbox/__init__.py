"""The stand-in Slack: an in-memory workspace served as Slack's Web API over local HTTP,
a web page that looks like Slack, and a peer that sends the bot signed requests the way
Slack does.

    sandbox = Sandbox.start(bot_token="xoxb-test", signing_secret="s3cret")
    client = WebClient(token="xoxb-test", base_url=sandbox.api_url)
    sandbox.state.add_user("U0AE00001", "ana", "Ana Alvarez", title="Account Executive")
    sandbox.state.add_channel("C0HANDOFF1", "lead-handoff")
    peer = sandbox.connect_bot("http://127.0.0.1:3000/slack/events")  # the page's clicks too
    print(sandbox.page_url)  # open it in a browser
    ...
    sandbox.stop()
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sandbox.peer import SlackPeer
from sandbox.server import RunningServer, start_server
from sandbox.state import SandboxState
from sandbox.web_api import create_web_api

__all__ = ["RunningServer", "Sandbox", "SandboxState", "SlackPeer", "start_server"]


class Sandbox:
    """A `SandboxState` served over HTTP on localhost."""

    def __init__(self, state: SandboxState, server: RunningServer, signing_secret: str) -> None:
        self.state = state
        self.server = server
        self.signing_secret = signing_secret

    @classmethod
    def start(
        cls,
        bot_token: str = "xoxb-test",
        signing_secret: str = "sandbox-signing-secret",
        *,
        now: Callable[[], float] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> Sandbox:
        state = SandboxState(bot_token=bot_token, **({"now": now} if now else {}))
        server = start_server(create_web_api(state), host=host, port=port)
        state.base_url = server.url
        return cls(state, server, signing_secret)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def api_url(self) -> str:
        """The Web API base URL for `WebClient(base_url=...)` / `SLACK_API_URL`."""
        return self.server.url + "/api/"

    @property
    def page_url(self) -> str:
        """The web page (a person switcher, conversations, modals, faults panel)."""
        return self.server.url + "/"

    def peer(self, bot_events_url: str) -> SlackPeer:
        return SlackPeer(self.state, bot_events_url, self.signing_secret)

    def connect_bot(self, bot_events_url: str) -> SlackPeer:
        """Send what people do on the page (clicks, modal submissions, `/handshake`
        commands, opening App Home) to the bot's `/slack/events` at `bot_events_url`,
        signed with this sandbox's signing secret; returns a peer for the same bot."""
        self.state.connect_bot(bot_events_url, self.signing_secret)
        return self.peer(bot_events_url)

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
