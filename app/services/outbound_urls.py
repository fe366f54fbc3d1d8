"""Where Relay may send a request on an admin's say-so: http(s) to public addresses only.

A webhook URL is checked when it is saved and again, after a fresh DNS lookup, just
before each send; the request then goes to the address that was checked (so a name that
resolves elsewhere a moment later cannot steer it into the internal network).
WEBHOOK_ALLOW_PRIVATE lifts the address check for installs whose receivers are internal.
"""
from dataclasses import dataclass
import ipaddress
import socket
from urllib.parse import urlsplit

from app.services.core.errors import ValidationError

URL_MAX = 2000


class HostNotFound(ValidationError):
    """The name did not resolve (maybe for a moment: a send tries again later)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str          # path and query, as sent on the request line
    addresses: tuple   # the checked addresses, in the resolver's order


def _refused(address) -> str | None:
    ip = ipaddress.ip_address(address.split("%")[0])
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_private or getattr(ip, "is_shared", False) or not ip.is_global:
        return "a private or reserved address"
    return None


def check(url, *, allow_private=False, field="url") -> Target:
    """The Target *url* names, or ValidationError saying why Relay will not send there."""
    if not isinstance(url, str) or not url.strip() or len(url) > URL_MAX:
        raise ValidationError({field: f"Enter an http or https URL of at most {URL_MAX} characters."})
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValidationError({field: "That URL cannot be read."})
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({field: "Only http:// and https:// URLs with a host name are allowed."})
    if parts.username or parts.password:
        raise ValidationError({field: "Put no user name or password in the URL; the payload is signed instead."})
    if any(ord(c) < 33 or ord(c) == 127 for c in url.strip()):
        raise ValidationError({field: "The URL must not contain spaces or control characters."})
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise HostNotFound({field: f"The host {parts.hostname} cannot be found."})
    addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
    if not allow_private:
        for address in addresses:
            reason = _refused(address)
            if reason:
                raise ValidationError({field: f"{parts.hostname} is {reason} ({address}); Relay sends webhooks "
                                              "only to public addresses (WEBHOOK_ALLOW_PRIVATE allows others)."})
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path, addresses)
