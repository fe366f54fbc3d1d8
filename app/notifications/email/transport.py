"""The email channel: Flask-Mail over SMTP, or the log when no mail server is configured."""
from email import charset
from email.mime.text import MIMEText
import logging
import smtplib
import threading

from flask import current_app
from flask_mail import Connection, Message

from app.outbox.registry import PermanentFailure

log = logging.getLogger("relay.mail")


def mail_to_log(app) -> bool:
    """Development without MAIL_SERVER writes mail to the log instead of sending it."""
    return not app.config.get("MAIL_SERVER") and app.config.get("ENV_NAME") != "production"


class SMTPConnection(Connection):
    """Flask-Mail's connection, read from the current config and with a network timeout."""

    def configure_host(self):
        config = current_app.config
        server, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
        if not server:
            raise RuntimeError("MAIL_SERVER is not set, so email cannot be sent.")
        smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
        host = smtp_class(server, port, timeout=timeout)
        if config["MAIL_USE_TLS"]:
            host.starttls()
        if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
            host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return host


# Flask-Mail sends UTF-8 bodies unencoded, so a long paragraph becomes a line
# over SMTP's 998-character limit and servers refuse it; quoted-printable wraps.
WRAPPED_UTF8 = charset.Charset("utf-8")
WRAPPED_UTF8.body_encoding = charset.QP


class Email(Message):
    """Flask-Mail's message with its text parts quoted-printable."""

    def _mimetext(self, text, subtype="plain"):
        return MIMEText(text, _subtype=subtype, _charset=WRAPPED_UTF8)


def build_message(delivery) -> Message:
    payload = delivery.payload
    return Email(subject=payload["subject"], recipients=[delivery.recipient], body=payload["text"],
                   html=payload.get("html"), sender=current_app.config["MAIL_DEFAULT_SENDER"],
                   extra_headers={"X-Relay-Delivery": str(delivery.id), "X-Relay-Kind": delivery.kind})


def send_email(delivery):
    """Send one delivery's rendered email; a rejected address is a permanent failure."""
    message = build_message(delivery)
    if mail_to_log(current_app):
        log.info("Email (MAIL_SERVER unset, not sent) to %s\nSubject: %s\n\n%s",
                 delivery.recipient, message.subject, message.body)
        return
    try:
        send_over_open_connection(message)
    except smtplib.SMTPRecipientsRefused as error:
        if all(code >= 500 for code, _ in error.recipients.values()):
            raise PermanentFailure(f"Recipient refused: {_codes(error.recipients)}") from error
        raise
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        if error.smtp_code >= 500:
            raise PermanentFailure(f"{error.smtp_code} {_text(error.smtp_error)}") from error
        raise


class OpenConnection(threading.local):
    """Each worker thread keeps one SMTP connection open while it drains the outbox."""

    connection = None


_open = OpenConnection()


def send_over_open_connection(message):
    """Send on this thread's open connection, opening one if needed; reconnect once if it went stale."""
    reused = _open.connection is not None
    try:
        if not reused:
            _open.connection = SMTPConnection(current_app.extensions["mail"]).__enter__()
        _open.connection.send(message)
    except smtplib.SMTPResponseException:
        raise  # the server answered (refused); the connection is still good
    except smtplib.SMTPServerDisconnected:
        close_connection()
        if not reused:
            raise
        send_over_open_connection(message)  # the server dropped an idle connection: one fresh try
    except Exception:
        close_connection()
        raise


def close_connection():
    """Say goodbye to the SMTP server (the worker calls this when it has nothing more to send)."""
    connection, _open.connection = _open.connection, None
    if connection is not None and connection.host is not None:
        try:
            connection.host.quit()
        except (smtplib.SMTPException, OSError):
            connection.host.close()


def _codes(recipients):
    return "; ".join(f"{address}: {code} {_text(text)}" for address, (code, text) in recipients.items())


def _text(value):
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
