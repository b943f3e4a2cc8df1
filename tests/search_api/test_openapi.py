"""Schemathesis against the app's own OpenAPI schema, as each role: whatever it sends, no 5xx,
every status answered is one the schema documents for that route, and every documented
response shape is kept."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from archive.domain import Role
from archive.settings import Settings
from search_api.app import create_app
from tests.search_api.conftest import fill


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_no_request_makes_the_server_fail(settings: Settings, role: str) -> None:
    secrets, _ = fill(settings)
    headers = {"Authorization": f"Bearer {secrets[role]}"}
    # Fuzzing tries many wrong things: none of it should wait behind the throttle.
    app = create_app(settings.model_copy(update={"auth_failures": 10**6}))
    failures: list[str] = []
    with TestClient(app):  # runs the lifespan: the app's services stay on app.state
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 12
        for operation in operations:

            @given(case=operation.as_strategy())
            @hypothesis_settings(
                max_examples=25, deadline=None, suppress_health_check=list(HealthCheck)
            )
            def run(case: Any) -> None:
                case.call_and_validate(
                    headers=headers,
                    checks=[
                        not_a_server_error,
                        status_code_conformance,
                        response_schema_conformance,
                    ],
                )

            try:
                run()
            except Exception as exc:  # every operation is tried; all failures are reported
                failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
