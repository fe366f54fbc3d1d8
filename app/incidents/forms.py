from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import RelayForm
from app.models import Severity
from app.services.incidents import DESCRIPTION_MAX, TITLE_MAX

SEVERITY_CHOICES = [(s.value, f"{s.label} — {s.description}") for s in Severity]


class IncidentForm(RelayForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=TITLE_MAX)], render_kw={"autofocus": True})
    severity = SelectField("Severity", choices=SEVERITY_CHOICES, default="sev3")
    product_area_id = SelectField("Product area", coerce=str, validators=[Optional()])
    commander_id = SelectField("Incident commander", coerce=str, validators=[Optional()])
    org_id = SelectField("Organization", coerce=str, validators=[Optional()])
    description = TextAreaField("Description", validators=[Length(max=DESCRIPTION_MAX)],
                                render_kw={"rows": 6})
    submit = SubmitField("Save changes")


class DeclareForm(IncidentForm):
    # No default: Enter in the title must not declare a SEV3 nobody chose.
    severity = SelectField("Severity", choices=[("", "Choose a severity…")] + SEVERITY_CHOICES, default="",
                           validators=[DataRequired(message="Choose a severity.")])
    submit = SubmitField("Declare incident")


class TransitionForm(RelayForm):
    target = HiddenField(validators=[DataRequired()])
    expected_status = HiddenField()


class AssignForm(RelayForm):
    # The service checks the assignee; the choices are only the page's convenience.
    assignee_id = SelectField("Assignee", coerce=str, validators=[Optional()], validate_choice=False)
    submit = SubmitField("Assign")


SLA_CHOICES = [("", "Any SLA state"), ("attention", "At risk or breached"), ("breached", "Breached"),
               ("on_track", "On track"), ("met", "Met")]


class EscalateForm(RelayForm):
    reason = TextAreaField("Why escalate?", validators=[DataRequired(), Length(max=500)], render_kw={"rows": 2})
    steps = SelectField("What to do", choices=[("raise_and_page", "Raise severity one step and page on-call"),
                                               ("raise", "Raise severity one step"), ("page", "Page on-call"),
                                               ("notify", "Only tell the managers, commander and assignee")],
                        default="raise_and_page")
    submit = SubmitField("Escalate")


class FilterForm(RelayForm):
    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional(), Length(max=100)])
    status = SelectField("Status", validators=[Optional()])
    severity = SelectField("Severity", validators=[Optional()])
    assignee_id = SelectField("Assignee", validators=[Optional()])
    product_area_id = SelectField("Product area", validators=[Optional()])
    sla = SelectField("SLA", choices=SLA_CHOICES, validators=[Optional()])
    sort = SelectField("Sort", choices=[("newest", "Newest"), ("oldest", "Oldest"),
                                        ("severity", "Severity"), ("updated", "Recently updated"),
                                        ("due", "Due soonest")],
                       validators=[Optional()])
