"""Users and their roles."""
from datetime import datetime
import enum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models.base import enum_column, utcnow
from app.models.identity import ExternalIdentity
from app.models.organization import Organization


class Role(enum.Enum):
    """Roles from least to most powerful; rank compares them."""

    REPORTER = "reporter"
    RESPONDER = "responder"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self):
        return list(Role).index(self)

    def at_least(self, other: "Role"):
        return self.rank >= other.rank

    @property
    def label(self):
        return self.value.capitalize()


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.REPORTER, index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Part of the id in every session and remember-me cookie: raising it signs all of them out.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    org: Mapped[Organization] = relationship(lazy="joined")
    identities: Mapped[list[ExternalIdentity]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def external_id(self, provider: str) -> str | None:
        """This account's id at *provider* (e.g. its Slack member id), if it is linked."""
        return next((i.external_id for i in self.identities if i.provider == provider), None)

    # Linked the first time the person uses Relay from Slack (found by their profile email).
    @hybrid_property
    def slack_user_id(self) -> str | None:
        return self.external_id("slack")

    @slack_user_id.inplace.setter
    def _slack_user_id_setter(self, value: str | None):
        current = next((i for i in self.identities if i.provider == "slack"), None)
        if current is not None and value:
            current.external_id = value
        elif current is not None:
            self.identities.remove(current)
        elif value:
            self.identities.append(ExternalIdentity(provider="slack", external_id=value))

    @slack_user_id.inplace.expression
    @classmethod
    def _slack_user_id_expression(cls):
        return (select(ExternalIdentity.external_id)
                .where(ExternalIdentity.user_id == cls.id, ExternalIdentity.provider == "slack")
                .scalar_subquery())

    @staticmethod
    def normalize_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str):
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self):
        """The id Flask-Login keeps in the session and remember-me cookies."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self):
        return self.active

    @property
    def is_provider_staff(self):
        """Provider responders and up work every organization's records."""
        return self.org.is_provider and self.role.at_least(Role.RESPONDER)

    def __repr__(self):
        return f"<User {self.email}>"
