"""Attachment bytes kept in the database, in numbered chunks, for ATTACHMENT_STORAGE=database."""
from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class FileChunk(db.Model):
    __tablename__ = "file_chunks"

    # The storage key of the file (Attachment.storage_key) and the chunk's place in it, from 0.
    storage_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)

    def __repr__(self):
        return f"<FileChunk {self.storage_key}#{self.seq}>"
