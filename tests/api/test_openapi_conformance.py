"""Schemathesis against the generated OpenAPI document: every operation, valid and invalid input.

Bounded (a few examples per operation, no shrinking) so the suite stays quick; run on SQLite
and, with --postgres, on PostgreSQL. Any 5xx, or a response the document does not describe
(status, content type, headers, body), fails the test.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance, negative_data_rejection, response_headers_conformance, response_schema_conformance,
    status_code_conformance,
)

from app.models import Role

EXAMPLES = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture
def world(app, factory, token_for):
    """A provider admin with an admin token, and a record behind every kind of id in the paths."""
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    admin = factory.user(Role.ADMIN)
    customer = factory.org("Customer")
    incident, ticket = factory.incident(org=customer), factory.ticket(org=customer)
    factory.campaign(), factory.issue_type(), factory.product_area(owners=[admin])
    return {"token": token_for(admin, "admin"), "incident": incident.number, "ticket": ticket.number}


def _known_ids(operation, world):
    """Path parameters pointing at real records, so positive cases get past the 404."""
    values = {"number": world["ticket" if "/tickets/" in operation.path else "incident"], "option_id": 1,
              "attachment_id": 1}
    return {p.name: values[p.name] for p in operation.path_parameters if p.name in values}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_keeps_to_the_document(app, world, mode):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = sorted((result.ok() for result in schema.get_all_operations()),
                        key=lambda op: (op.method.upper() == "DELETE", op.path, op.method))
    assert len(operations) >= 35
    headers = {"Authorization": f"Bearer {world['token']}"}
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])
    failures = []
    for operation in operations:
        known = _known_ids(operation, world) if mode is GenerationMode.POSITIVE else None

        @given(case=operation.as_strategy(mode, path_parameters=known))
        @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers=headers, checks=checks)

        try:
            run()
        except Exception as error:  # collect every operation's failure, not just the first
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
