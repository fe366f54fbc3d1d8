from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, SelectMultipleField
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from app.forms import RelayForm
from app.models import Role
from app.services.accounts import PASSWORD_MAX, PASSWORD_MIN

ROLE_CHOICES = [(r.value, r.label) for r in Role]


class UserForm(RelayForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    display_name = StringField("Name", validators=[DataRequired(), Length(max=100)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.REPORTER.value)
    org_id = SelectField("Organization", coerce=str)
    password = PasswordField("Password", validators=[DataRequired(),
                                                     Length(min=PASSWORD_MIN, max=PASSWORD_MAX)])
    active = BooleanField("Active", default=True)
    submit = SubmitField("Save")


class EditUserForm(UserForm):
    password = PasswordField("New password", validators=[Optional(),
                                                         Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
                             description="Leave empty to keep the current password.")


class OrganizationForm(RelayForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    submit = SubmitField("Add organization")


class SlackChannelsForm(RelayForm):
    private = SelectField("Incident channels in Slack", choices=[("1", "Private"), ("0", "Public")],
                          validators=[DataRequired()])


class PostmortemRuleForm(RelayForm):
    required = SelectField("Closing needs a published postmortem", choices=[("1", "Yes"), ("0", "No")],
                           validators=[DataRequired()])


class ProductAreaForm(RelayForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    description = StringField("Description", validators=[Optional(), Length(max=255)])
    owner_ids = SelectMultipleField("Owners", coerce=str, validators=[Optional()])
    submit = SubmitField("Add product area")


class TicketOptionForm(RelayForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    position = IntegerField("Position", validators=[Optional(), NumberRange(min=0, max=10_000)],
                            description="Lower comes first; empty puts it at the end.")
    active = BooleanField("Offered on new tickets", default=True)
    submit = SubmitField("Save")


class ServiceTokenForm(RelayForm):
    org_id = SelectField("Organization", coerce=int)
    name = StringField("Integration", validators=[DataRequired(), Length(max=100)],
                       description="e.g. “Monitoring”; the service account is named after it.")
    role = SelectField("Acts as a", choices=[("reporter", "Reporter"), ("responder", "Responder"),
                                             ("manager", "Manager")], default="responder")
    scope = SelectField("Scope", choices=[("read", "Read"), ("write", "Write")], default="write")
    expires_in_days = SelectField("Expires", choices=[("never", "Never"), ("90", "In 90 days"),
                                                      ("365", "In a year")], default="never")
    submit = SubmitField("Create service token")


class WebhookForm(RelayForm):
    org_id = SelectField("Organization", coerce=int, description="Its endpoints hear about this organization's "
                                                                "incidents and tickets (the provider's: every one).")
    url = StringField("Endpoint URL", validators=[DataRequired(), Length(max=2000)],
                      description="http:// or https://, on a public address.")
    description = StringField("Description", validators=[Length(max=200)])
    events = SelectMultipleField("Events", validators=[DataRequired(message="Choose at least one event.")])
    active = BooleanField("Active", default=True)
    submit = SubmitField("Save endpoint")
