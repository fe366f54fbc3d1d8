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
