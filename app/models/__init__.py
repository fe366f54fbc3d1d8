"""The data model, one module per aggregate."""
from app.models.analytics_rollup import DirtyDay, RollupCell
from app.models.api_token import ApiToken
from app.models.attachment import Attachment
from app.models.audit import AuditEvent, Source
from app.models.audit_seal import AuditCheckpoint, AuditCheckpointHead, AuditHead
from app.models.campaign import Campaign, IssueType
from app.models.comment import Comment
from app.models.counter import Counter, next_number, numbered_up_to
from app.models.delivery import Delivery, DeliveryState
from app.models.identity import ExternalIdentity
from app.models.idempotency import IdempotencyKey
from app.models.incident import OPEN_STATUSES, Incident, IncidentStatus, Severity
from app.models.notification import JobRun, NotificationOptOut
from app.models.organization import Organization
from app.models.pagerduty import PagerDutyIntegration, PagerDutyLink, PagerDutyService
from app.models.postmortem import SECTIONS, ActionItem, Postmortem, PostmortemStatus
from app.models.product_area import ProductArea, product_area_owners
from app.models.sla import SlaPolicy, SlaState, SlaTarget
from app.models.slack import SlackChannelLink, SlackMessage, SlackPin, SlackReceipt
from app.models.stored_file import FileChunk
from app.models.ticket import OPEN_TICKET_STATUSES, Priority, Ticket, TicketStatus
from app.models.user import Role, User
from app.models.webhook import WebhookAttempt, WebhookEndpoint

__all__ = [
    "ActionItem", "ApiToken", "Attachment", "AuditCheckpoint", "AuditCheckpointHead", "AuditEvent", "AuditHead", "Campaign", "Comment", "Counter",
    "Delivery", "DeliveryState", "DirtyDay", "ExternalIdentity", "FileChunk", "IdempotencyKey", "Incident", "IncidentStatus",
    "IssueType", "JobRun", "NotificationOptOut", "OPEN_STATUSES", "OPEN_TICKET_STATUSES",
    "Organization", "PagerDutyIntegration", "PagerDutyLink", "PagerDutyService", "Postmortem", "PostmortemStatus", "RollupCell",
    "Priority", "ProductArea", "Role", "SECTIONS", "Severity", "SlackChannelLink", "SlackMessage", "SlackPin", "SlackReceipt", "SlaPolicy", "SlaState", "SlaTarget", "Source",
    "Ticket",
    "TicketStatus", "User", "WebhookAttempt", "WebhookEndpoint",
    "next_number", "numbered_up_to",
    "product_area_owners",
]
