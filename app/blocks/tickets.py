"""Block Kit for tickets: the new-ticket, reassign and resolve modals, the channel card, and lists."""
import json

from slack_sdk.models.blocks import (
    ActionsBlock, ButtonElement, ContextBlock, DividerBlock, HeaderBlock, InputBlock, MarkdownTextObject,
    Option, PlainTextInputElement, SectionBlock, StaticSelectElement, UserSelectElement,
)
from slack_sdk.models.blocks.block_elements import FileInputElement
from slack_sdk.models.views import View

from app.blocks.sla import sla_text
from app.blocks.text import escape, person, slack_date
from app.links import absolute_url
from app.models import Priority, TicketStatus
from app.services import tickets
from app.services.core.permissions import Permission, can
from app.services.ticket_lifecycle import transitions_from

CREATE_CALLBACK = "ticket.create"
REASSIGN_CALLBACK = "ticket.reassign"
RESOLVE_CALLBACK = "ticket.resolve"
ESCALATE_CALLBACK = "ticket.escalate"
ACTIONS = ("ticket.assign_me", "ticket.reassign", "ticket.resolve", "ticket.close", "ticket.reopen",
           "ticket.escalate")
SCREENSHOT_TYPES = ["png", "jpg", "jpeg", "gif", "webp"]
MAX_LISTED = 40  # a modal holds at most 100 blocks

# The web's colours: red for critical, yellow for high, blue for medium, grey for low.
PRIORITY_MARK = {Priority.CRITICAL: ":red_circle:", Priority.HIGH: ":large_yellow_circle:",
                 Priority.MEDIUM: ":large_blue_circle:", Priority.LOW: ":white_circle:"}

STATUS_EMOJI = {TicketStatus.OPEN: ":large_blue_circle:", TicketStatus.IN_PROGRESS: ":large_orange_circle:",
                TicketStatus.WAITING: ":hourglass_flowing_sand:",
                TicketStatus.RESOLVED: ":large_green_circle:", TicketStatus.CLOSED: ":white_check_mark:"}


def _input(block_id, label, element, optional=False, hint=None):
    return InputBlock(block_id=block_id, label=label, element=element, optional=optional, hint=hint)


def _options(items):
    return [Option(value=str(item.id), text=item.name[:75]) for item in items[:100]]


def new_ticket_modal(campaigns, issue_types, with_screenshot=True):
    """The /new-ticket modal: title, campaign, issue type, priority, details, optional screenshot."""
    priorities = [Option(value=p.value, text=p.label) for p in Priority]
    blocks = [_input("title", "Title", PlainTextInputElement(action_id="value", max_length=200))]
    if campaigns:
        blocks.append(_input("campaign", "Campaign", StaticSelectElement(action_id="value",
                                                                        options=_options(campaigns)), True))
    if issue_types:
        blocks.append(_input("issue_type", "Issue type", StaticSelectElement(action_id="value",
                                                                            options=_options(issue_types)), True))
    blocks += [
        _input("priority", "Priority", StaticSelectElement(action_id="value", options=priorities,
                                                           initial_option=priorities[1])),
        _input("details", "Details", PlainTextInputElement(action_id="value", multiline=True, max_length=3000),
               True),
    ]
    if with_screenshot:
        blocks.append(_input("screenshot", "Screenshot", FileInputElement(
            action_id="value", filetypes=SCREENSHOT_TYPES, max_files=1), True))
    return View(type="modal", callback_id=CREATE_CALLBACK, title="New ticket", submit="Raise",
                close="Cancel", blocks=blocks)


def reassign_modal(ticket):
    return View(type="modal", callback_id=REASSIGN_CALLBACK, title="Reassign ticket", submit="Reassign",
                private_metadata=json.dumps({"n": ticket.number}), blocks=[
                    SectionBlock(text=MarkdownTextObject(text=f"*{ticket.reference}*: {escape(ticket.title)}")),
                    _input("assignee", "Assign to", UserSelectElement(action_id="value"),
                           hint="Must have a Relay responder account."),
                    _input("comment", "Comment", PlainTextInputElement(action_id="value", multiline=True,
                                                                       max_length=3000), True)])


def resolve_modal(ticket):
    return View(type="modal", callback_id=RESOLVE_CALLBACK, title="Resolve ticket", submit="Resolve",
                private_metadata=json.dumps({"n": ticket.number}), blocks=[
                    SectionBlock(text=MarkdownTextObject(text=f"*{ticket.reference}*: {escape(ticket.title)}")),
                    _input("notes", "How was it resolved?", PlainTextInputElement(
                        action_id="value", multiline=True, max_length=3000))])


def ticket_url(ticket):
    return absolute_url("tickets.detail", number=ticket.number)


def buttons_for(ticket, actor=None):
    """The buttons that make sense for the ticket's status; with *actor*, only those they may use."""
    status, value = ticket.status, json.dumps({"n": ticket.number, "from": ticket.status.value})
    if actor is None:
        targets = {move.target for move in transitions_from(status)}
        take = status != TicketStatus.CLOSED
    else:
        targets = {move.target for move in tickets.allowed_transitions(actor, ticket)}
        take = tickets.can_take(actor, ticket)
    wanted = {
        "ticket.assign_me": take,
        "ticket.reassign": status.is_open
                           and (actor is None or can(actor, Permission.WORK)),
        "ticket.resolve": TicketStatus.RESOLVED in targets,
        "ticket.close": TicketStatus.CLOSED in targets,
        "ticket.reopen": TicketStatus.OPEN in targets,
        "ticket.escalate": status.is_open and (actor is None or can(actor, Permission.ESCALATE)),
    }
    labels = {"ticket.assign_me": "Assign to me", "ticket.reassign": "Reassign", "ticket.resolve": "Resolve",
              "ticket.close": "Close", "ticket.reopen": "Reopen", "ticket.escalate": "Escalate"}
    styles = {"ticket.resolve": "primary", "ticket.escalate": "danger"}
    return [ButtonElement(action_id=a, text=labels[a], value=value, style=styles.get(a))
            for a in ACTIONS if wanted[a]]


def _line(ticket):
    return (f"{STATUS_EMOJI[ticket.status]} *<{ticket_url(ticket)}|{ticket.reference}>* {escape(ticket.title)} · "
            f"{priority_text(ticket)} · {ticket.status.label} · {person(ticket.assignee)}")[:3000]


def priority_text(ticket):
    return f"{PRIORITY_MARK[ticket.priority]} {ticket.priority.label}"


def ticket_card(ticket):
    """The message in the tickets channel, updated in place on every change."""
    fields = [MarkdownTextObject(text=f"*Status*\n{STATUS_EMOJI[ticket.status]} {ticket.status.label}"),
              MarkdownTextObject(text=f"*Priority*\n{priority_text(ticket)}"),
              MarkdownTextObject(text=f"*Assignee*\n{person(ticket.assignee)}"),
              MarkdownTextObject(text=f"*Reporter*\n{person(ticket.reporter)}"),
              MarkdownTextObject(text=f"*Campaign*\n{escape(ticket.campaign.name) if ticket.campaign else '—'}"),
              MarkdownTextObject(text=f"*Issue type*\n{escape(ticket.issue_type.name) if ticket.issue_type else '—'}"),
              MarkdownTextObject(text=f"*Created*\n{slack_date(ticket.created_at)}"),
              MarkdownTextObject(text=f"*Updated*\n{slack_date(ticket.updated_at)}"),
              MarkdownTextObject(text=f"*SLA*\n{sla_text(ticket)}")]
    blocks = [HeaderBlock(text=f"{ticket.reference}: {ticket.title}"[:150]), SectionBlock(fields=fields)]
    if ticket.details:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=escape(ticket.details, 2900))))
    buttons = buttons_for(ticket)
    if buttons:
        blocks.append(ActionsBlock(block_id=f"ticket:{ticket.number}", elements=buttons))
    context = f"<{ticket_url(ticket)}|Open in Relay>"
    if ticket.incident is not None:
        context += f" · promoted to {ticket.incident.reference}"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=context)]))
    text = f"{ticket.reference} {ticket.status.label}: {escape(ticket.title)}"
    return {"text": text, "blocks": [b.to_dict() for b in blocks]}


def ticket_list_modal(title, listed, total, actor, empty="No tickets."):
    """A modal listing tickets, each with the buttons *actor* may use on it."""
    blocks = []
    for ticket in listed[:MAX_LISTED]:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_line(ticket))))
        buttons = [b for b in buttons_for(ticket, actor) if b.action_id in ("ticket.assign_me", "ticket.close",
                                                                          "ticket.reopen")]
        if buttons:
            blocks.append(ActionsBlock(block_id=f"ticket:{ticket.number}", elements=buttons))
    if not blocks:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=empty)))
    if total > len(listed[:MAX_LISTED]):
        blocks += [DividerBlock(), ContextBlock(elements=[MarkdownTextObject(
            text=f"Showing {len(listed[:MAX_LISTED])} of {total}; see the rest in Relay.")])]
    return View(type="modal", title=title[:24], close="Close", blocks=blocks)


def summary_text(summary):
    """The /ticket-summary answer: counts by status and by priority, and urgent tickets nobody holds."""
    statuses = " · ".join(f"{s.label}: *{summary.by_status.get(s, 0)}*" for s in TicketStatus)
    priorities = " · ".join(f"{p.label}: *{summary.by_priority.get(p, 0)}*" for p in reversed(list(Priority)))
    return (f"*Tickets* ({summary.total} in all)\n{statuses}\n*Open by priority*\n{priorities}\n"
            f"*Urgent and unassigned*: {summary.urgent_unassigned}")
