"""PagerDuty: each organization's integration, the services it owns, and the incidents linked to PagerDuty."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_column, utcnow
from app.models.incident import Severity
from app.models.organization import Organization


class PagerDutyIntegration(db.Model):
    """One organization's PagerDuty settings; the provider's own serves every organization without one.

    The secrets are Fernet tokens (services/core/encryption.py): routing keys and webhook
    secrets as one token each over a JSON list, the REST token as one token.
    """

    __tablename__ = "pagerduty_integrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    routing_keys: Mapped[str | None] = mapped_column(Text)
    rest_token: Mapped[str | None] = mapped_column(Text)
    webhook_secrets: Mapped[str | None] = mapped_column(Text)
    # One rule per routing key, in the keys' order: {"severities": [...], "product_area_ids": [...]} or {}.
    routing_rules: Mapped[list | None] = mapped_column(JSON)
    default_severity: Mapped[Severity] = mapped_column(enum_column(Severity), default=Severity.SEV2)
    paging_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    org: Mapped[Organization] = relationship()
    services: Mapped[list["PagerDutyService"]] = relationship(
        back_populates="integration", cascade="all, delete-orphan", order_by="PagerDutyService.service_id")


class PagerDutyService(db.Model):
    """A PagerDuty service id and the integration (so the organization) it belongs to."""

    __tablename__ = "pagerduty_services"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(String(20), unique=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("pagerduty_integrations.id"), index=True)

    integration: Mapped[PagerDutyIntegration] = relationship(back_populates="services")


class PagerDutyLink(db.Model):
    """A Relay incident and its PagerDuty counterpart: who pages it, and the last PagerDuty status applied."""

    __tablename__ = "pagerduty_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), unique=True)
    # Whose integration pages this incident (its own organization's, or the provider's default).
    integration_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    dedup_key: Mapped[str] = mapped_column(String(60), unique=True)
    pd_incident_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    pd_url: Mapped[str | None] = mapped_column(String(300))
    started_in_pagerduty: Mapped[bool] = mapped_column(default=False)
    # Which routing key paged it (services/pagerduty_routing.py): its later events go to the same one.
    routing_key_fingerprint: Mapped[str | None] = mapped_column(String(16))
    # The occurred_at of the last PagerDuty status change applied: older ones never move the incident.
    status_at: Mapped[datetime | None]
    # What PagerDuty's newest webhook said (status, first assignee, its occurred_at): Check status answers from it.
    pd_status: Mapped[str | None] = mapped_column(String(20))
    pd_assignee: Mapped[str | None] = mapped_column(String(100))
    pd_seen_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
