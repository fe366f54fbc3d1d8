"""The SLA policy form: the policy's fields, the working hours, and one row of minutes per target."""
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import RelayForm
from app.services.sla_policies import WEEKDAYS


class NewPolicyForm(RelayForm):
    org_id = SelectField("Customer organization", validators=[DataRequired()])


def policy_form(policy, staff_choices, formdata=None):
    """A form bound to *policy*: fixed fields, then opens_/closes_ per weekday and t<id>_* per target."""

    class PolicyForm(RelayForm):
        name = StringField("Name", validators=[DataRequired(), Length(max=120)])
        timezone = StringField("Timezone (IANA)", validators=[DataRequired(), Length(max=64)])
        warn_percent = StringField("Warn at (% of the time used)", validators=[DataRequired(), Length(max=10)])
        holidays = TextAreaField("Holidays (one YYYY-MM-DD a line)", validators=[Optional(), Length(max=2400)],
                                 render_kw={"rows": 4})
        raise_severity_on_breach = BooleanField("Raise an incident's severity one step when a target is breached")
        manager_id = SelectField("Manager told of breaches", choices=staff_choices, validators=[Optional()])
        escalation_user_id = SelectField("Unassigned tickets go to, on breach", choices=staff_choices,
                                         validators=[Optional()])

    for day in range(7):
        hours = (policy.working_hours or {}).get(str(day)) or ["", ""]
        setattr(PolicyForm, f"opens_{day}", StringField(f"{WEEKDAYS[day]} from", default=hours[0],
                                                        validators=[Optional(), Length(max=5)]))
        setattr(PolicyForm, f"closes_{day}", StringField(f"{WEEKDAYS[day]} until", default=hours[1],
                                                         validators=[Optional(), Length(max=5)]))
    for target in policy.targets:
        for name in ("respond_minutes", "resolve_minutes", "update_minutes"):
            value = getattr(target, name)
            setattr(PolicyForm, f"t{target.id}_{name}", StringField(
                name.replace("_", " ").capitalize(), default="" if value is None else str(value),
                validators=[Optional(), Length(max=7)]))
        setattr(PolicyForm, f"t{target.id}_around_the_clock",
                BooleanField("24x7", default=target.around_the_clock))
    return PolicyForm(formdata=formdata, obj=None, name=policy.name, timezone=policy.timezone,
                      warn_percent=str(policy.warn_percent), holidays="\n".join(policy.holidays or []),
                      raise_severity_on_breach=policy.raise_severity_on_breach,
                      manager_id=str(policy.manager_id or ""), escalation_user_id=str(policy.escalation_user_id or ""))
