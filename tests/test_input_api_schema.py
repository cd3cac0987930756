"""No request the API's own OpenAPI schema describes makes it answer 5xx: Schemathesis
generates requests from /api/v1/schema/ (drf-spectacular) and sends them in-process to the
WSGI application. Bounded: a few examples per operation.

The operations are walked in one test rather than through `schema.parametrize()`: its
fixture-loaded form (`schemathesis.pytest.from_fixture`, needed because the schema is read
from the test database) fails on pytest 9 (`Function` has no `_nodeid`)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from impact_alliances.wsgi import application

from .test_input_fuzz import catalogue

pytestmark = pytest.mark.django_db

__all__ = ["catalogue"]

BOUNDED = settings(
    max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


@pytest.fixture
def keep_test_connection():
    """The WSGI application is called as is, not through Django's test client: keep its
    request signals from closing the test's transaction, as the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_request_the_schema_describes_makes_the_api_fail(catalogue, keep_test_connection):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10  # list and detail of the five resources, at least

    for operation in operations:

        @BOUNDED
        @given(case=operation.as_strategy())
        def no_server_error(case):
            response = case.call()
            assert response.status_code < 500, case.as_curl_command()

        no_server_error()
