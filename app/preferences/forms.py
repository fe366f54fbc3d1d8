from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField
from wtforms.widgets import CheckboxInput, ListWidget

from app.services.notification_kinds import OPTIONAL


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NotificationPreferencesForm(FlaskForm):
    kinds = CheckboxesField("Emails I get", choices=[(kind.name, kind.label) for kind in OPTIONAL])
    submit = SubmitField("Save preferences")
