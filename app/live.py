"""Pages that update themselves: an ETag per page and viewer, and 304 when nothing changed.

An open page polls a small fragment every LIVE_POLL_SECONDS with If-None-Match; the version is
one cheap query (services/live.py), so an unchanged page never renders anything.
"""
import hashlib

from flask import current_app, make_response, render_template, request
from flask_login import current_user

from app.services.live import list_version, page_version

# Raise when the fragments change shape, so pages open across a deploy fetch the new one.
FORMAT = "1"


def etag(kind: str, version: str) -> str:
    """The ETag of *kind* (a page and its query) at *version*, as the signed-in viewer sees it."""
    viewer = (current_user.id, current_user.role.value, current_user.org_id, current_user.timezone or "")
    text = "|".join(map(str, (FORMAT, kind, version, *viewer)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def query_key() -> str:
    """The query string in a stable order: the same list filtered the same way has the same ETag."""
    return "&".join(f"{k}={v}" for k, v in sorted(request.args.items(multi=True)) if k != "_")


def versioned(read, model):
    """(listing, version) of a list page: *read*() gives the listing, whose rows carry the version.

    A page without rows has no version with it: then the version is taken first, as the live list
    does, and the page read again, so a change between the two reads is never hidden from the poller.
    """
    listing = read()
    version = page_version(listing["page"])
    if version is None:
        version, listing = list_version(current_user, model), read()
    return listing, version


def poller(url: str, tag: str) -> dict:
    """What a page needs to poll *url*: the URL, its ETag now, and the interval (0: not live)."""
    return {"url": url, "etag": tag, "seconds": current_app.config["LIVE_POLL_SECONDS"]}


def fragment(tag: str, template: str, context):
    """304 if the browser has *tag* already, else *template* rendered with *context()*, both with the ETag.

    Without a template the answer is empty: the page only wanted to know that something changed.
    """
    if request.if_none_match.contains(tag):
        response = make_response("", 304)
    elif template is None:
        response = make_response("")
    else:
        response = make_response(render_template(template, oob=True, **context()))
    response.set_etag(tag)
    # Always ask again; only this browser may keep it.
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response
