"""The three URLs Slack calls; each checks the signature, parses, and hands over to a handler."""
import json

from flask import jsonify, request

from app.extensions import csrf
from app.slack import bp, commands, events, interactions
from app.slack.forms import BadPayload
from app.slack.verify import slack_request

csrf.exempt(bp)


def _reply(body):
    """Slack wants 200 with an empty body for "done", or a JSON answer."""
    return ("", 200) if body is None else jsonify(body)


@bp.post("/commands")
@slack_request
def command():
    return _reply(commands.dispatch(request.form))


@bp.post("/interactions")
@slack_request
def interaction():
    try:
        payload = json.loads(request.form.get("payload") or "")
        return _reply(interactions.dispatch(payload))
    except (ValueError, BadPayload) as error:
        message = str(error) if isinstance(error, BadPayload) else "The payload is not JSON."
        return jsonify(error=message), 400


@bp.post("/events")
@slack_request
def event():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="The event body is not a JSON object."), 400
    return _reply(events.dispatch(body))
