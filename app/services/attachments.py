"""Attachments: screenshots and logs on incidents and tickets, stored outside the web root."""
import hashlib

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Attachment, Incident, Source, Ticket, User
from app.models.base import utcnow
from app.services import audit
from app.services.core.errors import NotFound, ValidationError
from app.services.core.permissions import Permission, can_see, require
from app.services.uploads import CheckedFile, check_upload
from app.storage import DatabaseStorage, local_storage, new_key, storage

# Which column of Attachment points at each kind of subject.
SUBJECT_COLUMNS = {Incident: "incident_id", Ticket: "ticket_id"}


def _column(subject) -> str:
    try:
        return SUBJECT_COLUMNS[type(subject)]
    except KeyError:
        raise NotFound("Attachments are not supported here.")


def prepare_upload(file_storage) -> CheckedFile:
    """Read and check an uploaded file (type by content, size, name) before anything is written."""
    if isinstance(file_storage, CheckedFile):
        return file_storage
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise ValidationError({"file": "Choose a file to attach."})
    max_bytes = current_app.config["MAX_ATTACHMENT_BYTES"]
    return check_upload(file_storage.filename, file_storage.stream.read(max_bytes + 1), max_bytes)


def add_attachment(actor: User, subject, file_storage, source=Source.WEB) -> Attachment:
    """Check and store an uploaded file, attach it to *subject* and put it on the timeline.

    *file_storage* is the upload (werkzeug FileStorage) or what prepare_upload returned for it.
    """
    attachment = None
    try:
        attachment = stage_attachment(actor, subject, file_storage, source)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if attachment is not None:
            remove_files([attachment.storage_key])
        raise
    return attachment


def stage_attachment(actor: User, subject, file_storage, source=Source.WEB) -> Attachment:
    """Store an uploaded file and add its row and timeline entry to the current transaction; never commits.

    The caller commits, or rolls back and removes the file (remove_files([attachment.storage_key])).
    """
    if not can_see(actor, subject):
        raise NotFound("That was not found.")
    require(actor, Permission.RAISE)
    checked = prepare_upload(file_storage)
    data = checked.data
    attachment = Attachment(
        org_id=subject.org_id, uploader_id=actor.id, filename=checked.filename,
        storage_key=new_key(), content_type=checked.content_type, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), **{_column(subject): subject.id},
    )
    store = storage()
    store.save(attachment.storage_key, data)
    try:
        db.session.add(attachment)
        subject.updated_at = utcnow()
        db.session.flush()
        audit.record(subject, "attachment_added", actor, source, field="attachment",
                     new=f"{attachment.filename} ({attachment.content_type}, {attachment.size} bytes)")
    except BaseException:
        store.delete(attachment.storage_key)
        raise
    return attachment


def attachments_of(subject) -> list[Attachment]:
    """The attachments on *subject*, oldest first (the caller has checked visibility).

    An incident promoted from a ticket shows the ticket's attachments too (same people, same org).
    """
    where = getattr(Attachment, _column(subject)) == subject.id
    source_ticket = getattr(subject, "source_ticket", None) if isinstance(subject, Incident) else None
    if source_ticket is not None:
        where = where | (Attachment.ticket_id == source_ticket.id)
    return db.session.scalars(
        select(Attachment).where(where).order_by(Attachment.created_at, Attachment.id)
    ).all()


def _subject_of(attachment: Attachment):
    for model, column in SUBJECT_COLUMNS.items():
        subject_id = getattr(attachment, column)
        if subject_id is not None:
            return db.session.get(model, subject_id)
    return None


def get_attachment(actor: User, attachment_id: int) -> Attachment:
    """Return an attachment if *actor* may see what it is attached to."""
    attachment = db.session.get(Attachment, attachment_id)
    subject = _subject_of(attachment) if attachment is not None else None
    if subject is None or not can_see(actor, subject):
        raise NotFound("That attachment was not found.")
    return attachment


def open_attachment(actor: User, attachment_id: int):
    """Return (attachment, readable file) for a download *actor* is allowed."""
    attachment = get_attachment(actor, attachment_id)
    try:
        return attachment, storage().open(attachment.storage_key)
    except FileNotFoundError:
        raise NotFound("That attachment's file is missing from storage.")


def storage_keys_of(subject) -> list[str]:
    """Storage keys of the files attached to *subject* itself, to remove once it is deleted."""
    column = getattr(Attachment, _column(subject))
    return list(db.session.scalars(select(Attachment.storage_key).where(column == subject.id)))


def remove_files(keys):
    """Remove stored files whose rows are gone (after the deleting transaction committed)."""
    store = storage()
    for key in keys:
        store.delete(key)


def copy_files_to_database(log=lambda line: None) -> tuple[int, int]:
    """Copy each attachment's file from this machine's directory into the database store.

    Files already there are skipped, so it can run again after an interruption.
    Returns (copied, missing from the directory).
    """
    source, target = local_storage(), DatabaseStorage()
    copied = missing = 0
    for key in db.session.scalars(select(Attachment.storage_key).order_by(Attachment.id)).all():
        if target.has(key):
            continue
        try:
            with source.open(key) as handle:
                target.save(key, handle)
        except FileNotFoundError:
            missing += 1
            log(f"  not in {source.root}: {key}")
            continue
        db.session.commit()
        copied += 1
    return copied, missing
