"""Outside identities: who a Slack member, PagerDuty user or API client is in Relay.

An identity is found by its (provider, external id) link; the first time, by
the email the provider gives, and linked then; failing that, a reporter
account is provisioned in the given organization (the provider's by default)
and the admins hear about it through the outbox. Fronts call this and never
commit themselves.
"""
from dataclasses import dataclass
from typing import Callable
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ExternalIdentity, Organization, Role, Source, User
from app.services.core.errors import DomainError, Forbidden, ValidationError
from app.services.core.events import emit

EXTERNAL_ID_MAX = 64


@dataclass(frozen=True)
class Profile:
    """What the provider says about the person: their email (if it shares it) and their name."""

    email: str | None
    display_name: str


def find(provider: str, external_id: str) -> User | None:
    """The account linked to *external_id* at *provider*, or None."""
    return db.session.scalar(select(User).join(ExternalIdentity).where(
        ExternalIdentity.provider == provider, ExternalIdentity.external_id == external_id))


def account_for(provider: str, external_id, look_up: Callable[[], Profile], *, provision=True,
                org_id: int | None = None) -> User | None:
    """The active account acting for *external_id*, linked or provisioned now if needed (and committed).

    *look_up*() asks the provider for the person's profile; it is called only for an
    identity not linked yet, with no database transaction open while it waits.
    Without *provision*, an unknown person is None instead of a new reporter.
    """
    if not external_id or not isinstance(external_id, str) or len(external_id) > EXTERNAL_ID_MAX:
        raise ValidationError({"external_id": "The identity is missing or not one Relay can use."})
    user = find(provider, external_id)
    if user is None:
        db.session.commit()  # end the read: no connection is held while the provider answers
        profile = look_up()
        email = User.normalize_email(profile.email) if profile.email else None
        owner = db.session.scalar(select(User).where(User.email == email)) if email else None
        if owner is not None and owner.external_id(provider) is not None:
            if not provision:
                return None
            raise Forbidden(f"Your {provider.capitalize()} email belongs to a Relay account linked to "
                            f"another {provider.capitalize()} user.")
        if owner is None and not provision:
            return None
        user = _link(provider, external_id, owner or _new_reporter(provider, external_id, profile, email, org_id))
    if provision and (user is None or not user.active):
        raise Forbidden("Your Relay account is deactivated; ask an admin.")
    return user


def _link(provider, external_id, user) -> User | None:
    """Link *user* and commit; if someone linked the same identity a moment ago, theirs stands."""
    user.identities.append(ExternalIdentity(provider=provider, external_id=external_id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    return find(provider, external_id)


def _new_reporter(provider, external_id, profile: Profile, email, org_id) -> User:
    query = select(Organization).where(Organization.id == org_id) if org_id is not None else \
        select(Organization).where(Organization.is_provider.is_(True))
    org = db.session.scalar(query)
    if org is None:
        raise DomainError("Relay has no provider organization to add you to; ask an admin.")
    user = User(email=email or f"{external_id.lower()}@{provider}.invalid", display_name=profile.display_name[:100],
                role=Role.REPORTER, org=org, password_hash=f"!{provider}")  # no password until an admin sets one
    db.session.add(user)
    emit("account.provisioned", user, None, Source(provider) if provider in {s.value for s in Source}
         else Source.SYSTEM, provider=provider, external_id=external_id)
    return user


def service_account(org: Organization, name: str, role: Role) -> User:
    """A new account that an integration acts as in *org*: no password, linked to the "api" provider."""
    key = f"service-{uuid4().hex[:16]}"
    user = User(email=f"{key}@api.invalid", display_name=f"{name[:80]} (service)", role=role, org=org,
                password_hash="!api")  # no password: it signs in only with its tokens
    user.identities.append(ExternalIdentity(provider="api", external_id=key))
    db.session.add(user)
    return user
