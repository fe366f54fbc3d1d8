"""Block Kit for the scheduled reports posted to the tickets channel: stale, overdue, weekly."""
from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from app.blocks.text import escape
from app.blocks.tickets import priority_text

LISTED = 20  # tickets named in one message; the rest are counted


def _ticket_line(ticket, link):
    holder = escape(ticket.assignee.display_name) if ticket.assignee else "nobody"
    return f"• *<{link}|{ticket.reference}>* {escape(ticket.title)} · {priority_text(ticket)} · {holder}"


def _message(header, lines, total, link):
    shown = "\n".join(lines[:LISTED])
    blocks = [HeaderBlock(text=header[:150])]
    if shown:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=shown[:3000])))
    more = f"{total - len(lines[:LISTED])} more · " if total > len(lines[:LISTED]) else ""
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"{more}<{link}|Open in Relay>")]))
    return {"text": header, "blocks": [b.to_dict() for b in blocks]}


def ticket_report(header, listed, total, link):
    """A list of tickets (each with its link) under *header*: the stale report and the overdue reminder."""
    return _message(header, [_ticket_line(ticket, url) for ticket, url in listed], total, link)


def weekly_report(since, sections, link):
    """The weekly summary's numbers, one line per kind of record."""
    lines = []
    for title, numbers, _ in sections:
        mttr = "—" if numbers["mttr_hours"] is None else f"{numbers['mttr_hours']:.1f} h"
        still = ", ".join(f"{label} {count}" for label, count in numbers["still_open"])
        sla = numbers.get("sla") or {}
        met = "" if sla.get("percent") is None else f", SLA met {sla['percent']:.0f}% ({sla['breached']} breached)"
        lines.append(f"*{title}*: {numbers['opened']} opened, {numbers['resolved']} resolved, "
                     f"time to resolve {mttr}{met}; still open: {still}")
    return _message(f"Weekly summary, week of {since:%Y-%m-%d}", lines, len(lines), link)
