"""The analytics rollup: counts and duration histograms per day and per week, and the days still to refresh."""
from datetime import date

from sqlalchemy import JSON, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

DAY, WEEK = 1, 7


class RollupCell(db.Model):
    """What the records of one day (or Monday-to-Sunday week) add up to, for one filter and one group.

    record: "incident" or "ticket". basis: "created" (records declared or raised that day) or
    "resolved" (records resolved that day). org_id / product_area_id: the filter the cell answers,
    None for "every organization" / "every product area" (0 is "no product area"). grouping and
    group_key: the table row ("all" with key "", "severity" with "sev1", "commander" with a user id ...).
    """

    __tablename__ = "analytics_rollup"
    __table_args__ = (
        # Organization and area last: a page's filters are checked in the index, so only its cells are read.
        Index("ix_analytics_rollup_read", "record", "basis", "grouping", "days", "starts_on", "org_id",
              "product_area_id"),
        Index("ix_analytics_rollup_slot", "record", "starts_on"),   # a refresh replaces a week's cells
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record: Mapped[str] = mapped_column(String(10))
    basis: Mapped[str] = mapped_column(String(10))
    days: Mapped[int]
    starts_on: Mapped[date]
    org_id: Mapped[int | None]
    product_area_id: Mapped[int | None]
    grouping: Mapped[str] = mapped_column(String(20))
    group_key: Mapped[str] = mapped_column(String(40))
    total: Mapped[int] = mapped_column(default=0)
    met: Mapped[int] = mapped_column(default=0)
    breached: Mapped[int] = mapped_column(default=0)
    # The duration histograms of the cell's records, packed into one integer's bytes (services/histograms.py).
    durations: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    # [[seconds, number]] of the longest incidents that have ended, for cells of everything (grouping "all").
    longest: Mapped[list | None] = mapped_column(JSON)


class DirtyDay(db.Model):
    """A day whose rollup is out of date: written in the same transaction as the change, removed once refreshed."""

    __tablename__ = "analytics_dirty_days"
    __table_args__ = (Index("ix_analytics_dirty_days_record_day", "record", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record: Mapped[str] = mapped_column(String(10))
    day: Mapped[date]
