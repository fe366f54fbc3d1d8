from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import RelayForm
from app.models import SECTIONS, Priority
from app.services.postmortem_actions import TITLE_MAX
from app.services.postmortems import SECTION_MAX


class PostmortemForm(RelayForm):
    """One textarea per section, and what the editor started from: the version and each section's hash."""

    base_version = HiddenField()  # the service says when it is missing or damaged
    submit = SubmitField("Save")


for _section in SECTIONS:
    setattr(PostmortemForm, _section.key, TextAreaField(
        _section.heading, description=_section.hint, validators=[Optional(), Length(max=SECTION_MAX)],
        render_kw={"rows": 10 if _section.key == "timeline" else 6}))
    setattr(PostmortemForm, f"base_{_section.key}", HiddenField())


class ActionItemForm(RelayForm):
    title = StringField("Action item", validators=[DataRequired(), Length(max=TITLE_MAX)],
                        render_kw={"placeholder": "e.g. Alert on disk usage above 80%"})
    owner_id = SelectField("Owner", coerce=str, validators=[Optional()], validate_choice=False)
    due_on = DateField("Due date", validators=[Optional()])
    priority = SelectField("Priority", choices=[(p.value, p.label) for p in Priority], default="medium")
    submit = SubmitField("Add action item")


class SearchForm(RelayForm):
    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional(), Length(max=100)])
    status = SelectField("Status", choices=[("published", "Published"), ("draft", "Drafts")],
                         validators=[Optional()])
