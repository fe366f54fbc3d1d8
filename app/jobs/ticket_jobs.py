"""Ticket jobs: overdue reminders to assignees and the stale report to the admins (daily), the pinned list (hourly)."""
from datetime import timedelta
from itertools import groupby

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import OPEN_TICKET_STATUSES, Priority, Ticket
from app.models.base import utcnow
from app.links import absolute_url
from app.notifications.email.compose import queue_email
from app.notifications.recipients import admin_recipients
from app.notifications.email.tickets import ticket_link
from app.notifications.slack.reports import post_report
from app.notifications.slack.pins import queue_list
from app.blocks.reports import ticket_report
from app.blocks.ticket_pin import empty_list, pinned_list

REPORT_MAX = 50  # tickets listed in one email; the rest are counted


def open_tickets(*conditions):
    return db.session.scalars(select(Ticket).where(Ticket.status.in_(OPEN_TICKET_STATUSES), *conditions)
                              .options(selectinload(Ticket.assignee), selectinload(Ticket.org))
                              .order_by(Ticket.assignee_id, Ticket.created_at)).all()


def listed(tickets):
    """The most urgent first (priority, then age), each with its link."""
    tickets = sorted(tickets, key=lambda ticket: (-ticket.priority.rank, ticket.created_at))
    return [(ticket, ticket_link(ticket)) for ticket in tickets[:REPORT_MAX]]


def overdue_reminder(period_start):
    """Remind each assignee of their tickets open or in progress for more than OVERDUE_AFTER_DAYS."""
    days = current_app.config["OVERDUE_AFTER_DAYS"]
    overdue = open_tickets(Ticket.assignee_id.is_not(None), Ticket.created_at < period_start - timedelta(days=days))
    queued = 0
    if overdue:
        queued += post_report("overdue_reminder", period_start, ticket_report(
            f"{len(overdue)} ticket(s) open for more than {days} days", listed(overdue), len(overdue),
            absolute_url("tickets.index", fallback="/tickets/")))
    for _, group in groupby(overdue, key=lambda ticket: ticket.assignee_id):
        tickets = list(group)
        queued += bool(queue_email(tickets[0].assignee, "ticket.overdue", "ticket_overdue",
                                   f"{len(tickets)} ticket(s) open for more than {days} days",
                                   dedup_key=f"job:overdue_reminder:{period_start:%Y-%m-%d}",
                                   tickets=listed(tickets), total=len(tickets), days=days,
                                   link=absolute_url("tickets.mine", fallback="/tickets/mine")))
    return queued


def stale_report(period_start):
    """Tell the admins which open tickets nobody touched for STALE_AFTER_DAYS."""
    days = current_app.config["STALE_AFTER_DAYS"]
    stale = open_tickets(Ticket.updated_at < period_start - timedelta(days=days))
    if not stale:
        return 0
    queued = post_report("stale_report", period_start, ticket_report(
        f"Stale tickets: {len(stale)} without an update for {days}+ days", listed(stale), len(stale),
        absolute_url("tickets.index", fallback="/tickets/")))
    for admin in admin_recipients():
        queued += bool(queue_email(admin, "report.stale", "stale_report",
                                   f"Stale tickets: {len(stale)} without an update for {days}+ days",
                                   dedup_key=f"job:stale_report:{period_start:%Y-%m-%d}",
                                   tickets=listed(stale), total=len(stale), days=days,
                                   link=absolute_url("tickets.index", fallback="/tickets/")))
    return queued


PINNED_PRIORITIES = (Priority.HIGH, Priority.CRITICAL)


def hourly_pin(period_start):
    """Show the open high and critical tickets of every organization in the tickets channel's pinned list.

    The tickets channel is the provider's own: it gets every ticket's card, so the list names every
    organization's tickets too.
    """
    channel = current_app.config.get("SLACK_TICKETS_CHANNEL")
    if not (current_app.config.get("SLACK_BOT_TOKEN") and channel):
        return 0
    urgent = open_tickets(Ticket.priority.in_(PINNED_PRIORITIES))
    link = absolute_url("tickets.index", fallback="/tickets/")
    message = pinned_list(listed(urgent), len(urgent), utcnow(), link) if urgent else empty_list(utcnow(), link)
    return queue_list("tickets", channel, message, empty=not urgent, period=f"{period_start:%Y-%m-%dT%H:%M}")
