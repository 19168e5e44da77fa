"""Every request the BambooHR connector sends, and every answer, matches BambooHR's spec."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import httpx
import pytest
from openapi_core import OpenAPI

from system_apis.hcm.connector.models import EMPLOYEE_FIELDS, LIST_FIELDS
from system_apis.hcm.settings import HcmSettings
from system_apis.hcm.v1.runtime import build_connector
from tests.fixtures.sandboxes import SandboxServers
from tests.fixtures.vendor_specs import validate_exchange

# openapi-core cannot check OAuth2 schemes (it warns); List Employees lists only OAuth2.
pytestmark = pytest.mark.filterwarnings("ignore:Unsupported scheme type:UserWarning")


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests on and keeps every (request, response) pair."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self.exchanges.append((request, response))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_connector_speaks_bamboohr_as_specified(
    sandbox_server: SandboxServers, vendor_spec: Callable[[str], OpenAPI]
) -> None:
    spec = vendor_spec("bamboohr")
    bamboohr = sandbox_server("bamboohr")
    recorder = RecordingTransport()
    connector = build_connector(HcmSettings(base_url=bamboohr.url), None, recorder)
    fields = (*EMPLOYEE_FIELDS, "customGrade")
    try:
        page = await connector.list_employees(
            fields=LIST_FIELDS, limit=5, after=None, status="active"
        )
        await connector.list_employees(
            fields=LIST_FIELDS, limit=5, after=page.meta.page.next_cursor, status=None
        )
        await connector.get_employee("2", fields)
        await connector.changed_employees(datetime(2026, 9, 1, tzinfo=UTC))
        await connector.employee_report(fields, [1, 2])
        await connector.list_fields()
        await connector.time_off_requests(
            date(2026, 10, 1), date(2026, 10, 31), status="approved", employee_id="7"
        )
        await connector.whos_out(date(2026, 10, 1), date(2026, 10, 31))
        new_id = await connector.create_employee({"firstName": "Ada", "lastName": "Byron"})
        await connector.update_employee(new_id, {"customGrade": "G2"})
        await connector.add_job_info(new_id, {"date": "2026-11-01", "jobTitle": "Analyst"})
    finally:
        await connector.aclose()
    assert len(recorder.exchanges) == 11
    for request, response in recorder.exchanges:
        assert response.status_code < 300, (request.url, response.text)
        validate_exchange(spec, request, response)
