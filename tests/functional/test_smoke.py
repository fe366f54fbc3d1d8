from app.models import IncidentStatus


def test_walk_an_incident_to_closed(factory, login_as, client):
    manager = factory.user("manager")
    login_as(manager)
    response = client.post("/incidents/new", data={"title": "DB down", "severity": "sev1"})
    assert response.status_code == 302
    for target in ["investigating", "mitigated", "resolved", "postmortem", "closed"]:
        client.post("/incidents/1/transition", data={"target": target})
    page = client.get("/incidents/1").get_data(as_text=True)
    assert IncidentStatus.CLOSED.label in page
