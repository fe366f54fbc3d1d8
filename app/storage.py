"""Where attachment bytes live: one small interface, a local directory behind it.

An S3-compatible store only has to implement save, open and delete.
"""
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

KEY_PATTERN = re.compile(r"^[a-f0-9]{32}$")


def new_key() -> str:
    """A random storage key; file names from users never reach the file system."""
    return secrets.token_hex(16)


class Storage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...
    def open(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files under *root* (outside static/), two-level fan-out by key."""

    def __init__(self, root):
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        if not KEY_PATTERN.match(key or ""):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key[:2] / key

    def save(self, key, data):
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file first so a half-written upload never has the real name.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise

    def open(self, key):
        return open(self._path(key), "rb")

    def delete(self, key):
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass


def storage() -> Storage:
    """The app's attachment store (ATTACHMENTS_DIR, default instance/attachments)."""
    store = current_app.extensions.get("relay_storage")
    if store is None:
        root = current_app.config.get("ATTACHMENTS_DIR") or os.path.join(current_app.instance_path, "attachments")
        store = current_app.extensions["relay_storage"] = LocalStorage(root)
    return store
