"""The incident's Slack channel hears when its postmortem draft exists and when it is published."""
import json

from app.models import IncidentStatus
from app.services import incidents, postmortems
from tests.slack.conftest import deliver_slack


def channel_texts(slack_api):
    (channel,) = [cid for cid, c in slack_api.channels.items() if c["name"].startswith("incd-")]
    return [m["text"] for (cid, _), m in slack_api.messages.items() if cid == channel]


def test_draft_and_publication_are_posted_in_the_incident_channel(slack, slack_api, people, db):
    bob = people["bob"]
    incident = incidents.declare_incident(bob, title="Checkout <!everyone> & *down*", severity="sev2")
    for target in ("investigating", "mitigated", "resolved"):
        incidents.transition_incident(bob, incident.number, target)
    deliver_slack()
    # Start postmortem from the button on the pinned summary: the Slack front drafts it too.
    value = json.dumps({"n": incident.number, "from": "resolved", "to": "postmortem"})
    assert slack.press("UBOB", "incident.transition.postmortem", value).status_code == 200
    deliver_slack()
    db.session.expire_all()
    assert incident.status is IncidentStatus.POSTMORTEM and incident.postmortem is not None
    url = f"http://127.0.0.1:5000/postmortems/{incident.number}"
    drafted = [t for t in channel_texts(slack_api) if "postmortem draft" in t]
    assert drafted == [f"A postmortem draft for {incident.reference} is ready, written from the record: "
                       f"<{url}|open the draft>."]

    postmortems.publish_postmortem(people["mia"], incident.number)
    deliver_slack()
    published = [t for t in channel_texts(slack_api) if "published the postmortem" in t]
    assert published == [f"Mia published the postmortem of {incident.reference} "
                         f"_Checkout &lt;!everyone&gt; &amp; *down*_: <{url}|read it>."]
    # Back to draft and published again: a second announcement, not a duplicate of the first.
    postmortems.unpublish_postmortem(people["mia"], incident.number)
    postmortems.publish_postmortem(people["mia"], incident.number)
    deliver_slack()
    assert len([t for t in channel_texts(slack_api) if "published the postmortem" in t]) == 2
