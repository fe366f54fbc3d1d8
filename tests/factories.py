"""Factories that build valid records with as little typing as possible."""
import itertools

from werkzeug.security import generate_password_hash

from app.models import Campaign, Incident, IncidentStatus, IssueType, Organization, Priority, ProductArea, Role
from app.models import Severity, Ticket, TicketStatus, User, next_number


class Factory:
    PASSWORD = "password123"
    _hash = None
    _seq = itertools.count(1)

    def __init__(self, db):
        self.db = db
        self._provider = None

    @classmethod
    def password_hash(cls):
        # The app hashes with scrypt, slow on purpose; test users get a cheap hash
        # (check_password_hash reads the method from the hash) so sign-ins stay fast.
        if cls._hash is None:
            cls._hash = generate_password_hash(cls.PASSWORD, method="pbkdf2:sha256:1000")
        return cls._hash

    def _save(self, obj):
        self.db.session.add(obj)
        self.db.session.commit()
        return obj

    def org(self, name=None, provider=False):
        n = next(self._seq)
        name = name or f"Org {n}"
        return self._save(Organization(name=name, slug=f"org-{n}", is_provider=provider))

    def provider(self):
        if self._provider is None:
            self._provider = self.org("Provider", provider=True)
        return self._provider

    def user(self, role=Role.RESPONDER, org=None, email=None, name=None, active=True):
        n = next(self._seq)
        role = Role(role) if isinstance(role, str) else role
        org = org or self.provider()
        return self._save(User(email=email or f"{role.value}{n}@example.com", display_name=name or f"{role.label} {n}",
                               role=role, org=org, active=active, password_hash=self.password_hash()))

    def product_area(self, name=None, owners=()):
        return self._save(ProductArea(name=name or f"Area {next(self._seq)}", description="", owners=list(owners)))

    def incident(self, reporter=None, org=None, status=IncidentStatus.DETECTED, severity=Severity.SEV3,
                 title=None, **fields):
        reporter = reporter or self.user(Role.REPORTER, org=org)
        incident = Incident(number=next_number("incident"), title=title or f"Incident {next(self._seq)}",
                            description=fields.pop("description", ""), severity=severity, status=status,
                            org_id=(org or reporter.org).id, reporter_id=reporter.id, **fields)
        return self._save(incident)

    def campaign(self, name=None, active=True, position=0):
        return self._save(Campaign(name=name or f"Campaign {next(self._seq)}", active=active, position=position))

    def issue_type(self, name=None, active=True, position=0):
        return self._save(IssueType(name=name or f"Issue type {next(self._seq)}", active=active, position=position))

    def ticket(self, reporter=None, org=None, status=TicketStatus.OPEN, priority=Priority.MEDIUM, title=None,
               **fields):
        reporter = reporter or self.user(Role.REPORTER, org=org)
        ticket = Ticket(number=next_number("ticket"), title=title or f"Ticket {next(self._seq)}", details=fields.pop("details", ""),
                        priority=priority, status=status, org_id=(org or reporter.org).id,
                        reporter_id=reporter.id, **fields)
        return self._save(ticket)
