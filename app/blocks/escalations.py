"""Block Kit for escalations from a customer's channel: the confirmation, its updates, Check status."""
import json

from slack_sdk.models.blocks import ActionsBlock, ButtonElement, ContextBlock, MarkdownTextObject, SectionBlock

from app.blocks.incidents import OPEN_ACTION, STATUS_EMOJI, incident_url
from app.blocks.text import escape

CHECK_STATUS_ACTION = "pagerduty.check_status"


def _who(user):
    return f"<@{user.slack_user_id}>" if user is not None and user.slack_user_id else \
        escape(user.display_name) if user is not None else "Someone"


def confirmation(incident, actor, paged: bool):
    """The reply to an escalation: the number, a link, where it stands, and a Check status button."""
    page = ("On-call has been paged through PagerDuty." if paged else
            "PagerDuty paging is not set up for this organization; the support team sees it in Relay.")
    assignee = f" · assigned to {escape(incident.assignee.display_name)}" if incident.assignee else ""
    headline = (f":rotating_light: {_who(actor)} escalated *<{incident_url(incident)}|{incident.reference}>* "
                f"({incident.severity.label}): {escape(incident.title, 500)}")
    status = f"{STATUS_EMOJI[incident.status]} *{incident.status.label}*{assignee}"
    buttons = [ButtonElement(action_id=CHECK_STATUS_ACTION, text="Check status",
                             value=json.dumps({"n": incident.number})),
               ButtonElement(action_id=OPEN_ACTION, text="Open in Relay", url=incident_url(incident))]
    blocks = [SectionBlock(text=MarkdownTextObject(text=headline)),
              ContextBlock(elements=[MarkdownTextObject(text=f"{status} · {page}")]),
              ActionsBlock(block_id=f"escalation:{incident.number}", elements=buttons)]
    return {"text": f"{incident.reference} escalated: {escape(incident.title, 200)} ({incident.status.label})",
            "blocks": [b.to_dict() for b in blocks]}


def update_line(incident, what: str):
    """One message in the escalation's thread saying what changed."""
    return {"text": f"{STATUS_EMOJI[incident.status]} *{incident.reference}*: {what}"}


def page_failed_line(incident):
    return {"text": f":warning: The page for *{incident.reference}* could not be sent to PagerDuty. The incident is "
                    f"recorded in Relay and the support team can see it; an admin has the details."}
