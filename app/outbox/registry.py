"""Which function delivers each channel's deliveries (filled in by each channel's register())."""


class PermanentFailure(Exception):
    """Raised by a deliverer when trying again cannot help (e.g. the recipient is rejected)."""


DELIVERERS = {}
IDLE_HOOKS = []


def set_deliverer(channel, send):
    """Make send(delivery) the sender for *channel*; raising means the attempt failed."""
    DELIVERERS[channel] = send


def add_idle_hook(hook):
    """Run hook() when the worker has delivered what was due (e.g. close a connection)."""
    if hook not in IDLE_HOOKS:
        IDLE_HOOKS.append(hook)
