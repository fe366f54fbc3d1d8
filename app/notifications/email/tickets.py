"""Emails about tickets: created (admins), assigned, resolved, closed, reopened, commented."""
from app.models import Comment, TicketStatus
from app.links import absolute_url
from app.notifications.email.compose import notify, people
from app.notifications.recipients import admin_recipients, commenters

DONE = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


def ticket_link(ticket):
    return absolute_url("tickets.detail", fallback=f"/tickets/{ticket.number}", number=ticket.number)


def notify_about_ticket(event, recipients, template, subject, **context):
    notify(event, recipients, template, subject, ticket_link(event.subject), ticket=event.subject, **context)


def ticket_created(event):
    ticket = event.subject
    notify_about_ticket(event, admin_recipients(), "ticket_created",
                        f"New {ticket.priority.label.lower()} ticket: {ticket.title}")


def ticket_assigned(event):
    ticket, assignee = event.subject, event.data.get("assignee")
    if assignee is None:
        return
    notify_about_ticket(event, [assignee], "ticket_assigned", f"Assigned to you: {ticket.title}")
    notify_about_ticket(event, people(ticket.reporter, exclude=assignee), "ticket_progress",
                        f"Assigned to {assignee.display_name}: {ticket.title}", kind="ticket.progress",
                        what=f"assigned it to {assignee.display_name}")


def ticket_status_changed(event):
    ticket, old, new = event.subject, event.data["old"], event.data["new"]
    if new in DONE:
        what = new.label.lower()
    elif old in DONE:
        what = "reopened"
    else:
        return  # open -> in progress is the assignee's own business
    notify_about_ticket(event, people(ticket.reporter, ticket.assignee), "ticket_progress",
                        f"{what.capitalize()}: {ticket.title}", kind="ticket.progress",
                        what=f"marked it {what}" if what != "reopened" else "reopened it")


def ticket_commented(event):
    ticket, comment = event.subject, event.data["comment"]
    notify_about_ticket(event, people(ticket.reporter, ticket.assignee, commenters(Comment.ticket_id, ticket.id)),
                        "ticket_commented",
                        f"New comment from {comment.author.display_name}: {ticket.title}", comment=comment)
