"""The operations console's documents, exactly as agreed, validate against the schema.

gateway/console/ is written against these names; renaming a field breaks the console, so a
rename must fail here first.
"""

from __future__ import annotations

import pytest
from graphql import parse, validate

from gateway.graphql.schema import build_schema

SCHEMA = build_schema()._schema

DOCUMENTS = {
    "tiles": """{ integrationHealth {
        kpis { timeToBillHours staffingActivationHours exceptionRate openExceptions
               syncCompleteness }
        openExceptionsByOwner { owner count }
        slaBreaches { kind count } } }""",
    "utilization": """query($period: String!, $groupBy: GroupBy!) {
        utilization(period: $period, groupBy: $groupBy) {
            rows { key label billableHours nonBillableHours capacityHours leaveHours
                   utilization } } }""",
    "queue": """query($status: ExceptionStatus, $first: Int!) {
        exceptions(status: $status, first: $first) { edges { node {
            id errorType title owner status flow runId businessKeys slaDueAt } } } }""",
    "runs": """query($first: Int!) { flowRuns(first: $first) { edges { node {
        id flow status businessKeys createdAt steps { name succeeded durationMs } } } } }""",
    "lineage": """query($key: String!) { lineage(key: $key) {
        runs { id flow status steps { name upstreamIds } } exceptions { id } events { id } } }""",
    "actions": """mutation($id: ID!, $data: JSON, $reason: String!) {
        claim: claimException(id: $id) { id status }
        resume: resumeException(id: $id, data: $data) { id status }
        retry: retryException(id: $id) { id status }
        cancel: cancelException(id: $id, reason: $reason) { id status } }""",
    "runs-live": """subscription($flow: String) { runStatusChanged(flow: $flow) {
        id flow status } }""",
    "queue-live": "subscription { exceptionOpened { id errorType owner status } }",
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_consoles_document_is_valid(name: str) -> None:
    assert validate(SCHEMA, parse(DOCUMENTS[name])) == []
