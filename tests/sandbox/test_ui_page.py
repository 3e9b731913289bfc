"""The sandbox page: static files, what each person sees, and the stream of changes."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
from slack_sdk import WebClient

from sandbox import Sandbox, SandboxState
from sandbox.person_view import person_view
from sandbox.ui import STATIC_DIR
from tests.sandbox.workspace import ANA, BO, HANDOFF

IMPORT = re.compile(r"""from\s+"\./([\w.-]+)"|href="/static/([\w.-]+)"|src="/static/([\w.-]+)""")


def test_page_is_served_with_its_scripts(sandbox: Sandbox) -> None:
    page = httpx.get(sandbox.page_url)

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for testid in ("person", "composer", "faults"):
        assert f'data-testid="{testid}"' in page.text
    assert '<script type="module" src="/static/app.js">' in page.text


def test_every_module_and_style_the_page_imports_is_served(sandbox: Sandbox) -> None:
    sources = [httpx.get(sandbox.page_url).text]
    sources += [p.read_text() for p in STATIC_DIR.glob("*.js")]
    names = {name for text in sources for match in IMPORT.findall(text) for name in match if name}

    assert {"app.js", "style.css", "blockkit.js", "mrkdwn.js"} <= names
    for name in names:
        answer = httpx.get(f"{sandbox.url}/static/{name}")
        assert answer.status_code == 200, name
        if name.endswith(".js"):
            assert "javascript" in answer.headers["content-type"]


def test_scripts_never_parse_html() -> None:
    """Untrusted text (a lead named `<img src=x onerror=…>`) must only reach text nodes."""
    for path in Path(STATIC_DIR).glob("*.js"):
        text = path.read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in text, f"{path.name} uses {sink}"


def test_people_lists_everyone_but_the_bot(sandbox: Sandbox, state: SandboxState) -> None:
    state.add_user("U0MKT0001", "mo", "Mo Marketer", title="Marketer")

    people = httpx.get(sandbox.url + "/_sandbox/people").json()["people"]

    assert [p["id"] for p in people] == [ANA, BO, "U0MKT0001"]
    assert people[2]["title"] == "Marketer"


def seed_private_things(client: WebClient, state: SandboxState) -> None:
    client.chat_postMessage(channel=ANA, text="card for ana")
    client.chat_postMessage(channel=BO, text="card for bo")
    parent = client.chat_postMessage(channel=HANDOFF, text="card in the channel")
    client.chat_postMessage(channel=HANDOFF, text="a reply", thread_ts=parent["ts"])
    client.chat_postEphemeral(channel=HANDOFF, user=ANA, text="only ana, channel")
    client.chat_postEphemeral(channel=ANA, user=ANA, text="only ana, dm")
    client.chat_postEphemeral(channel=HANDOFF, user=BO, text="only bo")
    client.views_publish(user_id=BO, view={"type": "home", "blocks": []})
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Bo's"}, "blocks": []}
    client.views_open(trigger_id=state.issue_trigger_id(BO), view=modal)


def texts(conversation: dict[str, object]) -> list[tuple[str, bool]]:
    messages = conversation["messages"]
    assert isinstance(messages, list)
    return [(m["text"], bool(m.get("ephemeral"))) for m in messages]


def test_each_person_sees_only_their_dm_and_ephemerals(
    client: WebClient, state: SandboxState
) -> None:
    seed_private_things(client, state)

    ana = person_view(state, ANA)
    bo = person_view(state, BO)

    assert ana["me"]["id"] == ANA and ana["dm"]["id"] == state.dm_channel_id(ANA)
    assert texts(ana["dm"]) == [("card for ana", False), ("only ana, dm", True)]
    assert texts(bo["dm"]) == [("card for bo", False)]
    [channel] = ana["channels"]
    assert channel["id"] == HANDOFF
    assert texts(channel) == [("card in the channel", False), ("only ana, channel", True)]
    assert [r["text"] for r in channel["messages"][0]["replies"]] == ["a reply"]
    assert channel["messages"][0]["reply_count"] == 1
    assert texts(bo["channels"][0]) == [("card in the channel", False), ("only bo", True)]
    assert ana["modal"] is None and ana["home"] is None
    assert bo["modal"]["title"]["text"] == "Bo's" and bo["home"]["type"] == "home"
    assert "metadata" not in str(ana)


def test_person_view_over_http(sandbox: Sandbox, client: WebClient, state: SandboxState) -> None:
    seed_private_things(client, state)

    ana = httpx.get(sandbox.url + "/_sandbox/state", params={"as": ANA})
    nobody = httpx.get(sandbox.url + "/_sandbox/state", params={"as": "U0NOBODY"})
    everything = httpx.get(sandbox.url + "/_sandbox/state").json()

    assert ana.status_code == 200
    own = json.dumps({k: v for k, v in ana.json().items() if k != "peek"})
    assert "card for bo" not in own  # Bo's DM is never shown as Ana's …
    assert "card for bo" in json.dumps(ana.json()["peek"])  # … only in the sandbox's peek
    assert "only bo" not in ana.text
    assert ana.json()["bot_connected"] == (state.bot_events_url is not None)
    assert nobody.status_code == 404
    assert {"users", "channels", "ephemerals", "modals", "homes", "calls"} <= set(everything)


def test_faults_and_calls_are_shown(
    sandbox: Sandbox, client: WebClient, state: SandboxState
) -> None:
    httpx.post(sandbox.url + "/_sandbox/faults", json={"method": "chat.update", "status": 503})
    httpx.post(sandbox.url + "/_sandbox/faults", json={"rate_limit": {"enabled": True, "burst": 2}})
    client.chat_postMessage(channel=HANDOFF, text="x")

    view = person_view(state, ANA)

    [fault] = view["faults"]["pending"]
    assert (fault["method"], fault["status"], fault["times"]) == ("chat.update", 503, 1)
    assert view["faults"]["rate_limit"] == {"enabled": True, "per_second": 1.0, "burst": 2}
    assert view["calls"][0]["method"] == "chat.postMessage" and view["calls"][0]["ok"]

    httpx.post(sandbox.url + "/_sandbox/faults", json={"clear": True, "rate_limit": False})
    view = person_view(state, ANA)
    assert view["faults"]["pending"] == [] and not view["faults"]["rate_limit"]["enabled"]


def test_every_change_moves_the_version(client: WebClient, state: SandboxState) -> None:
    versions = [state.version]
    client.chat_postMessage(channel=HANDOFF, text="x")
    versions.append(state.version)
    state.add_fault("chat.update", status=500)
    versions.append(state.version)
    state.add_user("U0NEW0001", "new", title="SDR")
    versions.append(state.version)

    assert versions == sorted(set(versions))
    assert state.changes.wait(versions[-1], timeout=0.01) == versions[-1]


def read_event(lines: object, deadline: float) -> str:
    """The data of the next SSE `change` event."""
    data = None
    for line in lines:  # type: ignore[attr-defined]
        if line.startswith("data:"):
            data = line.split(":", 1)[1].strip()
        elif line == "" and data is not None:
            return data
        assert time.monotonic() < deadline, "no event in time"
    raise AssertionError("the stream ended")


def test_stream_sends_an_event_after_a_post(sandbox: Sandbox, client: WebClient) -> None:
    deadline = time.monotonic() + 5
    with httpx.stream("GET", sandbox.url + "/_sandbox/stream", timeout=5) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        first = int(read_event(lines, deadline))

        client.chat_postMessage(channel=HANDOFF, text="news")

        assert int(read_event(lines, deadline)) > first
