"""Block Kit for the tickets channel's pinned list of open high and critical tickets, edited in place hourly."""
from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from app.blocks.sla import sla_text
from app.blocks.text import escape, slack_date
from app.blocks.tickets import priority_text

LISTED = 30      # tickets named in the message; the rest are counted
SECTION_MAX = 3000


def _line(ticket, link):
    # Names, not mentions: the list is posted again after it empties, and nobody should be pinged by it.
    holder = escape(ticket.assignee.display_name) if ticket.assignee else "_unassigned_"
    return (f"• *<{link}|{ticket.reference}>* {escape(ticket.title, 150)} · {priority_text(ticket)} · {holder}"
            f" · SLA: {sla_text(ticket)}")


def _sections(lines):
    """Lines packed into as few sections as Slack's 3,000 characters per section allow."""
    sections, current = [], ""
    for line in lines:
        if current and len(current) + 1 + len(line) > SECTION_MAX:
            sections.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line[:SECTION_MAX]
    return [SectionBlock(text=MarkdownTextObject(text=text)) for text in sections + [current] if text]


def pinned_list(listed, total, as_of, link):
    """The pinned message: each ticket (most urgent first) with priority, assignee, SLA state and link."""
    header = f"Open high and critical tickets: {total}"
    blocks = [HeaderBlock(text=f":pushpin: {header}"), *_sections([_line(t, url) for t, url in listed[:LISTED]])]
    more = f"{total - len(listed[:LISTED])} more · " if total > len(listed[:LISTED]) else ""
    blocks.append(ContextBlock(elements=[MarkdownTextObject(
        text=f"{more}Updated every hour, as of {slack_date(as_of)} · <{link}|All tickets in Relay>")]))
    return {"text": header, "blocks": [b.to_dict() for b in blocks]}


def empty_list(as_of, link):
    """What the last list becomes once nothing high or critical is open: it is edited to say so, then unpinned."""
    text = (f":white_check_mark: No open high or critical tickets as of {slack_date(as_of)}. This list is no "
            f"longer pinned; a new one is posted and pinned when there are some again. <{link}|All tickets in Relay>")
    return {"text": "No open high or critical tickets", "blocks": [SectionBlock(text=MarkdownTextObject(
        text=text)).to_dict()]}
