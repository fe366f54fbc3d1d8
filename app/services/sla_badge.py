"""How an SLA state reads in a list, on a card or in Slack: "due in 12m", "at risk", "breached 3h ago", "met"."""
from dataclasses import dataclass
from datetime import datetime

from app.models import SlaState


@dataclass(frozen=True)
class Badge:
    text: str
    colour: str    # a Bootstrap colour name
    icon: str      # a Bootstrap icon, so colour is never the only cue
    emoji: str     # the same for Slack


def span(seconds: float) -> str:
    """12m, 3h, 3h 20m, 2d 4h: short enough for a badge."""
    minutes = max(int(seconds // 60), 0)
    if minutes < 1:
        return "<1m"
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes}m" if minutes and hours < 10 else f"{hours}h"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h" if hours else f"{days}d"


def badge(state: SlaState | None, due_at: datetime | None, now: datetime) -> Badge | None:
    """The badge for a stored state and deadline, read at *now* (a deadline just passed shows as breached)."""
    if state is None:
        return None
    if state in (SlaState.ON_TRACK, SlaState.AT_RISK) and due_at is not None and due_at <= now:
        state = SlaState.BREACHED
    if state == SlaState.MET:
        return Badge("met", "secondary", "check2-circle", ":white_check_mark:")
    if state == SlaState.BREACHED:
        text = f"breached {span((now - due_at).total_seconds())} ago" if due_at and due_at <= now else "breached"
        return Badge(text, "danger", "exclamation-octagon", ":red_circle:")
    if due_at is None:
        return Badge("paused", "info", "pause-circle", ":double_vertical_bar:")
    left = span((due_at - now).total_seconds())
    if state == SlaState.AT_RISK:
        return Badge(f"at risk · due in {left}", "warning", "hourglass-split", ":large_yellow_circle:")
    return Badge(f"due in {left}", "success", "clock", ":large_green_circle:")


def badge_of(record, now: datetime) -> Badge | None:
    return badge(record.sla_state, record.sla_due_at, now)
