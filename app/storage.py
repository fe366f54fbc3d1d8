"""Where attachment bytes live: one small interface, two stores behind it.

ATTACHMENT_STORAGE=local keeps files in a directory of this machine (ATTACHMENTS_DIR);
ATTACHMENT_STORAGE=database keeps them in the database, in chunks, so every web and
worker node reads the same files. Another store (S3, say) only has to implement
save, open and delete.
"""
import io
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app
from sqlalchemy import delete, insert, select

from app.extensions import db
from app.models import FileChunk

KEY_PATTERN = re.compile(r"^[a-f0-9]{32}$")
# Big enough that a 10 MB file is forty rows, small enough that a download holds little in memory.
CHUNK_BYTES = 256 * 1024


def new_key() -> str:
    """A random storage key; file names from users never reach the file system."""
    return secrets.token_hex(16)


def _checked(key: str) -> str:
    if not KEY_PATTERN.match(key or ""):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def _pieces(data, size):
    """*data* (bytes or a readable binary file) as pieces of at most *size* bytes."""
    if hasattr(data, "read"):
        while piece := data.read(size):
            yield piece
        return
    view = memoryview(data)
    for start in range(0, len(view), size):
        yield bytes(view[start:start + size])


class Storage(Protocol):
    def save(self, key: str, data: bytes | BinaryIO) -> None: ...
    def open(self, key: str) -> BinaryIO: ...
    def delete(self, key: str) -> None: ...


class LocalStorage:
    """Files under *root* (outside static/), two-level fan-out by key."""

    def __init__(self, root):
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        key = _checked(key)
        return self.root / key[:2] / key

    def save(self, key, data):
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file first so a half-written upload never has the real name.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                for piece in _pieces(data, CHUNK_BYTES):
                    out.write(piece)
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


class DatabaseStorage:
    """Files as numbered chunks in the file_chunks table.

    save() writes in the caller's transaction, so a file and the row that points at it
    commit (or roll back) together. open() reads one chunk at a time, each on a pooled
    connection of its own, so a download never holds a whole file in memory nor a
    connection while the client is slow. delete() commits at once, like unlinking a file.
    """

    def __init__(self, chunk_bytes=CHUNK_BYTES):
        self.chunk_bytes = chunk_bytes

    def save(self, key, data):
        _checked(key)
        db.session.execute(delete(FileChunk).where(FileChunk.storage_key == key))
        written = 0
        for seq, piece in enumerate(_pieces(data, self.chunk_bytes)):
            db.session.execute(insert(FileChunk).values(storage_key=key, seq=seq, data=piece))
            written += 1
        if not written:  # an empty file is one empty chunk, so that it still exists
            db.session.execute(insert(FileChunk).values(storage_key=key, seq=0, data=b""))

    def has(self, key) -> bool:
        return db.session.scalar(select(FileChunk.seq).where(FileChunk.storage_key == _checked(key),
                                                              FileChunk.seq == 0)) is not None

    def open(self, key):
        reader = ChunkReader(db.engine, _checked(key))
        if not reader.exists():
            raise FileNotFoundError(f"no stored file {key}")
        return reader

    def delete(self, key):
        with db.engine.begin() as conn:
            conn.execute(delete(FileChunk).where(FileChunk.storage_key == _checked(key)))


class ChunkReader(io.RawIOBase):
    """A read-only file over one stored file's chunks, fetched as they are needed."""

    def __init__(self, engine, key):
        super().__init__()
        self.engine, self.key = engine, key
        self.seq, self.chunk, self.offset = 0, b"", 0
        self.at_end = False

    def _fetch(self, seq):
        with self.engine.connect() as conn:
            return conn.scalar(select(FileChunk.data).where(FileChunk.storage_key == self.key, FileChunk.seq == seq))

    def exists(self) -> bool:
        self.chunk = self._fetch(0)
        return self.chunk is not None

    def readable(self):
        return True

    def readinto(self, buffer):
        while self.offset >= len(self.chunk) and not self.at_end:
            self.seq += 1
            chunk = self._fetch(self.seq)
            if chunk is None:
                self.at_end = True
            else:
                self.chunk, self.offset = chunk, 0
        count = min(len(buffer), len(self.chunk) - self.offset)
        buffer[:count] = self.chunk[self.offset:self.offset + count]
        self.offset += count
        return count


BACKENDS = ("local", "database")


def init_app(app):
    """Check ATTACHMENT_STORAGE when the app starts, not at the first upload."""
    choice = app.config.get("ATTACHMENT_STORAGE") or "local"
    if choice not in BACKENDS:
        raise SystemExit(f"Unknown ATTACHMENT_STORAGE {choice!r}; use one of {', '.join(BACKENDS)}.")
    app.config["ATTACHMENT_STORAGE"] = choice


def local_storage() -> LocalStorage:
    """The directory store of this machine (ATTACHMENTS_DIR, default instance/attachments)."""
    return LocalStorage(current_app.config.get("ATTACHMENTS_DIR")
                        or os.path.join(current_app.instance_path, "attachments"))


def storage() -> Storage:
    """The app's attachment store, as ATTACHMENT_STORAGE says."""
    store = current_app.extensions.get("relay_storage")
    if store is None:
        database = current_app.config.get("ATTACHMENT_STORAGE") == "database"
        store = current_app.extensions["relay_storage"] = DatabaseStorage() if database else local_storage()
    return store
