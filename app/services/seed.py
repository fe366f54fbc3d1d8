"""Demo data: the organizations, users, product areas and tickets a newcomer signs in with."""
from sqlalchemy import select

from app.extensions import db
from app.models import Campaign, IssueType, Organization, Priority, ProductArea, Role, Ticket, TicketStatus, User
from app.models import Source, next_number
from app.services import audit
from app.services.sla import track
from app.services.sla_policies import ensure_default_policy

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

DEMO_CAMPAIGNS = ["Onboarding", "Black Friday", "Enterprise renewals"]
DEMO_ISSUE_TYPES = ["Question", "Bug", "Billing", "Access request"]

# (title, priority, status, campaign, issue type, reporter, assignee)
DEMO_TICKETS = [
    ("Invoice shows the wrong VAT number", Priority.HIGH, TicketStatus.OPEN, "Enterprise renewals", "Billing",
     "customer@acme.example.com", None),
    ("Cannot invite a new teammate", Priority.MEDIUM, TicketStatus.IN_PROGRESS, "Onboarding", "Access request",
     "user@example.com", "support@example.com"),
    ("Discount code BF25 rejected at checkout", Priority.CRITICAL, TicketStatus.OPEN, "Black Friday", "Bug",
     "customer@acme.example.com", None),
    ("How do I export my data?", Priority.LOW, TicketStatus.OPEN, None, "Question", "user@example.com", None),
]


def _seed_ticket_options(log):
    created = 0
    for model, names in ((Campaign, DEMO_CAMPAIGNS), (IssueType, DEMO_ISSUE_TYPES)):
        for position, name in enumerate(names, 1):
            if db.session.scalar(select(model).where(model.name == name)) is None:
                db.session.add(model(name=name, position=position, active=True))
                created += 1
                log(f"  created {model.__tablename__[:-1].replace('_', ' ')} {name}")
    db.session.flush()
    return created


def _seed_tickets(users, log):
    created = 0
    by_name = lambda model, name: name and db.session.scalar(select(model).where(model.name == name))
    for title, priority, status, campaign, issue_type, reporter, assignee in DEMO_TICKETS:
        if db.session.scalar(select(Ticket.id).where(Ticket.title == title)) is not None:
            continue
        ticket = Ticket(
            number=next_number("ticket"), title=title, details="", priority=priority, status=status,
            campaign=by_name(Campaign, campaign), issue_type=by_name(IssueType, issue_type),
            org_id=users[reporter].org_id, reporter_id=users[reporter].id,
            assignee_id=users[assignee].id if assignee else None)
        db.session.add(ticket)
        db.session.flush()
        audit.record(ticket, "created", users[reporter], Source.SYSTEM, new=f"{priority.label}: {title}")
        track(ticket)
        created += 1
        log(f"  created ticket {title}")
    return created


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
    created += _seed_ticket_options(log)
    policy = ensure_default_policy()
    if policy.manager_id is None:
        policy.manager = users["manager@example.com"]
        created += 1
        log(f"  SLA policy {policy.name}: manager {policy.manager.email}")
    created += _seed_tickets(users, log)
    db.session.commit()
    return created
