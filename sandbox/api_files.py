"""Slack's external file upload, as the stand-in plays it.

1. `files.getUploadURLExternal` (filename, length): reserves a file id and answers an
   `upload_url` on this server.
2. `POST <upload_url>` with the bytes as the body: stored; answers 200 "OK - <length>".
   Faults queued for the method name `upload_url` apply here.
3. `files.completeUploadExternal` (files: a JSON list of {id, title}; optional channel_id
   or channels, initial_comment, thread_ts): marks each file complete; with a channel,
   shares it there as a bot message carrying a `files` entry.

A completed file may then be shown by an `image` block's `slack_file: {"id": …}`, and its
bytes are served at `GET /_sandbox/files/{id}` (for the page's image blocks and for tests).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from sandbox.file_store import FILES_PATH, UPLOAD_PATH, StoredFile
from sandbox.models import JSON, Message, SlackError
from sandbox.params import as_int
from sandbox.state import SandboxState

UPLOAD_CALL = "upload_url"  # the name upload POSTs go by in the call log and faults


def _invalid(message: str) -> SlackError:
    return SlackError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {message}"]})


def get_upload_url(state: SandboxState, p: JSON) -> JSON:
    filename = str(p.get("filename") or "").strip()
    if not filename:
        raise _invalid("missing required field: filename")
    if p.get("length") in (None, ""):
        raise _invalid("missing required field: length")
    length = as_int(p.get("length"), 0)
    if length < 1:
        raise _invalid("length must be a positive number of bytes")
    with state.lock:
        file = state.file_store.reserve(
            filename, length, state.bot_user_id, str(p.get("alt_txt") or "")
        )
        return {"upload_url": f"{state.base_url}{UPLOAD_PATH}{file.id}", "file_id": file.id}


def _file_list(value: Any) -> list[JSON]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _invalid("files must be a JSON array of {id, title}") from None
    if not isinstance(value, list) or not value:
        raise _invalid("files must be a non-empty array of {id, title}")
    if not all(isinstance(f, dict) and isinstance(f.get("id"), str) for f in value):
        raise _invalid("each of files needs an id")
    return value


def complete_upload(state: SandboxState, p: JSON) -> JSON:
    wanted = _file_list(p.get("files"))
    channel_arg = p.get("channel_id") or str(p.get("channels") or "").split(",")[0] or None
    with state.lock:
        files: list[StoredFile] = []
        for entry in wanted:
            file = state.file_store.get(entry["id"])
            if file is None:
                raise SlackError("file_not_found")
            if file.data is None:
                raise SlackError("file_upload_not_completed")  # nothing was POSTed yet
            files.append(file)
        channel = state.resolve_channel(channel_arg) if channel_arg else None
        if channel is not None and not channel.is_im and not channel.bot_is_member:
            raise SlackError("not_in_channel")
        for file, entry in zip(files, wanted, strict=True):
            file.complete = True
            file.title = str(entry.get("title") or file.title or file.name)
            if channel is not None and channel.id not in file.channels:
                file.channels.append(channel.id)
        if channel is not None:
            state.message_store.add(
                Message(
                    channel=channel.id,
                    ts=state.message_store.next_ts(),
                    text=str(p.get("initial_comment") or ""),
                    user=state.bot_user_id,
                    thread_ts=p.get("thread_ts") or None,
                    bot_id=state.bot_id,
                    files=[f.to_slack(state.base_url) for f in files],
                )
            )
        return {"files": [{"id": f.id, "title": f.title} for f in files]}


def receive_upload(state: SandboxState, file_id: str, body: bytes) -> tuple[int, str]:
    """The bytes POSTed to an upload URL: HTTP status and text answer."""
    with state.lock:
        file = state.file_store.get(file_id)
        if file is None:
            return 404, "file not found"
        if file.complete:
            return 400, "upload already completed"
        file.data = body
        return 200, f"OK - {len(body)}"


def file_routes(state: SandboxState) -> list[Route]:
    """The upload URL (POST) and the file's bytes (GET)."""

    async def upload(request: Request) -> Response:
        file_id = request.path_params["file_id"]
        body = await request.body()
        fault = state.take_fault(UPLOAD_CALL)
        if fault and fault.delay:
            await asyncio.sleep(fault.delay)
        if fault and fault.replaces_answer:
            status, answer, headers = fault.answer()
            state.record_call(UPLOAD_CALL, {"file_id": file_id}, status, answer)
            return JSONResponse(answer, status_code=status, headers=headers)
        status, text = receive_upload(state, file_id, body)
        state.record_call(
            UPLOAD_CALL,
            {"file_id": file_id, "bytes": len(body)},
            status,
            {"ok": status == 200} | ({} if status == 200 else {"error": text}),
        )
        return PlainTextResponse(text, status_code=status)

    async def download(request: Request) -> Response:
        with state.lock:
            file = state.file_store.get(request.path_params["file_id"])
            data, mimetype = (file.data, file.mimetype) if file else (None, "")
        if data is None:
            return PlainTextResponse("file not found", status_code=404)
        return Response(data, media_type=mimetype, headers={"Cache-Control": "no-cache"})

    return [
        Route(UPLOAD_PATH + "{file_id}", upload, methods=["POST"]),
        Route(FILES_PATH + "{file_id}", download, methods=["GET"]),
    ]


METHODS = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
}
