"""Checking X-PagerDuty-Signature: any v1= entry against any of the organization's secrets."""
import hashlib
import hmac
import re

SIGNATURE = re.compile(r"v1=[0-9a-f]{64}", re.ASCII)
MAX_ENTRIES = 10


def signature_problem(body: bytes, header, secrets) -> str | None:
    """What is wrong with a webhook's signature, or None when one v1= entry matches one secret."""
    if not header or not isinstance(header, str) or len(header) > 2000:
        return "no signature"
    entries = [part.strip() for part in header.split(",")][:MAX_ENTRIES]
    signatures = [entry for entry in entries if SIGNATURE.fullmatch(entry)]
    if not signatures:
        return "no v1 signature"
    if not secrets:
        return "no signing secret is saved for this organization"
    expected = ["v1=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest() for secret in secrets]
    if any(hmac.compare_digest(e, s) for e in expected for s in signatures):
        return None
    return "signature does not match"
