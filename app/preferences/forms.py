from wtforms import SelectMultipleField, SubmitField
from wtforms.widgets import CheckboxInput, ListWidget

from app.forms import RelayForm


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NotificationPreferencesForm(RelayForm):
    kinds = CheckboxesField("Emails I get")  # choices: the kinds this person can be sent
    submit = SubmitField("Save preferences")
