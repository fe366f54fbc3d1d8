"""Slack text: one escaper for everything users wrote, and dates shown in the reader's own terms."""
import calendar
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


def person(user) -> str:
    """A Slack mention for a linked user, else their escaped name; `_nobody_` for no one."""
    if user is None:
        return "_nobody_"
    return f"<@{user.slack_user_id}>" if user.slack_user_id else escape(user.display_name)


def slack_date(moment) -> str:
    """*moment* (naive UTC) as Slack's `<!date^...>`: the day of the week and time in each reader's zone."""
    if moment is None:
        return "—"
    stamp = calendar.timegm(moment.timetuple())
    return f"<!date^{stamp}^{{date_long_pretty}} at {{time}}|{moment:%a %Y-%m-%d %H:%M} UTC>"
