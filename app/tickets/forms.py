from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import RelayForm
from app.incidents.forms import SEVERITY_CHOICES, SLA_CHOICES
from app.models import Priority
from app.services.tickets import COMMENT_MAX, DETAILS_MAX, NOTES_MAX, TITLE_MAX, URL_MAX

PRIORITY_CHOICES = [(p.value, p.label) for p in Priority]


class TicketForm(RelayForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=TITLE_MAX)])
    priority = SelectField("Priority", choices=PRIORITY_CHOICES, default="medium")
    campaign_id = SelectField("Campaign", coerce=str, validators=[Optional()])
    issue_type_id = SelectField("Issue type", coerce=str, validators=[Optional()])
    org_id = SelectField("Organization", coerce=str, validators=[Optional()])
    details = TextAreaField("Details", validators=[Length(max=DETAILS_MAX)], render_kw={"rows": 6})
    external_url = StringField("External link", validators=[Optional(), Length(max=URL_MAX)],
                               description="Optional: the case in your CRM, a screenshot, a log.",
                               render_kw={"placeholder": "https://"})
    submit = SubmitField("Save")


class NewTicketForm(TicketForm):
    # Checked on its content by the attachments service before the ticket is created.
    file = FileField("Screenshot or log (optional)", validators=[Optional()],
                     description="PNG, JPEG, GIF, WebP, PDF or a text log.")
    submit = SubmitField("Save")


class TransitionForm(RelayForm):
    target = HiddenField(validators=[DataRequired()])
    expected_status = HiddenField()
    resolution_notes = TextAreaField("Resolution notes", validators=[Optional(), Length(max=NOTES_MAX)],
                                     render_kw={"rows": 3, "placeholder": "What fixed it? What should the reporter know?"})


class AssignForm(RelayForm):
    # The service checks the assignee; the choices are only the page's convenience.
    assignee_id = SelectField("Assignee", coerce=str, validators=[Optional()], validate_choice=False)
    comment = TextAreaField("Comment (optional)", validators=[Optional(), Length(max=COMMENT_MAX)],
                            render_kw={"rows": 2, "placeholder": "Why this person?"})
    submit = SubmitField("Reassign")


class PromoteForm(RelayForm):
    severity = SelectField("Severity", choices=[("", "From the ticket's priority")] + SEVERITY_CHOICES,
                           validators=[Optional()])
    product_area_id = SelectField("Product area", coerce=str, validators=[Optional()])
    submit = SubmitField("Promote to incident")


class FilterForm(RelayForm):
    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional(), Length(max=100)])
    status = SelectField("Status", validators=[Optional()])
    priority = SelectField("Priority", validators=[Optional()])
    campaign_id = SelectField("Campaign", validators=[Optional()])
    issue_type_id = SelectField("Issue type", validators=[Optional()])
    assignee_id = SelectField("Assignee", validators=[Optional()])
    created_from = DateField("Raised from", validators=[Optional()])
    created_to = DateField("Raised until", validators=[Optional()])
    sla = SelectField("SLA", choices=SLA_CHOICES, validators=[Optional()])
    sort = SelectField("Sort", choices=[("newest", "Newest"), ("oldest", "Oldest"), ("priority", "Priority"),
                                        ("updated", "Recently updated"), ("due", "Due soonest")],
                       validators=[Optional()])


class EscalateForm(RelayForm):
    reason = TextAreaField("Why escalate?", validators=[DataRequired(), Length(max=500)], render_kw={"rows": 2})
    steps = SelectField("What to do", choices=[("raise_and_page", "Raise priority one step and page on-call"),
                                               ("raise", "Raise priority one step"), ("page", "Page on-call"),
                                               ("notify", "Only tell the managers, escalation person and assignee")],
                        default="raise_and_page")
    submit = SubmitField("Escalate")
