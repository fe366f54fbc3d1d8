"""API tokens: personal access tokens, organization service tokens, and checking a presented token.

A token is `rly_` and 43 random URL-safe characters (256 bits); only its sha256 is stored, so a
database leak gives no usable token, and one hash lookup finds it (no slow hash is needed for
secrets this long). Scopes: read < write < admin, each including the ones before it.
"""
from datetime import timedelta
import enum
import hashlib
import secrets

from sqlalchemy import select, update

from app.extensions import db
from app.models import ApiToken, Organization, Role, User
from app.models.api_token import SCOPES
from app.models.base import utcnow
from app.services import identities
from app.services.core import validation
from app.services.core.errors import NotFound, ValidationError
from app.services.core.permissions import Permission, require

PREFIX = "rly_"
NAME_MAX = 100
EXPIRY_DAYS = (7, 30, 90, 365)
SERVICE_ROLES = (Role.REPORTER, Role.RESPONDER, Role.MANAGER)
# last_used_at is written at most this often per token, so reads do not all become writes.
LAST_USED_EVERY = timedelta(minutes=1)


class _Scope(enum.Enum):
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


def _scopes(value) -> str:
    """The scope a token is given, with the ones it includes: "write" is "read write"."""
    scope = validation.choice(_Scope, value, "scope", label="Scope").value
    return " ".join(SCOPES[:SCOPES.index(scope) + 1])


def _expiry(days):
    if days in (None, "", "never", 0, "0"):
        return None
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = None
    if days not in EXPIRY_DAYS:
        raise ValidationError({"expires_in_days": "Choose an expiry from the list."})
    return utcnow() + timedelta(days=days)


def _issue(user: User, creator: User, *, name, scope, expires_in_days, service=False) -> tuple[ApiToken, str]:
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, created_by_id=creator.id, service=service, token_hash=digest(raw), hint=raw[:8],
                     name=validation.text(name, "name", max_length=NAME_MAX, label="Name"),
                     scopes=_scopes(scope), expires_at=_expiry(expires_in_days))
    db.session.add(token)
    db.session.commit()
    return token, raw


def create_personal_token(actor: User, *, name, scope="read", expires_in_days=90) -> tuple[ApiToken, str]:
    """A new token acting as *actor*; returns it and the token text, which is never shown again."""
    require(actor, Permission.RAISE)
    return _issue(actor, actor, name=name, scope=scope, expires_in_days=expires_in_days)


def create_service_token(actor: User, *, org_id, name, role="responder", scope="write",
                         expires_in_days=None) -> tuple[ApiToken, str]:
    """A token for an integration: a new service account of organization *org_id* with *role* (admins)."""
    require(actor, Permission.MANAGE_USERS)
    org = db.session.get(Organization, validation.optional_id(org_id, "org_id") or 0)
    if org is None:
        raise ValidationError({"org_id": "Choose an organization from the list."})
    role = validation.choice(Role, role, "role")
    if role not in SERVICE_ROLES:
        raise ValidationError({"role": "A service account is a reporter, responder or manager."})
    name = validation.text(name, "name", max_length=NAME_MAX, label="Name")
    account = identities.service_account(org, name, role)
    return _issue(account, actor, name=name, scope=scope, expires_in_days=expires_in_days, service=True)


def personal_tokens(actor: User):
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == actor.id, ApiToken.service.is_(False))
                              .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def service_tokens(actor: User):
    require(actor, Permission.MANAGE_USERS)
    return db.session.scalars(select(ApiToken).where(ApiToken.service.is_(True))
                              .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def revoke(actor: User, token_id) -> ApiToken:
    """Revoke a token: one's own, or (admins) a service token. Revoking a service token ends its account."""
    token = db.session.get(ApiToken, validation.optional_id(token_id, "token_id") or 0)
    if token is None or not (token.user_id == actor.id and not token.service):
        if token is None or not token.service:
            raise NotFound("That token was not found.")
        require(actor, Permission.MANAGE_USERS)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    if token.service:
        token.user.active = False
    db.session.commit()
    return token


def authenticate(raw) -> ApiToken | None:
    """The usable token *raw* names (revoked, expired or a deactivated user's: None); notes its use."""
    if not isinstance(raw, str) or not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(raw)))
    now = utcnow()
    if token is None or not token.usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
                           .execution_options(synchronize_session=False))
        db.session.commit()
    return token
