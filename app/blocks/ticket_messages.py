"""Block Kit for messages about one new ticket: the reporter's private confirmation and the admins' alert."""
from slack_sdk.models.blocks import ContextBlock, ImageBlock, MarkdownTextObject, SectionBlock

from app.blocks.text import escape, slack_date
from app.blocks.tickets import priority_text, ticket_url


def _link(ticket):
    return f"*<{ticket_url(ticket)}|{ticket.reference}>*"


def ticket_confirmation(ticket, file_ids=()):
    """The direct message to whoever raised *ticket* from Slack: its number, fields, link and screenshot."""
    fields = [MarkdownTextObject(text=f"*Priority*\n{priority_text(ticket)}"),
              MarkdownTextObject(text=f"*Status*\n{ticket.status.label}"),
              MarkdownTextObject(text=f"*Campaign*\n{escape(ticket.campaign.name) if ticket.campaign else '—'}"),
              MarkdownTextObject(text=f"*Issue type*\n{escape(ticket.issue_type.name) if ticket.issue_type else '—'}"),
              MarkdownTextObject(text=f"*Raised*\n{slack_date(ticket.created_at)}")]
    text = f":white_check_mark: You raised {_link(ticket)}: {escape(ticket.title)}"
    blocks = [SectionBlock(text=MarkdownTextObject(text=text[:3000])),
              SectionBlock(fields=fields)]
    if ticket.details:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=escape(ticket.details, 2900))))
    for file_id in list(file_ids)[:1]:
        blocks.append(ImageBlock(slack_file={"id": file_id}, alt_text="The screenshot you attached",
                                 title="Screenshot"))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(
        text=f"<{ticket_url(ticket)}|Open {ticket.reference} in Relay> · only you see this message")]))
    return {"text": f"You raised {ticket.reference}: {escape(ticket.title)}",
            "blocks": [b.to_dict() for b in blocks]}


def new_ticket_alert(ticket):
    """The line in SLACK_ADMIN_CHANNEL saying a ticket was raised."""
    reporter = escape(ticket.reporter.display_name) if ticket.reporter else "someone"
    text = (f":ticket: New ticket {_link(ticket)} ({priority_text(ticket)}) from {reporter} "
            f"({escape(ticket.org.name)}): {escape(ticket.title)}")
    return {"text": text[:3000], "blocks": [SectionBlock(text=MarkdownTextObject(text=text[:3000])).to_dict()]}
