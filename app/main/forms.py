from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from app.forms import RelayForm
from app.services.accounts import PASSWORD_MAX, PASSWORD_MIN
from app.services.profile import timezone_names


class ProfileForm(RelayForm):
    display_name = StringField("Display name", validators=[DataRequired(), Length(max=100)])
    timezone = SelectField("Timezone", validators=[Length(max=64)])
    submit = SubmitField("Save profile")

    def __init__(self, *args, default_zone="UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = [("", f"Site default ({default_zone})")] + [(n, n) for n in timezone_names()]


class PasswordForm(RelayForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(min=PASSWORD_MIN,
                                                                                    max=PASSWORD_MAX)])
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("new_password", "The passwords do not match.")])
    submit = SubmitField("Change password")


class TokenForm(RelayForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=100)],
                       description="What the token is for, e.g. “deploy script”.")
    scope = SelectField("Scope", choices=[("read", "Read: see records and lists"),
                                          ("write", "Write: also create, edit and move records"),
                                          ("admin", "Admin: also manage lists (admins only)")], default="read")
    expires_in_days = SelectField("Expires", choices=[("7", "In 7 days"), ("30", "In 30 days"),
                                                      ("90", "In 90 days"), ("365", "In a year"),
                                                      ("never", "Never")], default="90")
    submit = SubmitField("Create token")
