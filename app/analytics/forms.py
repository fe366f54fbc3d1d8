from wtforms import DateField, SelectField
from wtforms.validators import Optional

from app.forms import RelayForm
from app.services.analytics_filters import CUSTOM, PRESETS


class FilterForm(RelayForm):
    class Meta:
        csrf = False

    period = SelectField("Period", choices=list(PRESETS.items()) + [(CUSTOM, "Custom range")], default="90",
                         validators=[Optional()])
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To (included)", validators=[Optional()])
    org_id = SelectField("Organization", validators=[Optional()])
    product_area_id = SelectField("Product area (incidents)", validators=[Optional()])
