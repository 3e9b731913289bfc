"""Files uploaded with Slack's external flow: reserved, filled with bytes, completed.

Does not lock: `SandboxState` calls it under its one lock.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field

from sandbox.models import JSON

FILES_PATH = "/_sandbox/files/"  # GET: a file's bytes
UPLOAD_PATH = "/_sandbox/upload/"  # POST: the upload_url of files.getUploadURLExternal


@dataclass
class StoredFile:
    id: str
    name: str
    length: int  # as announced to files.getUploadURLExternal
    user: str
    created: float
    alt_txt: str = ""
    title: str = ""
    data: bytes | None = None  # None until the bytes are POSTed to the upload URL
    complete: bool = False  # files.completeUploadExternal done
    channels: list[str] = field(default_factory=list)  # where it was shared

    @property
    def mimetype(self) -> str:
        return mimetypes.guess_type(self.name)[0] or "application/octet-stream"

    def to_slack(self, base_url: str) -> JSON:
        """The file object as files.* and message `files` show it."""
        url = f"{base_url}{FILES_PATH}{self.id}"
        return {
            "id": self.id,
            "created": int(self.created),
            "name": self.name,
            "title": self.title or self.name,
            "mimetype": self.mimetype,
            "filetype": self.name.rsplit(".", 1)[-1].lower() if "." in self.name else "",
            "user": self.user,
            "size": len(self.data or b""),
            "alt_txt": self.alt_txt,
            "url_private": url,
            "url_private_download": url,
            "is_public": bool(self.channels),
            "channels": list(self.channels),
        }


class FileStore:
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._count = 0
        self.files: dict[str, StoredFile] = {}

    def reserve(self, name: str, length: int, user: str, alt_txt: str = "") -> StoredFile:
        self._count += 1
        file = StoredFile(f"F0SBX{self._count:06d}", name, length, user, self._now(), alt_txt)
        self.files[file.id] = file
        return file

    def get(self, file_id: str) -> StoredFile | None:
        return self.files.get(file_id)

    def usable(self, file_id: str) -> bool:
        """Uploaded and completed: what an image block's `slack_file` may point at."""
        file = self.files.get(file_id)
        return file is not None and file.complete
