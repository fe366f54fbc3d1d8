"""Who is who for notifications: admins, managers, and the people taking part in a record."""
from sqlalchemy import select

from app.extensions import db
from app.models import Comment, Organization, Role, User
from app.services.core.permissions import can_see


def provider_staff(*roles):
    """Active users of the provider organization with one of *roles* (they see every tenant)."""
    return db.session.scalars(select(User).join(Organization, User.org_id == Organization.id).where(
        Organization.is_provider.is_(True), User.active.is_(True), User.role.in_(roles)).order_by(User.id)).all()


def admin_recipients():
    """The admins who get admin notifications (new tickets, the stale report)."""
    return provider_staff(Role.ADMIN)


def managers_who_can_see(record):
    """Active admins and managers of the provider or of the record's organization."""
    users = db.session.scalars(select(User).where(User.active.is_(True),
                                                  User.role.in_([Role.ADMIN, Role.MANAGER])).order_by(User.id))
    return [user for user in users if can_see(user, record)]


def commenters(comment_subject_column, subject_id):
    """Everyone who commented on one incident (Comment.incident_id) or ticket (Comment.ticket_id)."""
    return list(db.session.scalars(select(User).join(Comment, Comment.author_id == User.id)
                                   .where(comment_subject_column == subject_id).distinct()))
