"""The worker against a real SMTP server on loopback: retries, failures, ordering, leases, many workers."""
from datetime import timedelta
import threading

import pytest
from sqlalchemy import select

from app.models import Delivery, DeliveryState
from app.models.base import utcnow
from app.outbox import enqueue
from app.outbox.delivery import attempt, backoff, claim, deliver_due, retry

LATER = timedelta(days=2)  # far enough that every backoff has run out


def mail(db, recipient, key, subject="Hello", ordering_key=None):
    delivery = enqueue("email", "test.mail", recipient, {"subject": subject, "text": f"Body for {key}",
                       "html": f"<p>Body for {key}</p>"}, dedup_key=key, ordering_key=ordering_key)
    db.session.commit()
    return delivery.id


def states(db):
    return {d.recipient: d.state for d in db.session.scalars(select(Delivery))}


def test_delivers_once_over_smtp(db, smtp_server):
    mail(db, "ann@example.com", "k1", subject="Ping")
    assert deliver_due() == 1
    assert deliver_due() == 0
    [message] = smtp_server.to("ann@example.com")
    assert message["Subject"] == "Ping"
    assert message.get_body(preferencelist=("html",)).get_content().strip() == "<p>Body for k1</p>"
    delivery = db.session.scalar(select(Delivery))
    assert delivery.state is DeliveryState.DELIVERED and delivery.delivered_at and delivery.attempts == 1


def test_enqueue_twice_with_one_key_sends_once(db, smtp_server):
    mail(db, "ann@example.com", "same")
    mail(db, "ann@example.com", "same")
    deliver_due()
    assert len(smtp_server.messages) == 1


def test_smtp_down_then_back_every_message_arrives_exactly_once(db, smtp_server):
    smtp_server.stop()
    for n in range(5):
        mail(db, f"user{n}@example.com", f"down-{n}")
    assert deliver_due() == 5
    for delivery in db.session.scalars(select(Delivery)):
        assert delivery.state is DeliveryState.PENDING and delivery.attempts == 1
        assert delivery.last_error and delivery.next_attempt_at > utcnow()
    assert deliver_due() == 0  # nothing is due until the backoff runs out
    deliver_due(now=utcnow() + LATER)  # still down: a second failed round
    smtp_server.start()
    assert deliver_due(now=utcnow() + 2 * LATER) == 5
    assert smtp_server.recipients() == [f"user{n}@example.com" for n in range(5)]
    assert set(states(db).values()) == {DeliveryState.DELIVERED}
    assert deliver_due(now=utcnow() + 3 * LATER) == 0


def test_rejected_recipient_fails_visibly_and_the_others_go_on(db, smtp_server):
    smtp_server.reject("nobody@example.com")
    for address in ("a@example.com", "nobody@example.com", "b@example.com"):
        mail(db, address, address)
    deliver_due()
    assert states(db) == {"a@example.com": DeliveryState.DELIVERED, "b@example.com": DeliveryState.DELIVERED,
                          "nobody@example.com": DeliveryState.FAILED}
    failed = db.session.scalar(select(Delivery).where(Delivery.state == DeliveryState.FAILED))
    assert "550" in failed.last_error and failed.attempts == 1
    assert smtp_server.recipients() == ["a@example.com", "b@example.com"]


@pytest.mark.parametrize("config_overrides", [{"WORKER_MAX_ATTEMPTS": 3}])
def test_gives_up_after_max_attempts_and_an_admin_retry_sends_it(db, smtp_server):
    smtp_server.stop()
    mail(db, "ann@example.com", "k")
    for day in range(1, 5):
        deliver_due(now=utcnow() + day * LATER)
    delivery = db.session.scalar(select(Delivery))
    assert delivery.state is DeliveryState.FAILED and delivery.attempts == 3
    assert "Connection refused" in delivery.last_error or "ConnectionRefused" in delivery.last_error
    smtp_server.start()
    assert deliver_due(now=utcnow() + 9 * LATER) == 0  # failed stays failed
    retry(delivery)
    db.session.commit()
    assert deliver_due() == 1
    assert len(smtp_server.to("ann@example.com")) == 1


def test_same_ordering_key_goes_out_in_order_and_waits_for_the_earlier(db, smtp_server):
    smtp_server.stop()
    first = mail(db, "a@example.com", "first", ordering_key="INC-1")
    second = mail(db, "b@example.com", "second", ordering_key="INC-1")
    other = mail(db, "c@example.com", "other", ordering_key="INC-2")
    assert deliver_due() == 2  # the second waits behind the first
    assert db.session.get(Delivery, second).attempts == 0
    smtp_server.start()
    deliver_due(now=utcnow() + LATER)
    assert [rcpt for rcpt, _ in smtp_server.messages if rcpt != "c@example.com"] == ["a@example.com", "b@example.com"]
    assert {db.session.get(Delivery, i).state for i in (first, second, other)} == {DeliveryState.DELIVERED}


def test_a_failed_delivery_no_longer_holds_up_its_line(db, smtp_server):
    smtp_server.reject("gone@example.com")
    mail(db, "gone@example.com", "first", ordering_key="INC-1")
    mail(db, "b@example.com", "second", ordering_key="INC-1")
    deliver_due()
    assert smtp_server.recipients() == ["b@example.com"]


def test_a_killed_workers_lease_runs_out_and_nothing_is_lost(app, db, smtp_server):
    mail(db, "ann@example.com", "k")
    lease = claim(utcnow())  # a worker claims the row, then dies before sending
    assert db.session.get(Delivery, lease.id).state is DeliveryState.SENDING
    assert deliver_due() == 0  # leased to the dead worker
    lease = timedelta(seconds=app.config["WORKER_LEASE_SECONDS"] + 1)
    assert deliver_due(now=utcnow() + lease) == 1
    assert len(smtp_server.to("ann@example.com")) == 1


def test_stopping_hands_back_the_claimed_but_untried(db, smtp_server):
    for n in range(4):
        mail(db, f"u{n}@example.com", f"k{n}")
    assert deliver_due(should_stop=lambda: len(smtp_server.messages) >= 2) == 2
    assert sorted(s.value for s in states(db).values()) == ["delivered", "delivered", "pending", "pending"]
    assert deliver_due() == 2
    assert len(smtp_server.messages) == 4


def test_backoff_grows_with_jitter_and_is_capped(app):
    app.config.update(WORKER_BACKOFF_BASE_SECONDS=10, WORKER_BACKOFF_MAX_SECONDS=100)
    for attempts, (low, high) in {1: (5, 10), 2: (10, 20), 3: (20, 40), 9: (50, 100)}.items():
        delays = {backoff(attempts).total_seconds() for _ in range(20)}
        assert all(low <= d <= high for d in delays) and len(delays) > 1


def test_mail_goes_to_the_log_without_a_mail_server(app, db, caplog):
    app.config["MAIL_SERVER"] = None
    mail(db, "ann@example.com", "k", subject="Logged")
    with caplog.at_level("INFO", logger="relay.mail"):
        assert deliver_due() == 1
    assert "Logged" in caplog.text and "ann@example.com" in caplog.text
    assert db.session.scalar(select(Delivery)).state is DeliveryState.DELIVERED


def test_production_without_a_mail_server_fails_instead_of_pretending(app, db):
    app.config.update(MAIL_SERVER=None, ENV_NAME="production", WORKER_MAX_ATTEMPTS=1)
    mail(db, "ann@example.com", "k")
    deliver_due()
    delivery = db.session.scalar(select(Delivery))
    assert delivery.state is DeliveryState.FAILED and "MAIL_SERVER" in delivery.last_error


def test_two_workers_on_postgresql_drain_1000_deliveries_exactly_once(app, db, smtp_server):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("several workers need PostgreSQL (SKIP LOCKED); SQLite runs one")
    db.session.add_all(Delivery(channel="email", kind="test.mail", recipient=f"u{n}@example.com",
                                payload={"subject": str(n), "text": "x"}, dedup_key=f"bulk-{n}")
                       for n in range(1000))
    db.session.commit()
    start = threading.Barrier(2)
    counts, errors = [], []

    def work():
        with app.app_context():
            try:
                start.wait()
                counts.append(deliver_due())
            except Exception as error:  # surfaced by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and sum(counts) == 1000
    ids = [message["X-Relay-Delivery"] for _, message in smtp_server.messages]
    assert len(ids) == 1000 and len(set(ids)) == 1000
    assert set(states(db).values()) == {DeliveryState.DELIVERED}


def test_long_lines_and_non_ascii_text_arrive_intact(db, smtp_server):
    paragraph = "Zoë's checkout ✓ fails again. " * 120  # one 3,600-character line
    enqueue("email", "test.mail", "ann@example.com", {"subject": "Ünïcode ✓", "text": paragraph,
            "html": f"<p>{paragraph}</p>"}, dedup_key="long")
    db.session.commit()
    deliver_due()
    [message] = smtp_server.to("ann@example.com")
    assert message["Subject"] == "Ünïcode ✓"
    assert message.get_body(preferencelist=("plain",)).get_content().strip() == paragraph.strip()


def test_one_connection_serves_a_batch_and_a_dropped_one_is_reopened(db, smtp_server):
    for n in range(3):
        mail(db, f"u{n}@example.com", f"k{n}")
    restarted = []

    def restart_after_first():
        if len(smtp_server.messages) == 1 and not restarted:
            smtp_server.stop()  # drops the open connection, like a server closing an idle one
            smtp_server.start()
            restarted.append(True)
        return False

    assert deliver_due(should_stop=restart_after_first) == 3
    assert restarted and smtp_server.recipients() == ["u0@example.com", "u1@example.com", "u2@example.com"]
    assert set(states(db).values()) == {DeliveryState.DELIVERED}


def test_every_attempt_of_a_delivery_carries_the_same_message_id(app, db, smtp_server):
    delivery_id = mail(db, "ann@example.com", "stable")
    other_id = mail(db, "ann@example.com", "other")
    deliver_due()
    retry(db.session.get(Delivery, delivery_id))  # sent again, as after a lost lease
    db.session.commit()
    deliver_due()
    first, other, again = smtp_server.to("ann@example.com")
    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]
    assert first["Message-ID"].endswith("@localhost>") and f".{delivery_id}." in first["Message-ID"]


def test_a_worker_that_lost_its_lease_records_no_outcome(app, db, smtp_server):
    delivery_id = mail(db, "ann@example.com", "taken-over")
    stale = claim(utcnow())
    fresh = claim(utcnow() + timedelta(seconds=app.config["WORKER_LEASE_SECONDS"] + 1))  # the lease ran out
    assert fresh.id == stale.id == delivery_id and fresh.token != stale.token
    assert attempt(stale, utcnow()) is None
    assert db.session.get(Delivery, delivery_id).state is DeliveryState.SENDING
    assert attempt(fresh, utcnow()) is DeliveryState.DELIVERED


def test_a_line_break_in_the_subject_is_folded_into_one_line(db, smtp_server):
    mail(db, "ann@example.com", "crlf", subject="Disk full\r\nBcc: eve@example.com\x00\tnow")
    deliver_due()
    [message] = smtp_server.to("ann@example.com")
    assert message["Subject"] == "Disk full Bcc: eve@example.com now" and message["Bcc"] is None
    assert smtp_server.recipients() == ["ann@example.com"]


def test_a_message_that_can_never_be_built_fails_at_once(db, smtp_server):
    mail(db, "ann@example.com\r\nBcc: eve@example.com", "bad-rcpt")
    enqueue("email", "test.mail", "bob@example.com", {"subject": "No body"}, dedup_key="no-text")
    enqueue("email", "test.mail", "cy@example.com", {"subject": "Half a character", "text": "\ud800"},
            dedup_key="lone-surrogate")
    db.session.commit()
    assert deliver_due() == 3
    failed = db.session.scalars(select(Delivery)).all()
    assert {d.state for d in failed} == {DeliveryState.FAILED} and {d.attempts for d in failed} == {1}
    assert all("cannot be built" in d.last_error for d in failed)
    assert smtp_server.messages == []
