"""End to end over HTTP: /incident, the modal, the channel and posts, then changes from the web and Slack."""
import json
from urllib.parse import urlencode

from app.models import Incident
from tests.slack.conftest import INCIDENTS_CHANNEL, deliver_slack, http_post, select_value, text_value, user_value


def summary_of(slack_api, channel):
    """The (channel, ts) of the first message posted in *channel*."""
    return next(key for key in slack_api.messages if key[0] == channel)


def test_incident_from_slack_to_web_and_back(live_app, slack_api, people, db, login_as):  # noqa: F811
    status, _ = http_post(f"{live_app}/slack/commands", urlencode(
        {"command": "/incident", "text": "", "user_id": "UALICE", "trigger_id": "T-1", "channel_id": "CGEN"}))
    assert status == 200
    view = slack_api.calls_to("views.open")[0]["view"]
    submission = {"type": "view_submission", "user": {"id": "UALICE"}, "view": {
        "id": "V-1", "callback_id": view["callback_id"], "state": {"values": {
            "title": text_value("Checkout is down"), "description": text_value(""),
            "severity": select_value("sev1"), "product_area": select_value(str(people["area"].id)),
            "commander": user_value("UBOB")}}}}
    status, body = http_post(f"{live_app}/slack/interactions", urlencode({"payload": json.dumps(submission)}))
    assert (status, body) == (200, "")

    deliver_slack()
    (created,) = slack_api.calls_to("conversations.create")
    assert created["name"] == "incd-1"
    channel = next(cid for cid, c in slack_api.channels.items() if c["name"] == "incd-1")
    assert {"UALICE", "UBOB", "UOLGA"} <= slack_api.channels[channel]["members"]
    summary = summary_of(slack_api, channel)
    assert summary in slack_api.pins
    assert "INC-1: Checkout is down" in json.dumps(slack_api.messages[summary]["blocks"])
    headline = summary_of(slack_api, INCIDENTS_CHANNEL)
    assert "INC-1" in slack_api.messages[headline]["text"]
    dms = {p["channel"] for p in slack_api.calls_to("chat.postMessage") if p["channel"].startswith("U")}
    assert dms == {"UBOB", "UOLGA"}
    buttons = [e["text"]["text"] for b in slack_api.messages[summary]["blocks"] if b["type"] == "actions"
               for e in b["elements"]]
    assert buttons == ["Acknowledge", "Close as false alarm", "Assign to me", "Escalate", "Open in Relay"]

    # A change on the web updates the same two messages in place and adds one line.
    slack_api.calls.clear()
    web = login_as(people["bob"])
    web.post("/incidents/1/transition", data={"target": "investigating", "expected_status": "detected"})
    deliver_slack()
    updates = {(u["channel"], u["ts"]) for u in slack_api.calls_to("chat.update")}
    assert updates == {summary, headline}
    assert "Investigating" in slack_api.messages[summary]["text"]
    (line,) = slack_api.calls_to("chat.postMessage")
    assert line["channel"] == channel and "Detected to Investigating" in line["text"]
    assert "pins.add" not in slack_api.methods()

    # A Slack button shows on the web.
    press = {"type": "block_actions", "user": {"id": "UBOB"}, "channel": {"id": channel},
             "response_url": slack_api.response_url(), "actions": [
                 {"action_id": "incident.transition.mitigated", "type": "button",
                  "value": json.dumps({"n": 1, "from": "investigating", "to": "mitigated"})}]}
    assert http_post(f"{live_app}/slack/interactions", urlencode({"payload": json.dumps(press)}))[0] == 200
    page = web.get("/incidents/1").get_data(as_text=True)
    assert "Mitigated" in page and "slack" in page.lower()
    db.session.expire_all()
    assert db.session.get(Incident, 1).status.value == "mitigated"
    deliver_slack()
    assert "Mitigated" in slack_api.messages[summary]["text"]
