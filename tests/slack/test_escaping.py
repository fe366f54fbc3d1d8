"""User text reaches Slack escaped: `<!everyone>` and disguised links stay inert, in every builder."""

import pytest

from app.blocks import incidents as incident_views, tickets as ticket_views
from app.blocks.text import escape
from app.models import Comment, Role, Source
from app.notifications.slack.incidents import _line
from app.services.core.events import Event
from app.slack.replies import help_reply

HOSTILE = "<!everyone> & <https://evil.example|your bank>"
SAFE = "&lt;!everyone&gt; &amp; &lt;https://evil.example|your bank&gt;"


def _texts(built):
    """Every mrkdwn string and message fallback in a builder's output (plain_text is inert in Slack)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "plain_text":
                return
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for key, value in node.items():
                if key != "text" or not isinstance(value, str):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(built.to_dict() if hasattr(built, "to_dict") else built)
    return found


def _assert_inert(built):
    texts = _texts(built)
    assert texts
    joined = "\n".join(texts)
    assert "<!everyone>" not in joined and "<https://evil" not in joined
    assert SAFE in joined or "&lt;!everyone&gt;" in joined


def test_escape_follows_slacks_rules():
    assert escape(HOSTILE) == SAFE
    assert escape(None) == ""
    assert escape("a<b", 3) == "a"  # never cut inside an entity
    assert len(escape("<" * 2000, 2900)) <= 2900


@pytest.fixture
def hostile(factory):
    provider = factory.provider()
    person = factory.user(Role.RESPONDER, org=provider, name=HOSTILE)
    area = factory.product_area(name=HOSTILE)
    incident = factory.incident(reporter=person, title=HOSTILE, product_area_id=area.id,
                                commander_id=person.id, assignee_id=person.id)
    ticket = factory.ticket(reporter=person, title=HOSTILE, assignee_id=person.id,
                            campaign_id=factory.campaign(name=HOSTILE).id,
                            issue_type_id=factory.issue_type(name=HOSTILE).id)
    incident.description = ticket.details = HOSTILE
    factory.db.session.commit()
    return {"person": person, "incident": incident, "ticket": ticket}


@pytest.mark.parametrize("build", [
    lambda h: incident_views.incident_summary(h["incident"]),
    lambda h: incident_views.incident_headline(h["incident"]),
    lambda h: incident_views.incident_dm(h["incident"], "incident commander"),
    lambda h: incident_views.deleted_notice("INC-1", HOSTILE),
    lambda h: ticket_views.ticket_card(h["ticket"]),
    lambda h: ticket_views.reassign_modal(h["ticket"]),
    lambda h: ticket_views.resolve_modal(h["ticket"]),
    lambda h: ticket_views.ticket_list_modal("Tickets", [h["ticket"]], 1, h["person"]),
], ids=["summary", "headline", "dm", "deleted", "card", "reassign", "resolve", "list"])
def test_every_builder_escapes_user_text(app, hostile, build):
    with app.test_request_context():
        _assert_inert(build(hostile))


@pytest.mark.parametrize("name,data", [
    ("incident.commented", lambda h: {"comment": Comment(body=HOSTILE)}),
    ("incident.assigned", lambda h: {"assignee": h["person"]}),
    ("incident.status_changed", lambda h: {"old": h["incident"].status, "new": h["incident"].status}),
])
def test_channel_lines_escape_names_and_comments(hostile, name, data):
    line = _line(Event(name, hostile["incident"], hostile["person"], Source.WEB, data(hostile)))
    assert "<!everyone>" not in line and "&lt;!everyone&gt;" in line


def test_replies_escape_what_the_user_typed():
    assert "<!everyone>" not in help_reply(f"I do not know `{HOSTILE}`")["text"]
