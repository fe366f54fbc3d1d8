"""Fetching a file someone gave Relay in a Slack form, and storing it as an attachment."""
import io
from urllib.parse import urlsplit
import urllib.request

from flask import current_app
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import Source, Ticket, User
from app.outbox.registry import PermanentFailure
from app.services.attachments import add_attachment
from app.services.core.errors import DomainError

# The bot token goes only to Slack's own file host (or the host of SLACK_API_URL, for a stand-in).
FILE_HOSTS = {"files.slack.com"}


def _download(url, max_bytes):
    host = urlsplit(url).hostname
    if host not in FILE_HOSTS | {urlsplit(current_app.config["SLACK_API_URL"]).hostname}:
        raise PermanentFailure(f"refusing to send the bot token to {host}")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {current_app.config['SLACK_BOT_TOKEN']}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read(max_bytes + 1)


def fetch_file(client, payload):
    """Download a Slack file (found through files.info) and attach it to the ticket."""
    ticket, actor = db.session.get(Ticket, payload["ticket_id"]), db.session.get(User, payload["actor_id"])
    if ticket is None or actor is None:
        raise PermanentFailure("the ticket or its reporter no longer exists")
    info = client.files_info(file=payload["file_id"])["file"]
    data = _download(info["url_private_download"], current_app.config["MAX_ATTACHMENT_BYTES"])
    try:
        add_attachment(actor, ticket, FileStorage(io.BytesIO(data), filename=info.get("name") or "screenshot"),
                       source=Source.SLACK)
    except DomainError as error:
        raise PermanentFailure(f"the file was refused: {error.message}") from error
