"""The tickets channel's hourly pinned list: posted and pinned once, edited in place, unpinned when empty."""
from datetime import datetime, timedelta
import threading

import pytest
import time_machine
from sqlalchemy import func, select

from app.extensions import db as _db
from app.jobs.scheduler import run_due_jobs
from app.models import Delivery, DeliveryState, JobRun, Priority, SlackPin, TicketStatus
from app.services import tickets
from tests.slack.conftest import TICKETS_CHANNEL, deliver_slack

MONDAY = datetime(2026, 11, 30, 9, 30)
HEADER = "Open high and critical tickets"


@pytest.fixture
def clock(db, factory):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        factory.provider().created_at = datetime(2026, 1, 1)  # installed long before these hours
        db.session.commit()
        yield traveller


def pin_posts(slack_api):
    return [{**args, "ts": ts} for ts, args in slack_api.posted(TICKETS_CHANNEL) if args["text"].startswith(HEADER)]


def shown(slack_api):
    """The text of the pinned list as it stands in the stand-in's channel."""
    pin = _db.session.scalar(select(SlackPin).where(SlackPin.name == "tickets"))
    return str(slack_api.messages[(TICKETS_CHANNEL, pin.ts)]["blocks"]) if pin and pin.ts else None


def resolve(people, ticket):
    if ticket.status == TicketStatus.OPEN:
        tickets.transition_ticket(people["mia"], ticket.number, "in_progress")
    tickets.resolve_ticket(people["mia"], ticket.number, "Fixed")


def hour(clock, hours):
    clock.move_to(MONDAY + timedelta(hours=hours))
    assert "tickets_pin" in run_due_jobs()
    deliver_slack()


@pytest.fixture
def urgent(db, factory, people):
    acme = factory.org("Acme")
    return {
        "checkout": factory.ticket(title="Checkout <!channel> fails", priority=Priority.CRITICAL,
                                   assignee_id=people["bob"].id, org=acme),
        "export": factory.ticket(title="Export slow", priority=Priority.HIGH, status=TicketStatus.IN_PROGRESS),
        "typo": factory.ticket(title="Typo on the footer", priority=Priority.LOW),
    }


def test_the_list_is_posted_and_pinned_then_edited_in_place_every_hour(db, clock, slack_api, people, urgent):
    hour(clock, 0)
    [post] = pin_posts(slack_api)
    pin = db.session.scalar(select(SlackPin))
    assert (pin.channel, pin.ts, pin.pinned) == (TICKETS_CHANNEL, post["ts"], True)
    assert (TICKETS_CHANNEL, pin.ts) in slack_api.pins
    blocks = str(post["blocks"])
    assert post["text"] == f"{HEADER}: 2"
    # Every organization's tickets, most urgent first, with priority, assignee and SLA state; user text escaped.
    assert blocks.index(urgent["checkout"].reference) < blocks.index(urgent["export"].reference)
    assert "Typo" not in blocks and "<!channel>" not in blocks and "&lt;!channel&gt;" in blocks
    assert ":red_circle: Critical" in blocks and "Bob" in blocks and "_unassigned_" in blocks and "SLA:" in blocks

    hour(clock, 1)
    assert len(pin_posts(slack_api)) == 1                      # not posted again
    edits = [c for c in slack_api.succeeded("chat.update") if c["ts"] == pin.ts]
    assert len(edits) == 1 and edits[0]["text"] == f"{HEADER}: 2"
    run_due_jobs(MONDAY + timedelta(hours=1, minutes=20))      # the same hour: nothing more
    deliver_slack()
    assert len([c for c in slack_api.succeeded("chat.update") if c["ts"] == pin.ts]) == 1


def test_a_resolved_ticket_drops_off_and_an_empty_list_is_unpinned_then_pinned_anew(db, clock, slack_api, people,
                                                                                    urgent):
    hour(clock, 0)
    first = db.session.scalar(select(SlackPin)).ts
    resolve(people, urgent["checkout"])
    hour(clock, 1)
    assert urgent["checkout"].reference not in shown(slack_api) and urgent["export"].reference in shown(slack_api)

    resolve(people, urgent["export"])
    hour(clock, 2)
    pin = db.session.scalar(select(SlackPin))
    assert pin.ts is None and not pin.pinned and slack_api.pins == set()
    # While empty the channel shows the last list, unpinned, saying there is nothing high or critical open.
    assert "No open high or critical tickets" in str(slack_api.messages[(TICKETS_CHANNEL, first)]["blocks"])
    hour(clock, 3)
    assert len(slack_api.succeeded("pins.remove")) == 1 and len(pin_posts(slack_api)) == 1  # quiet while empty

    tickets.reopen_ticket(people["mia"], urgent["export"].number)
    hour(clock, 4)
    [_, second] = pin_posts(slack_api)
    db.session.refresh(pin)
    assert pin.ts == second["ts"] != first and slack_api.pins == {(TICKETS_CHANNEL, second["ts"])}


@pytest.mark.parametrize("how", ["deleted", "cant_update_message"])
def test_a_list_deleted_in_slack_is_posted_and_pinned_again(db, clock, slack_api, people, urgent, how):
    hour(clock, 0)
    old = db.session.scalar(select(SlackPin)).ts
    if how == "deleted":
        slack_api.delete_message(TICKETS_CHANNEL, old)
    else:
        slack_api.fail("chat.update", "cant_update_message")
    hour(clock, 1)
    posts = pin_posts(slack_api)
    assert len(posts) == 2 and posts[1]["ts"] != old
    assert db.session.scalar(select(SlackPin)).ts == posts[1]["ts"]
    assert (TICKETS_CHANNEL, posts[1]["ts"]) in slack_api.pins
    assert db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.state != DeliveryState.DELIVERED)) == 0


def test_slack_errors_are_retried_without_posting_twice(db, clock, slack_api, people, urgent):
    slack_api.fail("pins.add", "internal_error", times=2)   # the message is posted, pinning fails twice
    clock.move_to(MONDAY)
    run_due_jobs()
    deliver_slack()
    delivery = db.session.scalar(select(Delivery).where(Delivery.kind == "pin.tickets"))
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 3
    assert len(pin_posts(slack_api)) == 1 and len(slack_api.calls_to("pins.add")) == 3
    pin = db.session.scalar(select(SlackPin))
    assert pin.pinned and (TICKETS_CHANNEL, pin.ts) in slack_api.pins


def test_the_stored_message_is_found_after_a_restart(app, db, clock, slack_api, people, urgent):
    hour(clock, 0)
    ts = db.session.scalar(select(SlackPin)).ts
    db.session.remove()
    db.engine.dispose()   # a new process: nothing in memory, only the database
    hour(clock, 1)
    assert len(pin_posts(slack_api)) == 1
    assert [c["ts"] for c in slack_api.succeeded("chat.update")] == [ts]


def test_two_workers_show_the_list_once_per_hour(app, db, clock, slack_api, people, urgent):
    barrier = threading.Barrier(2)
    ran, errors = [], []

    def worker():
        with app.app_context():
            try:
                barrier.wait()
                ran.append(run_due_jobs(MONDAY))
            except Exception as error:  # surfaced below
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and sum(names.count("tickets_pin") for names in ran) == 1
    assert db.session.scalar(select(func.count()).select_from(JobRun).where(JobRun.job == "tickets_pin")) == 1
    assert db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.kind == "pin.tickets")) == 1
    deliver_slack()
    assert len(pin_posts(slack_api)) == 1


def test_without_slack_or_a_tickets_channel_nothing_is_queued(app, db, clock, slack_api, people, urgent):
    app.config["SLACK_TICKETS_CHANNEL"] = None
    clock.move_to(MONDAY)
    assert "tickets_pin" in run_due_jobs()
    assert db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.kind == "pin.tickets")) == 0
