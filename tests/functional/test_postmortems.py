"""Postmortems: drafted from the record on entering postmortem, edited safely, published, listed, exported."""
import re

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Comment, IncidentStatus, Postmortem, PostmortemStatus, Role, Severity, Ticket
from app.services import incidents, postmortem_actions, postmortems
from app.services.core.errors import Forbidden, InvalidTransition, NotFound, ValidationError
from tests.support import Browser, field_errors, flashes


@pytest.fixture
def world(factory, db):
    provider = factory.provider()
    acme = factory.org("Acme")
    other = factory.org("Globex")
    people = {
        "responder": factory.user(Role.RESPONDER, org=provider, name="Rita Responder"),
        "manager": factory.user(Role.MANAGER, org=provider, name="Max Manager"),
        "admin": factory.user(Role.ADMIN, org=provider),
        "reporter": factory.user(Role.REPORTER, org=provider),
        "customer_manager": factory.user(Role.MANAGER, org=acme, name="Cora Customer"),
        "customer_reporter": factory.user(Role.REPORTER, org=acme, name="Carl Customer"),
        "customer_responder": factory.user(Role.RESPONDER, org=acme),
        "other_manager": factory.user(Role.MANAGER, org=other),
    }
    area = factory.product_area("Payments")
    incident = factory.incident(reporter=people["customer_reporter"], title="Checkout *returns* 502",
                                severity=Severity.SEV1, product_area_id=area.id,
                                commander_id=people["manager"].id)
    return {"acme": acme, "other": other, "incident": incident, **people}


def to_postmortem(world, key_comment="Rollback of release 42 fixed it"):
    """Walk the world's incident to postmortem through the service, with comments on the way."""
    rita, number = world["responder"], world["incident"].number
    incidents.transition_incident(rita, number, "investigating")
    incidents.comment_on_incident(rita, number, "Just noise, not key")
    comment = incidents.comment_on_incident(rita, number, key_comment)
    postmortems.mark_key_comment(rita, number, comment.id, True)
    incidents.edit_incident(rita, number, severity="sev2")
    incidents.transition_incident(rita, number, "mitigated")
    incidents.transition_incident(rita, number, "resolved")
    incidents.transition_incident(rita, number, "postmortem")
    return world["incident"]


# --- drafting ----------------------------------------------------------------------------------

def test_entering_postmortem_drafts_one_from_the_record(world, db):
    incident = to_postmortem(world)
    postmortem = incident.postmortem
    assert postmortem.status is PostmortemStatus.DRAFT and postmortem.version == 1
    summary = postmortem.summary
    assert "INC-" in summary and r"Checkout \*returns\* 502" in summary  # the title's asterisks stay literal
    for fact in ("SEV2", "Organizations affected:** Acme", "Product area:** Payments",
                 "Incident commander:** Max Manager", "Time to acknowledge", "Time to resolve",
                 "Participants:** ", "Rita Responder"):
        assert fact in summary, fact
    timeline = postmortem.timeline
    assert r"Declared: Checkout \*returns\*" in timeline  # made in the factory: no declaration on the record
    assert "moved it from Resolved to Postmortem" in timeline
    assert "changed the severity from SEV1 to SEV2" in timeline
    assert "Rollback of release 42 fixed it" in timeline and "Just noise" not in timeline
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == "incident", AuditEvent.subject_id == incident.id))]
    assert actions.count("postmortem_drafted") == 1


def test_only_one_draft_and_none_before_postmortem(world, db):
    incident = world["incident"]
    with pytest.raises(NotFound):
        postmortems.get_postmortem(world["responder"], incident.number)
    to_postmortem(world)
    assert db.session.query(Postmortem).count() == 1
    assert postmortems.start_postmortem(world["responder"], incident.number) == incident.postmortem
    assert db.session.query(Postmortem).count() == 1


def test_an_incident_already_in_postmortem_gets_its_draft_on_first_view(world, factory, db, login_as):
    legacy = factory.incident(org=world["acme"], status=IncidentStatus.POSTMORTEM, title="From before")
    assert legacy.postmortem is None
    client = login_as(world["responder"])
    page = client.get(f"/postmortems/{legacy.number}")
    assert page.status_code == 200 and "From before" in page.get_data(as_text=True)
    assert db.session.scalar(select(Postmortem).where(Postmortem.incident_id == legacy.id)).version == 1
    # A customer does not trigger it, and learns nothing from trying.
    other = factory.incident(org=world["acme"], status=IncidentStatus.POSTMORTEM, reporter=world["customer_reporter"])
    assert login_as(world["customer_reporter"]).get(f"/postmortems/{other.number}").status_code == 404
    assert db.session.scalar(select(Postmortem).where(Postmortem.incident_id == other.id)) is None


def test_a_closed_incident_without_one_can_start_one(world, factory, login_as):
    closed = factory.incident(org=world["acme"], status=IncidentStatus.CLOSED)
    client = login_as(world["responder"])
    assert "Write a postmortem" in client.get(f"/incidents/{closed.number}").get_data(as_text=True)
    response = client.post(f"/postmortems/{closed.number}/start", follow_redirects=True)
    assert "Postmortem drafted." in flashes(response)
    open_one = factory.incident(org=world["acme"], status=IncidentStatus.INVESTIGATING)
    with pytest.raises(InvalidTransition):
        postmortems.start_postmortem(world["responder"], open_one.number)


# --- key comments ------------------------------------------------------------------------------

def test_mark_as_key_on_the_incident_page(world, login_as, db):
    number = world["incident"].number
    comment = incidents.comment_on_incident(world["responder"], number, "Found it: the cache")
    client = login_as(world["responder"])
    assert "Mark as key" in client.get(f"/incidents/{number}").get_data(as_text=True)
    response = client.post(f"/postmortems/{number}/comments/{comment.id}/key", data={"key": "1"},
                           follow_redirects=True)
    assert "Marked as key" in " ".join(flashes(response)) and 'data-testid="key-badge"' in response.get_data(as_text=True)
    assert db.session.get(Comment, comment.id).is_key
    client.post(f"/postmortems/{number}/comments/{comment.id}/key", data={"key": "0"})
    db.session.expire_all()
    assert not db.session.get(Comment, comment.id).is_key


def test_key_comments_refused_to_reporters_and_across_incidents(world, factory, login_as):
    number = world["incident"].number
    comment = incidents.comment_on_incident(world["customer_reporter"], number, "It is down for us")
    client = login_as(world["customer_reporter"])
    assert "Mark as key" not in client.get(f"/incidents/{number}").get_data(as_text=True)
    assert client.post(f"/postmortems/{number}/comments/{comment.id}/key", data={"key": "1"}).status_code == 403
    elsewhere = factory.incident(org=world["other"])
    client = login_as(world["customer_manager"])
    assert client.post(f"/postmortems/{elsewhere.number}/comments/{comment.id}/key", data={"key": "1"}).status_code == 404
    staff = login_as(world["responder"])
    assert staff.post(f"/postmortems/{elsewhere.number}/comments/{comment.id}/key", data={"key": "1"}).status_code == 404
    assert staff.post(f"/postmortems/{number}/comments/{comment.id}/key", data={"key": "1", "csrf_token": "forged"}
                      ).status_code in (302, 400)
    assert not comment.is_key


# --- editing and concurrency -------------------------------------------------------------------

def edit_form(client, number):
    """The editor's fields as a browser would submit them."""
    html = client.get(f"/postmortems/{number}/edit").get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]*name="(base_[a-z_]+)"[^>]*value="([^"]*)"', html))
    fields.update(re.findall(r'<input[^>]*name="(base_version)"[^>]*value="([^"]*)"', html))
    for name, body in re.findall(r'<textarea[^>]*name="([a-z_]+)"[^>]*>(.*?)</textarea>', html, re.S):
        fields[name] = (body.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"')
                        .replace("&#39;", "'").replace("&amp;", "&").lstrip("\n"))
    return fields


def test_a_save_is_rendered_safely_and_goes_on_the_timeline(world, login_as, db):
    incident = to_postmortem(world)
    client = login_as(world["responder"])
    form = edit_form(client, incident.number)
    form.update(root_cause="A **cache** stampede <script>alert(1)</script>", lessons="Load test the cache")
    response = client.post(f"/postmortems/{incident.number}/edit", data=form, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Postmortem saved." in flashes(response)
    assert "<strong>cache</strong>" in html and "<script>alert(1)" not in html
    postmortem = db.session.get(Postmortem, incident.postmortem.id)
    assert postmortem.version == 2 and postmortem.updated_by == world["responder"]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "postmortem_edited")).one()
    assert event.new_value == "Root cause, Lessons" and event.subject_id == incident.id
    timeline = client.get(f"/incidents/{incident.number}").get_data(as_text=True)
    assert "Postmortem edited: Root cause, Lessons" in timeline


def test_two_editors_on_different_sections_both_keep_their_text(world, app, db):
    incident = to_postmortem(world)
    rita, max_ = Browser(app), Browser(app)
    for browser, user in ((rita, world["responder"]), (max_, world["manager"])):
        browser.post("/auth/login", data={"email": user.email, "password": "password123"})
    form_a, form_b = edit_form(rita, incident.number), edit_form(max_, incident.number)
    rita.post(f"/postmortems/{incident.number}/edit", data={**form_a, "root_cause": "Rita's root cause"})
    response = max_.post(f"/postmortems/{incident.number}/edit", data={**form_b, "lessons": "Max's lessons"},
                         follow_redirects=True)
    assert "Postmortem saved." in flashes(response)
    with app.app_context():
        saved = db.session.get(Postmortem, incident.postmortem.id)
        assert (saved.root_cause, saved.lessons, saved.version) == ("Rita's root cause", "Max's lessons", 3)


def test_the_second_saver_of_the_same_section_gets_their_text_back(world, app, db):
    incident = to_postmortem(world)
    rita, max_ = Browser(app), Browser(app)
    for browser, user in ((rita, world["responder"]), (max_, world["manager"])):
        browser.post("/auth/login", data={"email": user.email, "password": "password123"})
    form_a, form_b = edit_form(rita, incident.number), edit_form(max_, incident.number)
    rita.post(f"/postmortems/{incident.number}/edit", data={**form_a, "root_cause": "A bad config push"})
    response = max_.post(f"/postmortems/{incident.number}/edit",
                         data={**form_b, "root_cause": "An expired certificate", "lessons": "Max's lessons"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Rita Responder saved this postmortem while you were editing, and also changed Root cause" in html
    assert "An expired certificate" in html and "A bad config push" in html   # theirs in the box, Rita's beside
    assert "Max&#39;s lessons" in html or "Max's lessons" in html               # nothing lost
    assert 'data-testid="conflict-root_cause"' in html
    with app.app_context():
        saved = db.session.get(Postmortem, incident.postmortem.id)
        assert (saved.root_cause, saved.lessons, saved.version) == ("A bad config push", "", 2)
    # Saving the merged text from the conflict page goes through.
    retry = edit_form_from(html)
    retry["root_cause"] = "A bad config push, then an expired certificate"
    response = max_.post(f"/postmortems/{incident.number}/edit", data=retry, follow_redirects=True)
    assert "Postmortem saved." in flashes(response)
    with app.app_context():
        saved = db.session.get(Postmortem, incident.postmortem.id)
        assert saved.root_cause.endswith("expired certificate") and saved.lessons == "Max's lessons"


def edit_form_from(html):
    fields = dict(re.findall(r'<input[^>]*name="(base_[a-z_]+)"[^>]*value="([^"]*)"', html))
    fields.update(re.findall(r'<input[^>]*name="(base_version)"[^>]*value="([^"]*)"', html))
    for name, body in re.findall(r'<textarea[^>]*name="([a-z_]+)"[^>]*>(.*?)</textarea>', html, re.S):
        fields[name] = body.replace("&#39;", "'").replace("&amp;", "&").lstrip("\n")
    return fields


def test_the_service_refuses_a_stale_save_of_the_same_section(world):
    incident = to_postmortem(world)
    rita, max_ = world["responder"], world["manager"]
    base = postmortems.section_hash("")
    postmortems.edit_postmortem(rita, incident.number, texts={"lessons": "One"}, base_version=1,
                                base_hashes={"lessons": base})
    with pytest.raises(postmortems.EditConflict) as conflict:
        postmortems.edit_postmortem(max_, incident.number, texts={"lessons": "Two"}, base_version=1,
                                    base_hashes={"lessons": base})
    assert [c.key for c in conflict.value.clashes] == ["lessons"] and conflict.value.texts["lessons"] == "Two"
    # The same text from both is no conflict.
    postmortems.edit_postmortem(max_, incident.number, texts={"lessons": "One"}, base_version=1,
                                base_hashes={"lessons": base})


@pytest.mark.parametrize("version", ["", "abc", "0", "-1", "99", "99999999999999999999"])
def test_a_missing_or_damaged_version_is_refused(world, version):
    incident = to_postmortem(world)
    with pytest.raises(ValidationError):
        postmortems.edit_postmortem(world["responder"], incident.number, texts={"lessons": "x"},
                                    base_version=version, base_hashes={})


@pytest.mark.parametrize("text,message", [("a\x00b", "control characters"), ("x" * 50_001, "50000")])
def test_bad_section_text_comes_back_at_its_field(world, login_as, text, message):
    incident = to_postmortem(world)
    client = login_as(world["responder"])
    form = edit_form(client, incident.number)
    response = client.post(f"/postmortems/{incident.number}/edit", data={**form, "went_well": text})
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response)), field_errors(response)
    assert incident.postmortem.went_well == ""


def test_a_forged_edit_is_refused(world, login_as):
    incident = to_postmortem(world)
    client = login_as(world["responder"])
    form = edit_form(client, incident.number)
    response = client.post(f"/postmortems/{incident.number}/edit", data={**form, "lessons": "x", "csrf_token": "x"})
    assert response.status_code in (200, 400) and incident.postmortem.lessons == ""


# --- action items and the closing rule ---------------------------------------------------------

def test_action_items_are_owned_tickets_with_their_live_status(world, login_as, db):
    incident = to_postmortem(world)
    client = login_as(world["responder"])
    response = client.post(f"/postmortems/{incident.number}/actions", data={
        "title": "Alert on 5xx rate", "owner_id": str(world["manager"].id), "due_on": "2026-12-15",
        "priority": "high"}, follow_redirects=True)
    assert any(m.startswith("Action item TCK-") for m in flashes(response))
    ticket = db.session.scalars(select(Ticket)).one()
    assert (ticket.org_id, ticket.assignee, ticket.priority.value) == (world["acme"].id, world["manager"], "high")
    assert incident.postmortem.action_items[0].due_on.isoformat() == "2026-12-15"
    html = response.get_data(as_text=True)
    assert "Alert on 5xx rate" in html and "Max Manager" in html and "due 2026-12-15" in html and "Open" in html
    incidents_timeline = client.get(f"/incidents/{incident.number}").get_data(as_text=True)
    assert f"Action item added: {ticket.reference}" in incidents_timeline
    # The ticket's own status shows on the postmortem.
    from app.services import tickets
    tickets.assign_to_me(world["manager"], ticket.number)
    assert "In progress" in client.get(f"/postmortems/{incident.number}").get_data(as_text=True)


@pytest.mark.parametrize("data,field,message", [
    ({"title": ""}, "title", "This field is required."),
    ({"title": "x" * 201}, "title", "200"),
    ({"title": "ok", "owner_id": "999999"}, "owner_id", "Choose an active responder"),
    ({"title": "ok", "due_on": "9999-12-31"}, "due_on", "Enter a date between"),
    ({"title": "ok", "due_on": "not a date"}, "due_on", "Not a valid date"),
    ({"title": "ok", "priority": "urgentest"}, "priority", "Not a valid choice"),
    ({"title": "a\x00b"}, "title", "control characters"),
])
def test_bad_action_items_come_back_at_their_field(world, login_as, db, data, field, message):
    incident = to_postmortem(world)
    client = login_as(world["responder"])
    response = client.post(f"/postmortems/{incident.number}/actions", data=data)
    assert response.status_code == 200
    assert any(message in error for error in field_errors(response)), field_errors(response)
    assert db.session.query(Ticket).count() == 0


def test_an_owner_from_another_organization_is_refused(world, factory):
    incident = to_postmortem(world)
    stranger = factory.user(Role.RESPONDER, org=world["other"])
    with pytest.raises(ValidationError) as error:
        postmortem_actions.add_action_item(world["responder"], incident.number, title="x", owner_id=stranger.id)
    assert "owner_id" in error.value.errors


def test_closing_follows_the_organizations_rule(world, db, login_as):
    incident = to_postmortem(world)
    manager, number = world["manager"], incident.number
    world["acme"].postmortem_required_to_close = True
    db.session.commit()
    with pytest.raises(InvalidTransition, match="its postmortem is not published"):
        incidents.transition_incident(manager, number, "closed")
    item = postmortem_actions.add_action_item(manager, number, title="Add a canary")
    postmortems.publish_postmortem(manager, number)
    with pytest.raises(InvalidTransition, match=f"action items without an owner: {item.ticket.reference}"):
        incidents.transition_incident(manager, number, "closed")
    client = login_as(manager)
    response = client.post(f"/incidents/{number}/transition", data={"target": "closed", "expected_status": "postmortem"},
                           follow_redirects=True)
    assert any("cannot be closed yet" in m for m in flashes(response))
    from app.services import tickets
    tickets.assign_to_me(world["responder"], item.ticket.number)
    incidents.transition_incident(manager, number, "closed")
    assert incident.status is IncidentStatus.CLOSED


def test_without_the_rule_closing_needs_nothing_and_false_alarms_are_exempt(world, factory, db):
    incident = to_postmortem(world)
    incidents.transition_incident(world["manager"], incident.number, "closed")
    world["acme"].postmortem_required_to_close = True
    db.session.commit()
    false_alarm = factory.incident(org=world["acme"])
    incidents.transition_incident(world["manager"], false_alarm.number, "closed")
    assert false_alarm.status is IncidentStatus.CLOSED


def test_admins_turn_the_rule_on_per_organization(world, login_as, db):
    client = login_as(world["admin"])
    assert 'data-testid="postmortem-rule"' in client.get("/admin/organizations").get_data(as_text=True)
    response = client.post(f"/admin/organizations/{world['acme'].id}/postmortem-rule", data={"required": "1"},
                           follow_redirects=True)
    assert "incidents will need a published postmortem" in " ".join(flashes(response))
    assert world["acme"].postmortem_required_to_close
    for bad in ({"required": "maybe"}, {}, {"required": "1", "csrf_token": "forged"}):
        assert client.post(f"/admin/organizations/{world['acme'].id}/postmortem-rule", data=bad).status_code in (302, 400)
    assert client.post("/admin/organizations/999999/postmortem-rule", data={"required": "1"}).status_code == 404
    assert login_as(world["manager"]).post(f"/admin/organizations/{world['acme'].id}/postmortem-rule",
                                           data={"required": "0"}).status_code == 403
    assert world["acme"].postmortem_required_to_close


# --- publishing, the list, exports ------------------------------------------------------------

def write_and_publish(world):
    incident = to_postmortem(world)
    postmortems.edit_postmortem(world["responder"], incident.number, base_version=1, base_hashes={}, texts={
        "root_cause": "An expired TLS certificate on the payment gateway",
        "internal_notes": "Vendor contract says nothing about certs (do not share)"})
    postmortems.publish_postmortem(world["responder"], incident.number)
    return incident


def test_publish_once_and_back_to_draft(world, login_as, db):
    incident = write_and_publish(world)
    assert incident.postmortem.is_published and incident.postmortem.published_by == world["responder"]
    with pytest.raises(InvalidTransition, match="already published"):
        postmortems.publish_postmortem(world["manager"], incident.number)
    client = login_as(world["manager"])
    response = client.post(f"/postmortems/{incident.number}/unpublish", follow_redirects=True)
    assert "customers no longer see it" in " ".join(flashes(response))
    assert login_as(world["customer_manager"]).get(f"/postmortems/{incident.number}").status_code == 404


def test_customers_read_their_organizations_published_ones_without_internal_notes(world, login_as, factory):
    incident = write_and_publish(world)
    for who in ("customer_manager", "customer_reporter", "customer_responder"):
        client = login_as(world[who])
        html = client.get(f"/postmortems/{incident.number}").get_data(as_text=True)
        assert "expired TLS certificate" in html and "Vendor contract" not in html and "Internal notes" not in html
        assert "Edit" not in re.findall(r">(Edit)<", html)
        listing = client.get("/postmortems/?q=certificate").get_data(as_text=True)
        assert incident.title.replace("*", "") in listing.replace("*", "") or incident.reference in listing
        export = client.get(f"/postmortems/{incident.number}/export.md")
        assert export.status_code == 200 and "expired TLS certificate" in export.get_data(as_text=True)
        assert "Vendor contract" not in export.get_data(as_text=True)
        assert client.get(f"/postmortems/{incident.number}/edit").status_code == 403
        assert client.post(f"/postmortems/{incident.number}/publish").status_code in (302, 403)
    other = login_as(world["other_manager"])
    for path in (f"/postmortems/{incident.number}", f"/postmortems/{incident.number}/export.md",
                 f"/postmortems/{incident.number}/edit"):
        assert other.get(path).status_code == 404, path
    assert f">{incident.reference}<" not in other.get("/postmortems/").get_data(as_text=True)
    assert "Acme" not in other.get("/postmortems/?q=certificate").get_data(as_text=True)


def test_drafts_are_for_provider_staff_only(world, login_as):
    incident = to_postmortem(world)
    for who in ("customer_manager", "customer_reporter", "customer_responder", "other_manager", "reporter"):
        client = login_as(world[who])
        for path in (f"/postmortems/{incident.number}", f"/postmortems/{incident.number}/export.md",
                     f"/postmortems/{incident.number}/edit"):
            assert client.get(path).status_code == 404, (who, path)
        assert client.post(f"/postmortems/{incident.number}/publish").status_code == 404
        assert client.post(f"/postmortems/{incident.number}/actions", data={"title": "x"}).status_code == 404
        assert "Drafts" not in client.get("/postmortems/").get_data(as_text=True)
    for who in ("responder", "manager", "admin"):
        client = login_as(world[who])
        assert client.get(f"/postmortems/{incident.number}").status_code == 200
        assert f">{incident.reference}<" in client.get("/postmortems/?status=draft").get_data(as_text=True)


def test_staff_see_internal_notes_and_export_them(world, login_as):
    incident = write_and_publish(world)
    client = login_as(world["manager"])
    html = client.get(f"/postmortems/{incident.number}").get_data(as_text=True)
    assert "Vendor contract" in html
    export = client.get(f"/postmortems/{incident.number}/export.md")
    assert export.headers["Content-Disposition"] == f'attachment; filename="postmortem-{incident.reference}.md"'
    text = export.get_data(as_text=True)
    assert text.startswith(f"# Postmortem: {incident.reference}") and "## Internal notes" in text
    assert "## Action items" in text and "## Participants" in text


def test_the_list_searches_and_pages(world, login_as, factory, app):
    app.config["PER_PAGE"] = 2
    incident = write_and_publish(world)
    client = login_as(world["responder"])
    assert f">{incident.reference}<" in client.get("/postmortems/?q=TLS").get_data(as_text=True)
    assert f">{incident.reference}<" in client.get(f"/postmortems/?q={incident.reference}").get_data(as_text=True)
    assert "No matches" in client.get("/postmortems/?q=nothing-like-this").get_data(as_text=True)
    for query in ("q=%00", "q=" + "x" * 5000, "status=bogus", "page=-1", "page=99999999999"):
        assert client.get(f"/postmortems/?{query}").status_code == 200, query


def test_an_empty_list_says_what_postmortems_are(world, login_as):
    html = login_as(world["customer_manager"]).get("/postmortems/").get_data(as_text=True)
    assert "No published postmortems yet" in html


def test_unknown_numbers_are_404(world, login_as):
    client = login_as(world["admin"])
    for path in ("/postmortems/999999", "/postmortems/999999/export.md", "/postmortems/999999/edit"):
        assert client.get(path).status_code == 404
    assert client.post("/postmortems/999999/publish").status_code == 404
    assert client.get("/postmortems/0").status_code == 404


def test_services_refuse_writers_who_are_not_provider_staff(world):
    incident = to_postmortem(world)
    with pytest.raises(NotFound):
        postmortems.publish_postmortem(world["customer_manager"], incident.number)
    postmortems.publish_postmortem(world["manager"], incident.number)
    with pytest.raises(Forbidden):
        postmortems.edit_postmortem(world["customer_manager"], incident.number, texts={"lessons": "x"},
                                    base_version=1, base_hashes={})
    with pytest.raises(Forbidden):
        postmortem_actions.add_action_item(world["customer_responder"], incident.number, title="x")


# --- the permission matrix of every postmortem route --------------------------------------------

STAFF, CUSTOMER, STRANGER = "staff", "customer", "stranger"
WHO = {"responder": STAFF, "manager": STAFF, "admin": STAFF, "customer_manager": CUSTOMER,
       "customer_reporter": CUSTOMER, "customer_responder": CUSTOMER, "reporter": STRANGER, "other_manager": STRANGER}
# (method, path, data, expected for staff, for customers of the incident's organization); strangers get 404.
MATRIX = [
    ("GET", "/postmortems/{n}", None, 200, 200),
    ("GET", "/postmortems/{n}/export.md", None, 200, 200),
    ("GET", "/postmortems/{n}/edit", None, 200, 403),
    ("POST", "/postmortems/{n}/edit", {"base_version": "2", "lessons": "x"}, 302, 403),
    ("POST", "/postmortems/{n}/actions", {"title": "x"}, 302, 403),
    ("POST", "/postmortems/{n}/unpublish", {}, 302, 403),
    ("POST", "/postmortems/{n}/start", {}, 302, 403),
    ("POST", "/postmortems/{n}/key-events", {}, 302, 403),
]


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize("method,path,data,staff,customer", MATRIX, ids=[f"{m[0]} {m[1]}" for m in MATRIX])
def test_postmortem_permission_matrix(world, login_as, client, who, method, path, data, staff, customer):
    incident = write_and_publish(world)
    path = path.format(n=incident.number)
    anonymous = client.get(path) if method == "GET" else client.post(path, data=data)
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    login_as(world[who])
    response = client.get(path) if method == "GET" else client.post(path, data=data)
    expected = {STAFF: staff, CUSTOMER: customer, STRANGER: 404}[WHO[who]]
    assert response.status_code == expected, (who, response.status_code)


@pytest.mark.parametrize("who,expected", [("responder", 302), ("customer_manager", 302), ("customer_responder", 302),
                                          ("customer_reporter", 403), ("reporter", 404), ("other_manager", 404)])
def test_who_may_mark_key_comments(world, login_as, who, expected):
    number = world["incident"].number
    comment = incidents.comment_on_incident(world["customer_reporter"], number, "It is down for us")
    response = login_as(world[who]).post(f"/postmortems/{number}/comments/{comment.id}/key", data={"key": "1"})
    assert response.status_code == expected


def test_the_live_fragment_keeps_the_key_toggle(world, login_as):
    number = world["incident"].number
    comment = incidents.comment_on_incident(world["responder"], number, "Found it")
    client = login_as(world["responder"])
    client.post(f"/postmortems/{number}/comments/{comment.id}/key", data={"key": "1"})
    fragment = client.get(f"/incidents/{number}/live").get_data(as_text=True)
    assert 'data-testid="key-badge"' in fragment and "Unmark key" in fragment


def test_paging_and_escalations_are_key_events(world, db):
    from app.models import Source
    from app.services import audit

    incident, rita = world["incident"], world["responder"]
    audit.record(incident, "paged", rita, Source.WEB, new="Checkout down for everyone")
    audit.record(incident, "escalated", rita, Source.SLACK, new="SEV2 -> SEV1, customers waiting")
    audit.record(incident, "pagerduty", None, Source.PAGERDUTY, field="escalated", new="Escalated to level 2")
    audit.record(incident, "pagerduty_sync_failed", None, Source.SYSTEM, new="timeout")
    db.session.commit()
    to_postmortem(world)
    timeline = incident.postmortem.timeline
    assert "Rita Responder paged on-call in PagerDuty: Checkout down for everyone" in timeline
    assert "Rita Responder escalated: SEV2 \\-\\> SEV1, customers waiting" in timeline
    assert "PagerDuty (escalated): Escalated to level 2" in timeline
    assert "timeout" not in timeline


def test_key_events_after_the_draft_are_added_without_touching_edits(world, login_as, db):
    incident = to_postmortem(world)
    number = incident.number
    postmortems.edit_postmortem(world["responder"], number, base_version=1, base_hashes={},
                                texts={"timeline": incident.postmortem.timeline + "\n- **09:10 UTC** Vendor called back"})
    late = incidents.comment_on_incident(world["manager"], number, "The canary would have caught it")
    client = login_as(world["responder"])
    client.post(f"/postmortems/{number}/comments/{late.id}/key", data={"key": "1"})
    response = client.post(f"/postmortems/{number}/key-events", follow_redirects=True)
    assert "Added 1 key event to the timeline." in flashes(response)
    timeline = db.session.get(Postmortem, incident.postmortem.id).timeline
    assert "Vendor called back" in timeline and timeline.endswith("The canary would have caught it")
    response = client.post(f"/postmortems/{number}/key-events", follow_redirects=True)
    assert "already lists every key event" in " ".join(flashes(response))
    assert login_as(world["customer_manager"]).post(f"/postmortems/{number}/key-events").status_code == 404
