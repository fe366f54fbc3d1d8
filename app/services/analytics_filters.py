"""What an analytics page covers: a period (a preset or a custom range), an organization, a product area."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Organization, ProductArea, User
from app.models.base import utcnow
from app.services.core import validation
from app.services.core.errors import ValidationError
from app.services.core.permissions import Permission, require

PRESETS = {"7": "Last 7 days", "30": "Last 30 days", "90": "Last 90 days", "365": "Last 12 months"}
CUSTOM = "custom"
LONGEST_RANGE_DAYS = 5 * 366


@dataclass(frozen=True)
class Scope:
    """The period [start, end) and the filters an analytics page was asked for, already checked."""

    start: datetime
    end: datetime
    org_id: int | None = None
    product_area_id: int | None = None

    @property
    def days(self) -> int:
        return max(1, round((self.end - self.start).total_seconds() / 86400))

    def previous(self) -> "Scope":
        """The period of the same length just before this one, with the same filters."""
        return Scope(self.start - (self.end - self.start), self.start, self.org_id, self.product_area_id)


def organizations_for(actor: User):
    """The organizations *actor* may filter by: every one for the provider's staff, else their own."""
    query = select(Organization.id, Organization.name).order_by(Organization.name)
    if not actor.is_provider_staff:
        query = query.where(Organization.id == actor.org_id)
    return db.session.execute(query).all()


def scope_for(actor: User, *, period="90", date_from=None, date_to=None, org_id=None, product_area_id=None,
              now=None) -> Scope:
    """Check what an analytics page was asked for and turn it into a Scope; ValidationError names the field."""
    require(actor, Permission.VIEW_ANALYTICS)
    now = now or utcnow()
    if period == CUSTOM:
        start, end = _custom(date_from, date_to, now)
    elif period in PRESETS:
        start, end = now - timedelta(days=int(period)), now
    else:
        raise ValidationError({"period": "Choose a period from the list."})
    org_id = validation.optional_id(org_id, "org_id")
    if org_id is not None and org_id not in {id_ for id_, _ in organizations_for(actor)}:
        raise ValidationError({"org_id": "Choose an organization from the list."})
    product_area_id = validation.optional_id(product_area_id, "product_area_id")
    if product_area_id is not None and db.session.get(ProductArea, product_area_id) is None:
        raise ValidationError({"product_area_id": "Choose a product area from the list."})
    return Scope(start, end, org_id, product_area_id)


def _custom(date_from, date_to, now):
    date_from, date_to = validation.day(date_from, "date_from"), validation.day(date_to, "date_to")
    if date_from is None or date_to is None:
        raise ValidationError({name: "Choose a date for a custom range." for name, value in
                               (("date_from", date_from), ("date_to", date_to)) if value is None})
    if date_from > date_to:
        raise ValidationError({"date_to": "The end of the range must be on or after its start."})
    if (date_to - date_from).days > LONGEST_RANGE_DAYS:
        raise ValidationError({"date_to": "Choose a range of five years or less."})
    # Whole days, the end day included.
    return datetime.combine(date_from, time.min), min(datetime.combine(date_to + timedelta(days=1), time.min),
                                                      max(now, datetime.combine(date_from, time.min)))
