"""Idempotency keys: the first answer to a create, replayed when a client sends the same request again."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_keys"
    __table_args__ = (
        # One claim per client and key: a second identical request waits on this row, never creates twice.
        UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_id_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))   # sha256 of method, path and body
    status_code: Mapped[int | None]                        # None while the first request is still running
    response: Mapped[dict | None] = mapped_column(JSON)
    location: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
