"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives.

Use the `smtp_server` fixture (tests/conftest.py): it starts a server on an
ephemeral port and points the app's MAIL_SERVER/MAIL_PORT at it.
"""
import asyncio
from email import message_from_bytes, policy
import threading

from aiosmtpd.controller import Controller


class Handler:
    """Keeps every message; refuses addresses in `rejected`; can take `delay` seconds per message.

    `most_at_once` is the largest number of messages that were being received at the same time.
    """

    def __init__(self):
        self.messages = []
        self.rejected = set()
        self.delay = 0.0
        self.lock = threading.Lock()
        self.at_once = self.most_at_once = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.rejected:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.at_once += 1  # handlers all run on the server's one event loop thread
        self.most_at_once = max(self.most_at_once, self.at_once)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
        finally:
            self.at_once -= 1
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            for address in envelope.rcpt_tos:
                self.messages.append((address.lower(), message))
        return "250 Message accepted for delivery"


class EphemeralController(Controller):
    """aiosmtpd's controller, able to listen on port 0 (learns the real port once bound)."""

    def _trigger_server(self):
        if not self.port:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SMTPServer:
    """A loopback SMTP server that can be stopped and started again on the same port."""

    def __init__(self):
        self.handler = Handler()
        self.host = "127.0.0.1"
        self.port = 0
        self.controller = None

    def start(self):
        self.controller = EphemeralController(self.handler, hostname=self.host, port=self.port)
        self.controller.start()
        self.port = self.controller.port
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def running(self):
        return self.controller is not None

    @property
    def messages(self):
        with self.handler.lock:
            return list(self.handler.messages)

    def to(self, address):
        """Messages received for *address*."""
        return [message for rcpt, message in self.messages if rcpt == address.lower()]

    def recipients(self):
        return sorted(rcpt for rcpt, _ in self.messages)

    def reject(self, address):
        self.handler.rejected.add(address.lower())

    def slow_down(self, seconds):
        self.handler.delay = seconds


def body_of(message, subtype="plain"):
    """The text (or html) part of a received message."""
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""
