"""Which function delivers each channel's deliveries (filled in by each channel's register())."""


class PermanentFailure(Exception):
    """Raised by a deliverer when trying again cannot help (e.g. the recipient is rejected)."""


class RetryLater(Exception):
    """Raised by a deliverer when the far end said when to come back (HTTP 429/503 with Retry-After)."""

    def __init__(self, message, after_seconds: float | None = None):
        super().__init__(message)
        self.after_seconds = after_seconds


DELIVERERS = {}
IDLE_HOOKS = []
FAILURE_HOOKS = {}


def set_deliverer(channel, send):
    """Make send(delivery) the sender for *channel*; raising means the attempt failed."""
    DELIVERERS[channel] = send


def on_failure(channel, hook):
    """Run hook(delivery, error) when a delivery on *channel* fails for good, in the transaction that says so."""
    FAILURE_HOOKS[channel] = hook


def add_idle_hook(hook):
    """Run hook() when the worker has delivered what was due (e.g. close a connection)."""
    if hook not in IDLE_HOOKS:
        IDLE_HOOKS.append(hook)
