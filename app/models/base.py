"""Helpers shared by the models."""
from datetime import datetime, timezone
import enum

from sqlalchemy import Enum


def utcnow():
    """Return the current time as a naive UTC datetime (how every timestamp is stored)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def enum_column(enum_cls: type[enum.Enum], length: int = 20):
    """Store an enum by its value in a portable VARCHAR column."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
