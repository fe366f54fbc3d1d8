"""Comments, attachments and the timeline: the same endpoints under /incidents/N and /tickets/N."""
from flask import send_file, url_for

from app.api.auth import current_user
from app.api.records import IDEMPOTENCY_DOC, answer, create
from app.api.schemas.common import (
    AttachmentList, AttachmentOut, CommentIn, CommentList, CommentOut, Timeline, UploadIn,
)
from app.models import Source
from app.services import attachments, audit


def add_to(blp, kind, load, comment_on, comments_for):
    """Give *blp* (the /incidents or /tickets resource) its sub-resources; *load*(actor, number) finds one."""

    @blp.route("/<int:number>/comments", methods=["GET"])
    @blp.response(200, CommentList)
    def list_comments(number):
        """The comments on a record, oldest first."""
        return {"items": comments_for(load(current_user(), number))}

    @blp.route("/<int:number>/comments", methods=["POST"])
    @blp.arguments(CommentIn)
    @blp.response(201, CommentOut)
    @blp.doc(parameters=[{"in": "header", "name": name, **doc} for name, doc in IDEMPOTENCY_DOC.items()])
    def add_comment(body, number):
        """Comment on a record (Markdown)."""
        return create(lambda: comment_on(current_user(), number, body["body"], source=Source.API),
                      CommentOut().dump,
                      lambda c: url_for(f"{blp.name}.list_comments", number=number))

    @blp.route("/<int:number>/attachments", methods=["GET"])
    @blp.response(200, AttachmentList)
    def list_attachments(number):
        """The files attached to a record."""
        return {"items": attachments.attachments_of(load(current_user(), number))}

    @blp.route("/<int:number>/attachments", methods=["POST"])
    @blp.arguments(UploadIn, location="files")
    @blp.response(201, AttachmentOut)
    def upload(files, number):
        """Attach a file (multipart/form-data, field `file`), checked by content like the web's."""
        subject = load(current_user(), number)
        attachment = attachments.add_attachment(current_user(), subject, files["file"], Source.API)
        body = AttachmentOut().dump(attachment)
        return answer(body, 201, {"Location": url_for(f"{blp.name}.download", number=number,
                                                      attachment_id=attachment.id)})

    @blp.route("/<int:number>/attachments/<int:attachment_id>", methods=["GET"])
    @blp.response(200, description="The file itself", content_type="application/octet-stream")
    def download(number, attachment_id):
        """Download one attached file."""
        subject = load(current_user(), number)
        attachment, handle = attachments.open_attachment(current_user(), attachment_id)
        if attachment not in attachments.attachments_of(subject):
            handle.close()
            from app.services.core.errors import NotFound
            raise NotFound("That attachment was not found.")
        response = send_file(handle, mimetype=attachment.content_type, as_attachment=True,
                             download_name=attachment.filename, etag=attachment.sha256)
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    @blp.route("/<int:number>/timeline", methods=["GET"])
    @blp.response(200, Timeline)
    def timeline(number):
        """Every change to a record, oldest first, with who made it and through which front."""
        record = load(current_user(), number)
        return {"items": audit.timeline(kind, record.id)}
