"""Forms and helpers shared by the blueprints."""
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

COMMENT_MAX = 10_000


class ActionForm(FlaskForm):
    """A button with nothing but its CSRF token."""


class CommentForm(FlaskForm):
    body = TextAreaField("Add a comment", validators=[DataRequired(), Length(max=COMMENT_MAX)],
                         render_kw={"rows": 3, "placeholder": "What did you find? What is next? (Markdown)"})
    submit = SubmitField("Comment")


def apply_errors(form, error):
    """Put a service ValidationError's messages on the matching form fields."""
    unplaced = []
    for name, message in error.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [message]
        else:
            unplaced.append(message)
    return unplaced
