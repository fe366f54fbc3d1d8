"""Demo data: the organizations, users and product areas a newcomer signs in with."""
from sqlalchemy import select

from app.extensions import db
from app.models import Organization, ProductArea, Role, User

DEMO_ORGS = [
    ("Relay Support", "relay", True),
    ("Acme Corp", "acme", False),
]

DEMO_USERS = [
    ("admin@example.com", "admin123", "Ada Admin", Role.ADMIN, "relay"),
    ("manager@example.com", "manager123", "Max Manager", Role.MANAGER, "relay"),
    ("support@example.com", "support123", "Sam Support", Role.RESPONDER, "relay"),
    ("user@example.com", "user123", "Uma User", Role.REPORTER, "relay"),
    ("customer@acme.example.com", "customer123", "Carl Customer", Role.REPORTER, "acme"),
]

DEMO_PRODUCT_AREAS = [
    ("Payments", "Checkout, billing and refunds", "manager@example.com"),
    ("Web app", "The customer-facing web application", "support@example.com"),
    ("Public API", "REST API and webhooks", "support@example.com"),
    ("Infrastructure", "Hosting, network, databases", "admin@example.com"),
]


def seed_demo(log=print) -> int:
    """Create whatever demo records are missing; return how many were created."""
    created = 0
    orgs = {}
    for name, slug, is_provider in DEMO_ORGS:
        org = db.session.scalar(select(Organization).where(Organization.slug == slug))
        if org is None:
            org = Organization(name=name, slug=slug, is_provider=is_provider)
            db.session.add(org)
            created += 1
            log(f"  created organization {name}")
        orgs[slug] = org
    db.session.flush()
    users = {}
    for email, password, name, role, org_slug in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, display_name=name, role=role, org=orgs[org_slug])
            user.set_password(password)
            db.session.add(user)
            created += 1
            log(f"  created {role.value:<9} {email} / {password}")
        users[email] = user
    db.session.flush()
    for name, description, owner in DEMO_PRODUCT_AREAS:
        if db.session.scalar(select(ProductArea).where(ProductArea.name == name)) is None:
            db.session.add(ProductArea(name=name, description=description, owners=[users[owner]]))
            created += 1
            log(f"  created product area {name}")
    db.session.commit()
    return created
