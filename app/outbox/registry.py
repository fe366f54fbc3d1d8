"""Which function delivers each channel's deliveries."""


class PermanentFailure(Exception):
    """Raised by a deliverer when trying again cannot help (e.g. the recipient is rejected)."""


DELIVERERS = {}


def deliverer(channel):
    """Register fn(delivery) as the sender for *channel*; raising means the attempt failed."""

    def decorator(fn):
        DELIVERERS[channel] = fn
        return fn

    return decorator


IDLE_HOOKS = []


def when_idle(fn):
    """Register fn() to run when the worker has delivered what was due (e.g. close a connection)."""
    IDLE_HOOKS.append(fn)
    return fn
