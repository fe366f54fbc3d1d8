from flask import abort, current_app, flash, redirect, send_file, url_for
from flask_login import current_user, login_required

from app.attachments import bp
from app.attachments.forms import AttachmentForm
from app.services import attachments, incidents, tickets
from app.services.core.errors import ValidationError

# The kinds of record that take attachments: how to load one, and its page.
SUBJECTS = {"incidents": (incidents.get_incident, "incidents.detail"),
            "tickets": (tickets.get_ticket, "tickets.detail")}


@bp.before_request
@login_required
def require_login():
    """Attachments are only for signed-in users who may see their record."""


@bp.route("/<kind>/<int:number>", methods=["POST"])
def upload(kind, number):
    if kind not in SUBJECTS or SUBJECTS[kind][1] not in current_app.view_functions:
        abort(404)
    load, page = SUBJECTS[kind]
    subject = load(current_user, number)
    form = AttachmentForm()
    if not form.validate_on_submit():
        flash(" ".join(form.file.errors) or "The upload form expired. Please try again.", "danger")
        return redirect(url_for(page, number=number))
    try:
        attachment = attachments.add_attachment(current_user, subject, form.file.data)
    except ValidationError as error:
        flash(error.message, "danger")
    else:
        flash(f"Attached {attachment.filename}.", "success")
    return redirect(url_for(page, number=number))


@bp.route("/<int:attachment_id>")
def download(attachment_id):
    attachment, handle = attachments.open_attachment(current_user, attachment_id)
    # Images show inline (previews); everything else downloads, and nothing is sniffed or run.
    response = send_file(handle, mimetype=attachment.content_type, as_attachment=not attachment.is_image,
                         download_name=attachment.filename, etag=attachment.sha256, max_age=300)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # send_file marks a max_age response public; an attachment is never for shared caches.
    response.cache_control.public = False
    response.cache_control.private = True
    return response
