"""Slack's external file upload as the stand-in plays it, through a real WebClient, and
image blocks that point at an uploaded file."""

from __future__ import annotations

import urllib.request

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox import Sandbox, SandboxState
from tests.sandbox.workspace import HANDOFF

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def upload(client: WebClient, data: bytes = PNG, name: str = "chart.png") -> tuple[str, str]:
    """Steps 1 and 2: the upload URL, then the bytes. Returns (file id, the POST's answer)."""
    answer = client.files_getUploadURLExternal(filename=name, length=len(data))
    request = urllib.request.Request(answer["upload_url"], data=data, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
        return answer["file_id"], response.read().decode()


def image_block(file_id: str) -> dict:
    return {"type": "image", "slack_file": {"id": file_id}, "alt_text": "a chart"}


def test_the_three_steps_store_a_complete_private_file(
    client: WebClient, state: SandboxState, sandbox: Sandbox
) -> None:
    answer = client.files_getUploadURLExternal(filename="chart.png", length=len(PNG))
    assert answer["upload_url"].startswith(sandbox.url + "/_sandbox/upload/")
    file_id = answer["file_id"]
    assert file_id.startswith("F")

    posted = httpx.post(answer["upload_url"], content=PNG)
    assert (posted.status_code, posted.text) == (200, f"OK - {len(PNG)}")
    stored = state.file(file_id)
    assert stored is not None and stored.data == PNG and not stored.complete

    done = client.files_completeUploadExternal(files=[{"id": file_id, "title": "Weekly"}])
    assert done["files"] == [{"id": file_id, "title": "Weekly"}]
    stored = state.file(file_id)
    assert stored is not None and stored.complete and stored.channels == []
    assert state.messages(HANDOFF) == []  # no channel: not shared anywhere

    served = httpx.get(f"{sandbox.url}/_sandbox/files/{file_id}")
    assert served.status_code == 200
    assert served.content == PNG and served.headers["content-type"] == "image/png"
    [listed] = state.snapshot()["files"]
    assert (listed["id"], listed["size"], listed["complete"]) == (file_id, len(PNG), True)


def test_complete_with_a_channel_shares_the_file_as_a_message(
    client: WebClient, state: SandboxState
) -> None:
    file_id, _ = upload(client)
    client.files_completeUploadExternal(
        files=[{"id": file_id, "title": "Chart"}], channel_id=HANDOFF, initial_comment="Here"
    )
    [message] = state.messages(HANDOFF)
    assert message.text == "Here" and message.user == state.bot_user_id
    assert [f["id"] for f in message.files] == [file_id]
    assert message.files[0]["mimetype"] == "image/png"
    history = client.conversations_history(channel=HANDOFF)["messages"]
    assert history[0]["files"][0]["title"] == "Chart"
    assert state.file(file_id).channels == [HANDOFF]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filename": "", "length": 10}, "filename"),
        ({"filename": "a.png", "length": 0}, "length"),
    ],
)
def test_get_upload_url_refuses_bad_arguments(client: WebClient, kwargs, message) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.files_getUploadURLExternal(**kwargs)
    assert caught.value.response["error"] == "invalid_arguments"
    assert message in caught.value.response["response_metadata"]["messages"][0]


def test_complete_refuses_unknown_and_unfilled_files(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.files_completeUploadExternal(files=[{"id": "F0NOPE"}])
    assert caught.value.response["error"] == "file_not_found"

    reserved = client.files_getUploadURLExternal(filename="a.png", length=5)["file_id"]
    with pytest.raises(SlackApiError) as caught:
        client.files_completeUploadExternal(files=[{"id": reserved}])
    assert caught.value.response["error"] == "file_upload_not_completed"

    with pytest.raises(SlackApiError) as caught:
        client.api_call("files.completeUploadExternal", params={"files": "not json"})
    assert caught.value.response["error"] == "invalid_arguments"


def test_upload_url_of_no_file_and_after_completion(client: WebClient, sandbox: Sandbox) -> None:
    assert httpx.post(f"{sandbox.url}/_sandbox/upload/F0NOPE", content=b"x").status_code == 404
    file_id, _ = upload(client)
    client.files_completeUploadExternal(files=[{"id": file_id}])
    again = httpx.post(f"{sandbox.url}/_sandbox/upload/{file_id}", content=b"other")
    assert again.status_code == 400
    assert httpx.get(f"{sandbox.url}/_sandbox/files/F0NOPE").status_code == 404


def test_a_fault_on_the_upload_url(client: WebClient, state: SandboxState) -> None:
    state.add_fault("upload_url", status=500)
    answer = client.files_getUploadURLExternal(filename="a.png", length=len(PNG))
    assert httpx.post(answer["upload_url"], content=PNG).status_code == 500
    assert state.file(answer["file_id"]).data is None  # type: ignore[union-attr]
    assert httpx.post(answer["upload_url"], content=PNG).status_code == 200
    assert [c.status for c in state.calls("upload_url")] == [500, 200]


def test_image_block_with_a_complete_file_is_accepted(
    client: WebClient, state: SandboxState
) -> None:
    file_id, _ = upload(client)
    with pytest.raises(SlackApiError) as caught:  # uploaded, not completed yet
        client.chat_postMessage(channel=HANDOFF, text="x", blocks=[image_block(file_id)])
    assert caught.value.response["error"] == "invalid_blocks"
    assert "slack_file" in caught.value.response["errors"][0]

    client.files_completeUploadExternal(files=[{"id": file_id}])
    posted = client.chat_postMessage(channel=HANDOFF, text="x", blocks=[image_block(file_id)])
    assert posted["message"]["blocks"][0]["slack_file"] == {"id": file_id}


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        (image_block("F0NOPE"), "no such completed file"),
        ({"type": "image", "alt_text": "x"}, "either image_url or slack_file"),
        (
            {"type": "image", "image_url": "https://x/y.png", **image_block("F1")},
            "either image_url or slack_file",
        ),
        ({"type": "image", "slack_file": {}, "alt_text": "x"}, "either id or url"),
        ({"type": "image", "slack_file": {"id": "F1"}}, "alt_text"),
    ],
)
def test_bad_image_blocks_are_refused(client: WebClient, block, problem) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel=HANDOFF, text="x", blocks=[block])
    assert caught.value.response["error"] == "invalid_blocks"
    assert any(problem in e for e in caught.value.response["errors"]), caught.value.response


def test_image_url_blocks_still_work(client: WebClient) -> None:
    block = {"type": "image", "image_url": "https://example.com/a.png", "alt_text": "a"}
    assert client.chat_postMessage(channel=HANDOFF, text="x", blocks=[block])["ok"]


def test_reset_forgets_files(client: WebClient, state: SandboxState) -> None:
    file_id, _ = upload(client)
    state.reset()
    assert state.file(file_id) is None
