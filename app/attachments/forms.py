from flask_wtf.file import FileField, FileRequired

from app.forms import RelayForm


class AttachmentForm(RelayForm):
    # Type, size and name are checked on the content by the service, not here.
    file = FileField("Attach a screenshot or log", validators=[FileRequired("Choose a file to attach.")])
