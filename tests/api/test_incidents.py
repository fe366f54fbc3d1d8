"""Incidents over the API: the same rules as the web, through the same services."""
import io

import pytest

from app.models import Incident, IncidentStatus, Role, Severity


@pytest.fixture
def responder(factory):
    return factory.user(Role.RESPONDER)


@pytest.fixture
def api(api_as, responder):
    return api_as(responder)


def declare(api, **fields):
    response = api.post("/api/v1/incidents", json={"title": "Checkout down", "severity": "sev1", **fields})
    assert response.status_code == 201, response.json
    return response


def test_declare_read_edit_move_assign_comment(api, responder, db):
    created = declare(api, description="500s on /pay")
    body = created.json
    assert created.headers["Location"] == f"/api/v1/incidents/{body['number']}"
    assert body["reference"] == f"INC-{body['number']}" and body["status"] == "detected"
    got = api.get(created.headers["Location"])
    assert got.json == body and got.headers["ETag"] == created.headers["ETag"]
    edited = api.patch(created.headers["Location"], json={"severity": "sev2"})
    assert edited.status_code == 200 and edited.json["severity"] == "sev2"
    moved = api.post(f"{created.headers['Location']}/transitions", json={"status": "investigating"})
    assert moved.status_code == 200 and moved.json["acknowledged_at"] is not None
    assigned = api.put(f"{created.headers['Location']}/assignee", json={"assignee_id": responder.id})
    assert assigned.json["assignee"] == {"id": responder.id, "display_name": responder.display_name}
    comment = api.post(f"{created.headers['Location']}/comments", json={"body": "Rolled back"})
    assert comment.status_code == 201 and comment.json["author"]["id"] == responder.id
    assert [c["body"] for c in api.get(f"{created.headers['Location']}/comments").json["items"]] == ["Rolled back"]
    actions = [(e["action"], e["source"]) for e in api.get(f"{created.headers['Location']}/timeline").json["items"]]
    assert actions == [("declared", "api"), ("edited", "api"), ("status_changed", "api"), ("assigned", "api"),
                       ("commented", "api")]


def test_a_move_the_lifecycle_refuses_is_409(api):
    location = declare(api).headers["Location"]
    response = api.post(f"{location}/transitions", json={"status": "closed"})
    assert response.status_code == 403  # a responder may not close as false alarm
    response = api.post(f"{location}/transitions", json={"status": "resolved"})
    assert response.status_code == 409 and "cannot move" in response.json["detail"]


def test_if_match_refuses_a_stale_edit_with_412(api):
    created = declare(api)
    location, etag = created.headers["Location"], created.headers["ETag"]
    assert api.patch(location, json={"title": "Renamed"}, headers={"If-Match": etag}).status_code == 200
    stale = api.post(f"{location}/transitions", json={"status": "investigating"}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    assert api.get(location).json["status"] == "detected"
    fresh = api.get(location).headers["ETag"]
    assert api.post(f"{location}/transitions", json={"status": "investigating"},
                    headers={"If-Match": fresh}).status_code == 200
    assert api.patch(location, json={"title": "Any"}, headers={"If-Match": "*"}).status_code == 200


@pytest.mark.parametrize("body, field", [
    ({}, "title"),
    ({"title": "x"}, "severity"),
    ({"title": "x", "severity": "sev9"}, "severity"),
    ({"title": "", "severity": "sev1"}, "title"),
    ({"title": "x" * 201, "severity": "sev1"}, "title"),
    ({"title": "a\x00b", "severity": "sev1"}, "title"),
    ({"title": "ok", "severity": "sev1", "description": "x" * 20_001}, "description"),
    ({"title": "ok", "severity": "sev1", "product_area_id": 99999}, "product_area_id"),
    ({"title": "ok", "severity": "sev1", "product_area_id": "one"}, "product_area_id"),
    ({"title": "ok", "severity": "sev1", "commander_id": 2**40}, "commander_id"),
    ({"title": "ok", "severity": "sev1", "surprise": 1}, "surprise"),
    ({"title": ["list"], "severity": "sev1"}, "title"),
])
def test_bad_bodies_are_422_with_the_field(api, db, body, field):
    response = api.post("/api/v1/incidents", json=body)
    assert response.status_code == 422, response.json
    assert response.mimetype == "application/problem+json" and field in response.json["errors"]
    assert db.session.query(Incident).count() == 0


@pytest.mark.parametrize("data, content_type", [
    (b"{not json", "application/json"), (b"\xff\xfe", "application/json"), (b"[1, 2]", "application/json"),
    (b"title=x", "application/x-www-form-urlencoded"), (b"", None),
])
def test_bodies_that_are_not_a_json_object_are_refused(api, data, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = api.open("/api/v1/incidents", "POST", data=data, headers=headers)
    assert response.status_code in (400, 415, 422) and response.mimetype == "application/problem+json"


def test_an_oversized_body_is_413(api):
    response = api.post("/api/v1/incidents", json={"title": "x", "severity": "sev1", "description": "y" * 2_000_000})
    assert response.status_code == 413 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("query", ["status=gone", "severity=9", "limit=0", "limit=101", "limit=x", "cursor=%%%",
                                   "cursor=aWQ6LTE", "q=" + "a%00b", "assignee_id=-1", "sort=random",
                                   "severty=sev1"])
def test_bad_list_queries_are_422(api, query):
    response = api.get(f"/api/v1/incidents?{query}")
    assert response.status_code == 422, (query, response.json)
    assert response.json["errors"]


def test_unknown_urls_and_methods_are_problems(api):
    assert api.get("/api/v1/nothing").json["status"] == 404
    response = api.open("/api/v1/incidents", "PUT")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    assert api.get("/api/v1/incidents/99999").status_code == 404
    assert api.get("/api/v1/incidents/0").status_code == 404


def test_list_filters_are_the_webs(api, factory, responder):
    area = factory.product_area()
    factory.incident(org=responder.org, severity=Severity.SEV1, title="Payments broken", product_area=area)
    factory.incident(org=responder.org, severity=Severity.SEV3, title="Typo", status=IncidentStatus.RESOLVED)
    titles = lambda q: [i["title"] for i in api.get(f"/api/v1/incidents?{q}").json["items"]]
    assert titles("severity=sev1") == ["Payments broken"]
    assert titles("status=open") == ["Payments broken"]
    assert titles("status=resolved") == ["Typo"]
    assert titles(f"product_area_id={area.id}") == ["Payments broken"]
    assert titles("q=payments") == ["Payments broken"]
    assert titles("sort=oldest") == ["Payments broken", "Typo"]


def test_cursor_pages_stay_stable_while_incidents_are_added(api, factory, responder):
    numbers = [factory.incident(org=responder.org).number for _ in range(7)]
    first = api.get("/api/v1/incidents?limit=3").json
    assert [i["number"] for i in first["items"]] == numbers[::-1][:3]
    for _ in range(4):  # newer incidents arrive between pages
        factory.incident(org=responder.org)
    seen = [i["number"] for i in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = api.get(f"/api/v1/incidents?limit=3&cursor={cursor}").json
        seen += [i["number"] for i in page["items"]]
        cursor = page["next_cursor"]
    assert seen == numbers[::-1]  # every one once, none twice, none skipped


def test_attachments_upload_and_download(api):
    location = declare(api).headers["Location"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    uploaded = api.open(f"{location}/attachments", "POST", data={"file": (io.BytesIO(png), "shot.png")},
                        content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.json
    assert uploaded.json["content_type"] == "image/png" and uploaded.json["size"] == len(png)
    download = api.get(uploaded.headers["Location"])
    assert download.status_code == 200 and download.data == png
    listed = api.get(f"{location}/attachments").json["items"]
    assert [a["filename"] for a in listed] == ["shot.png"]
    refused = api.open(f"{location}/attachments", "POST", data={"file": (io.BytesIO(b"MZ\x90\x00"), "x.exe")},
                       content_type="multipart/form-data")
    assert refused.status_code == 422
    missing = api.open(f"{location}/attachments", "POST", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.json["errors"]


def test_an_attachment_is_reached_only_through_its_own_record(api):
    first, second = declare(api).headers["Location"], declare(api).headers["Location"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    attachment = api.open(f"{first}/attachments", "POST", data={"file": (io.BytesIO(png), "a.png")},
                          content_type="multipart/form-data").json
    assert api.get(f"{second}/attachments/{attachment['id']}").status_code == 404


def test_only_admins_delete(api_as, factory, responder):
    incident = factory.incident(org=responder.org)
    assert api_as(responder).delete(f"/api/v1/incidents/{incident.number}").status_code == 403
    assert api_as(factory.user(Role.ADMIN)).delete(f"/api/v1/incidents/{incident.number}").status_code == 204


def test_a_list_row_is_the_incident_as_get_shows_it(api, factory, responder, db):
    from datetime import datetime

    area = factory.product_area(name="Payments")
    full = factory.incident(org=responder.org, product_area=area, commander=responder, assignee=responder,
                            status=IncidentStatus.CLOSED, acknowledged_at=datetime(2026, 1, 2, 3, 4, 5),
                            resolved_at=datetime(2026, 1, 2, 5, 0, 0, 1), closed_at=datetime(2026, 1, 3))
    bare = factory.incident(org=responder.org, description="**md**")
    listed = {i["number"]: i for i in api.get("/api/v1/incidents").json["items"]}
    for incident in (full, bare):
        assert listed[incident.number] == api.get(f"/api/v1/incidents/{incident.number}").json
