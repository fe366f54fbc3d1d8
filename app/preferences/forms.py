from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField
from wtforms.widgets import CheckboxInput, ListWidget


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NotificationPreferencesForm(FlaskForm):
    kinds = CheckboxesField("Emails I get")  # choices: the kinds this person can be sent
    submit = SubmitField("Save preferences")
