from wtforms import (BooleanField, PasswordField, SelectField, SelectMultipleField, StringField, SubmitField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, Optional

from app.forms import RelayForm
from app.models import Severity


class ChannelLinkForm(RelayForm):
    channel_id = StringField("Slack channel id", validators=[DataRequired(), Length(max=40)],
                             description="In Slack: the channel's name → About → Channel ID (C… or G…).")
    channel_name = StringField("Channel name", validators=[Optional(), Length(max=80)],
                               description="Shown here only, e.g. customer-acme.")
    org_id = SelectField("Organization", coerce=str, validators=[DataRequired()])
    submit = SubmitField("Link channel")


class PagerDutyForm(RelayForm):
    routing_keys = TextAreaField("Events API v2 routing keys", validators=[Optional(), Length(max=4000)],
                                 render_kw={"rows": 2, "autocomplete": "off"},
                                 description="One per line, tried in order: the first whose rule matches an incident "
                                             "is paged (set rules below once saved). Leave empty to keep the saved keys.")
    clear_routing_keys = BooleanField("Remove the saved routing keys")
    service_ids = TextAreaField("PagerDuty service ids", validators=[Optional(), Length(max=4000)],
                                render_kw={"rows": 2},
                                description="Incidents that start in PagerDuty on these services belong to this "
                                            "organization (e.g. PF9KMXH).")
    rest_token = PasswordField("REST API key", validators=[Optional(), Length(max=128)],
                               render_kw={"autocomplete": "off"},
                               description="Read-only is enough: status and assignee look-ups. Empty keeps the saved key.")
    clear_rest_token = BooleanField("Remove the saved REST API key")
    webhook_secret = PasswordField("Add a webhook signing secret", validators=[Optional(), Length(max=200)],
                                   render_kw={"autocomplete": "off"},
                                   description="From the webhook subscription. Up to 5 are accepted at once, "
                                               "for rotation.")
    default_severity = SelectField("Severity of an escalation", choices=[(s.value, s.label) for s in Severity],
                                   default=Severity.SEV2.value)
    paging_enabled = BooleanField("Page on-call through PagerDuty", default=True)
    submit = SubmitField("Save")


class RouteRuleForm(RelayForm):
    """When one routing key is paged: nothing picked matches every incident."""

    severities = SelectMultipleField("Severities", choices=[(s.value, s.label) for s in Severity],
                                     validators=[Optional()], render_kw={"size": 4},
                                     description="None picked: any severity.")
    product_area_ids = SelectMultipleField("Product areas", coerce=str, validators=[Optional()],
                                           render_kw={"size": 4}, description="None picked: any product area.")
    submit = SubmitField("Save rule")
