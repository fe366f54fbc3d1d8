"""What incident and ticket endpoints share: ETags, If-Match, idempotent creates, JSON answers."""
import hashlib
import json

from flask import jsonify, request

from app.api.auth import current_user
from app.api.problems import PreconditionFailed
from app.services import idempotency

IF_MATCH_DOC = {"If-Match": {"description": "The ETag of the version you read; 412 if it has changed since.",
                             "schema": {"type": "string"}, "required": False}}
IDEMPOTENCY_DOC = {"Idempotency-Key": {"description": "Send the same key again to get the first answer back "
                                                      "instead of creating twice (kept 24 hours).",
                                       "schema": {"type": "string", "maxLength": 255}, "required": False}}


def etag_of(body: dict) -> str:
    """A strong ETag: the hash of the record as the API shows it."""
    data = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(data.encode()).hexdigest()[:32] + '"'


def answer(body, status=200, headers=None, etag=False):
    response = jsonify(body)
    response.status_code = status
    if etag:
        response.headers["ETag"] = etag_of(body)
    response.headers.extend(headers or {})
    return response


def check_if_match(body: dict):
    """Refuse (412) a change sent with If-Match naming a version other than *body*'s."""
    wanted = request.headers.get("If-Match")
    if wanted is None:
        return
    current = etag_of(body)
    tags = [tag.strip() for tag in wanted.split(",")]
    if "*" not in tags and current not in tags:
        raise PreconditionFailed("The record has changed since you read it: fetch it again, then retry.")


def create(make, dump, location_of):
    """Run *make*() once per Idempotency-Key; answer 201 with dump(record) and its Location."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        record = make()
        body = dump(record)
        return answer(body, 201, {"Location": location_of(record)}, etag=True)
    claim = idempotency.claim(current_user(), key, idempotency.fingerprint(
        request.method, request.path, request.get_json(silent=True) if request.is_json else None))
    if claim.status_code is not None:
        return answer(claim.response, claim.status_code,
                      {"Location": claim.location or "", "Idempotent-Replayed": "true"}, etag=True)
    try:
        record = make()
    except BaseException:
        idempotency.release(claim)
        raise
    body, location = dump(record), location_of(record)
    idempotency.finish(claim, 201, body, location)
    return answer(body, 201, {"Location": location}, etag=True)
