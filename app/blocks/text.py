"""One escaper for everything Relay writes into Slack text (mrkdwn and message fallbacks)."""
import re

_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")


def escape(text, limit: int | None = None) -> str:
    """*text* with `&`, `<` and `>` escaped as Slack asks, so `<!everyone>` or `<url|label>` stays inert.

    With *limit*, the escaped text is cut to at most that many characters, never inside an entity.
    """
    if text is None:
        return ""
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if limit is not None and len(escaped) > limit:
        escaped = _PARTIAL_ENTITY.sub("", escaped[:limit])
    return escaped
