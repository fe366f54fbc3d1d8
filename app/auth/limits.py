"""Sign-in limits: failed attempts counted per address and per account, in shared storage."""
import hashlib

from flask import current_app, request

from app.extensions import limiter
from app.models import User


def address_key():
    return f"{current_app.config['LOGIN_LIMIT_KEY_PREFIX']}:login-address:{request.remote_addr or 'unknown'}"


def account_key():
    """The account being tried, whatever address it is tried from (hashed: any input makes a short key)."""
    email = request.form.get("email") or ""
    digest = hashlib.sha256(User.normalize_email(email).encode("utf-8", "replace")).hexdigest()
    return f"{current_app.config['LOGIN_LIMIT_KEY_PREFIX']}:login-account:{digest}"


def failed(response):
    """Only a failed sign-in counts: success is a redirect, a refusal shows the form again."""
    return response.status_code != 302


# Spraying many accounts from one address trips the first; one account from many addresses, the second.
per_address = limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"], methods=["POST"],
                            key_func=address_key, deduct_when=failed)
per_account = limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
                            key_func=account_key, deduct_when=failed)
