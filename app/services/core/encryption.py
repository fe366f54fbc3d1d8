"""Secrets at rest: Fernet tokens under RELAY_ENCRYPTION_KEYS (the first key encrypts, all of them decrypt).

Outside development and testing Relay stores no secret without a key of its own; in
development and testing a key derived from SECRET_KEY stands in, so a trial needs no setup.
"""
import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

from app.services.core.errors import DomainError

NO_KEY = ("Relay cannot store secrets yet: set RELAY_ENCRYPTION_KEYS to a Fernet key "
          "(python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\") "
          "and restart Relay.")


class SecretUnreadable(DomainError):
    """A stored secret was encrypted with a key Relay no longer has."""


def parse_keys(value) -> list[bytes]:
    """The Fernet keys in a comma-separated RELAY_ENCRYPTION_KEYS value; ValueError names a bad one."""
    keys = []
    for n, part in enumerate((value or "").split(","), start=1):
        part = part.strip()
        if not part:
            continue
        try:
            Fernet(part.encode())
        except (ValueError, TypeError):
            raise ValueError(f"RELAY_ENCRYPTION_KEYS: key {n} is not a Fernet key (32 url-safe base64 bytes).")
        keys.append(part.encode())
    return keys


def _fernet() -> MultiFernet | None:
    config = current_app.config
    keys = parse_keys(config.get("RELAY_ENCRYPTION_KEYS"))
    if not keys and config.get("ENV_NAME") in ("development", "testing"):
        digest = hashlib.sha256(b"relay-development-encryption:" + str(config["SECRET_KEY"]).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest)]
    return MultiFernet([Fernet(key) for key in keys]) if keys else None


def can_encrypt() -> bool:
    return _fernet() is not None


def encrypt(plaintext: str) -> str:
    """A token for *plaintext*, or DomainError when Relay has no key to encrypt with."""
    fernet = _fernet()
    if fernet is None:
        raise DomainError(NO_KEY)
    return fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    fernet = _fernet()
    if fernet is None:
        raise SecretUnreadable(NO_KEY)
    try:
        return fernet.decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise SecretUnreadable("A stored secret cannot be read with the keys in RELAY_ENCRYPTION_KEYS "
                               "(was the key it was saved with removed?). Save it again.")


def rotate(token: str) -> str:
    """*token* re-encrypted under the first key (it must decrypt with one of them)."""
    fernet = _fernet()
    if fernet is None:
        raise SecretUnreadable(NO_KEY)
    try:
        return fernet.rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        raise SecretUnreadable("A stored secret cannot be read with the keys in RELAY_ENCRYPTION_KEYS.")


def last4(secret: str | None) -> str:
    """How a saved secret is shown: its last four characters only."""
    return f"…{secret[-4:]}" if secret else "—"
