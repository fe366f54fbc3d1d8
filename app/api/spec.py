"""flask-smorest's Api, made to speak RFC 9457 problem documents and leave the web's error pages alone."""
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from app.api.schemas.common import Problem

PROBLEM_JSON = "application/problem+json"

SPEC_OPTIONS = {
    "info": {"description": "Incidents, tickets and their lists over JSON. Authenticate with "
                            "`Authorization: Bearer rly_...` (a personal or service token)."},
    "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
    "security": [{"token": []}],
}


class RelayApi(Api):
    """Errors are documented as problem+json; handling them is the API blueprints' own (see problems.py)."""

    ERROR_SCHEMA = Problem

    def __init__(self):
        super().__init__(spec_kwargs=SPEC_OPTIONS)

    def _register_error_handlers(self):
        """The app's error pages stay HTML; the API blueprints register their own handlers."""

    def _register_responses(self):
        import http

        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_JSON)
            else:
                prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An RFC 9457 problem document", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)
