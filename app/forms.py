"""Forms and helpers shared by the blueprints."""
from datetime import date, datetime

from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, StopValidation

from app.services.core import validation


def plain_input(form, field):
    """No field takes control characters, and no date falls outside what Relay can store."""
    if any(validation.has_control_characters(value) for value in field.raw_data or ()):
        raise StopValidation(validation.CONTROL_MESSAGE.format(label=field.label.text))
    if isinstance(field.data, date) and not validation.EARLIEST_DAY <= _day(field.data) <= validation.LATEST_DAY:
        raise StopValidation(f"Enter a date between {validation.EARLIEST_DAY} and {validation.LATEST_DAY}.")


def _day(value):
    return value.date() if isinstance(value, datetime) else value


class RelayForm(FlaskForm):
    """The base of every form: plain_input runs first on each field."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = unbound_field.bind(form=form, **options)
            field.validators = [plain_input, *field.validators]
            return field


COMMENT_MAX = 10_000


class ActionForm(RelayForm):
    """A button with nothing but its CSRF token."""


class CommentForm(RelayForm):
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
