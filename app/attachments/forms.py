from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class AttachmentForm(FlaskForm):
    # Type, size and name are checked on the content by the service, not here.
    file = FileField("Attach a screenshot or log", validators=[FileRequired("Choose a file to attach.")])
