"""Text search in the incident and ticket lists finds the rows, order and capped counts that ILIKE on each column finds.

On PostgreSQL the lists search a lowercased copy of title and body (app.models.search_text); these
tests hold it to what `title ILIKE '%q%' OR body ILIKE '%q%'` returns, on SQLite and PostgreSQL.
"""
import pytest
from sqlalchemy import or_, select

from app.extensions import db
from app.models import Incident, Role, Ticket
from app.services import references, search
from app.services.incident_queries import IncidentFilters, incident_rows
from app.services.ticket_queries import TicketFilters, ticket_rows

# (title, body): common and rare words, case, non-ASCII, LIKE's own characters, quotes and backslashes
# (the pattern goes into the SQL as a literal), and a word that the end of a title and the start of a
# body would spell together.
TEXTS = [(f"gateway {word} problem {n}", "") for n, word in enumerate(["cert", "dns", "cert", "disk"] * 6, 40)] + [
    ("GATEWAY timeouts", "Upstream is slow"),
    ("Checkout errors", "the payment Gateway returns 502"),
    ("Über-cache stale", "ÜBER cache keys"),
    ("Disk at 100%", "100% full on /var"),
    ("snake_case field", "a_b parameter dropped"),
    ("zebra crossing", ""),
    ("Certificate expiry", "cert renewal failed"),
    ("Login outage", "start of the gate"),
    ("fail gate", "way out of memory"),
    ("O'Brien's pager", "back\\slash and 'quoted' text"),
]
TERMS = ["gateway", "GATEWAY", "Gateway 5", "cert problem 4", "problem", "über", "ÜBER", "100%", "100", "a_b",
         "_", "%", "zebra", "Zebra crossing", "gate", "gateway out", "ewa", "nothing here", "e", "4", "INC-7", " 12 ",
         "O'Brien", "\\slash", "'quoted'", "'; DROP TABLE incidents; --"]


def old_matching(model, body, q):
    """What the lists matched before the lowercased copy: ILIKE on the title and on the body, or the number."""
    term = search._like(q.strip())
    number = references.number_for(model, q)
    return or_(model.title.ilike(term, escape="\\"), body.ilike(term, escape="\\"),
               *([model.number == number] if number else []))


def expected(model, body, q, page, per_page, cap):
    """The ids of page *page* and the count the pager shows, computed the old way."""
    order = (*search.exact_first(model, q), model.created_at.desc(), model.id.desc())
    ids = db.session.scalars(select(model.id).where(old_matching(model, body, q)).order_by(*order)).all()
    known = max(cap, (page + 2) * per_page)
    shown = ids[(page - 1) * per_page:page * per_page]
    return shown, (known, True) if len(ids) > known else (len(ids), False)


@pytest.fixture
def filled(app, factory):
    app.config.update(LIST_COUNT_CAP=6)
    reporter = factory.user(Role.REPORTER)
    for title, body in TEXTS:
        factory.incident(reporter=reporter, title=title, description=body)
        factory.ticket(reporter=reporter, title=title, details=body)
    return factory.user(Role.ADMIN)


@pytest.mark.parametrize("model, body, rows, filters", [
    (Incident, Incident.description, incident_rows, IncidentFilters),
    (Ticket, Ticket.details, ticket_rows, TicketFilters),
])
def test_search_matches_ilike_on_each_column(app, filled, model, body, rows, filters):
    for q in TERMS:
        for page in (1, 2, 4):
            found = rows(filled, filters(q=q, page=page, per_page=3))
            shown, (total, capped) = expected(model, body, q, page, 3, 6)
            assert [row.id for row in found.items] == shown, (q, page)
            assert (found.total, found.capped) == (total, capped), (q, page)


def test_common_and_rare_words_are_found(app, filled):
    """Spot checks that the fill means what the comparisons above assume."""
    def titles(q):
        return [row.title for row in incident_rows(filled, IncidentFilters(q=q, per_page=100)).items]

    assert len(titles("gateway")) == 24 + 2
    assert "fail gate" not in titles("gateway") and "Login outage" not in titles("gateway")
    assert titles("cert problem 4") == [f"gateway cert problem {n}" for n in (48, 46, 44, 42, 40)]
    assert titles("zebra") == ["zebra crossing"] and titles("nothing here") == []
    assert titles("Über") == ["Über-cache stale"]  # SQLite folds ASCII only; PostgreSQL finds "über" too
    assert titles("100%") == ["Disk at 100%"] and titles("a_b") == ["snake_case field"]
    assert titles("O'Brien") == titles("\\slash") == titles("'quoted'") == ["O'Brien's pager"]
