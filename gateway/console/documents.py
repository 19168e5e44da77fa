"""Every GraphQL document the console sends, by name: its trusted documents.

The console sends only a document's SHA-256 (`extensions.persistedQuery.sha256Hash`, the
convention of Apollo's persisted queries), never its text; the gateway looks the text up
here. So the console works unchanged when `/graphql` accepts trusted documents only, and a
rename in the schema fails `tests/gateway/graphql/test_console_contract.py`, not a browser.
"""

from __future__ import annotations

from gateway.graphql.trusted import document_hash

_EXCEPTION = """id exceptionId kind status errorType title detail owner claimedBy flow runId
    businessKeys slaDueAt slaBreached"""
_RUN = "id runId flow status businessKeys createdAt updatedAt exceptionId"

DOCUMENTS: dict[str, str] = {
    "tiles": """query ConsoleTiles {
  integrationHealth {
    since asOf slaDays
    kpis { timeToBillHours staffingActivationHours exceptionRate openExceptions
           syncCompleteness }
    openExceptionsByOwner { owner count }
    slaBreaches { kind description count }
  }
}""",
    "utilization": """query ConsoleUtilization($period: String!, $groupBy: GroupBy!) {
  utilization(period: $period, groupBy: $groupBy) {
    period start end
    rows { key label people billableHours nonBillableHours capacityHours leaveHours
           availableHours utilization }
    total { billableHours nonBillableHours availableHours utilization }
  }
}""",
    "queue": f"""query ConsoleQueue($status: ExceptionStatus, $first: Int!) {{
  exceptions(status: $status, first: $first) {{ edges {{ node {{ {_EXCEPTION} }} }} }}
}}""",
    "runs": f"""query ConsoleRuns($flow: String, $first: Int!) {{
  flowRuns(flow: $flow, first: $first) {{ edges {{ node {{
    {_RUN} steps {{ name succeeded durationMs }}
  }} }} }}
}}""",
    "lineage": """query ConsoleLineage($key: String!) {
  lineage(key: $key) {
    key
    runs { id runId flow status createdAt steps { name succeeded durationMs upstreamIds } }
    exceptions { id exceptionId title status owner }
    events { id eventId type time subject }
  }
}""",
    "claim": f"""mutation ConsoleClaim($id: ID!, $note: String) {{
  claimException(id: $id, note: $note) {{ {_EXCEPTION} }}
}}""",
    "resume": f"""mutation ConsoleResume($id: ID!, $data: JSON, $note: String) {{
  resumeException(id: $id, data: $data, note: $note) {{ {_EXCEPTION} }}
}}""",
    "retry": f"""mutation ConsoleRetry($id: ID!, $note: String) {{
  retryException(id: $id, note: $note) {{ {_EXCEPTION} }}
}}""",
    "cancel": f"""mutation ConsoleCancel($id: ID!, $reason: String!) {{
  cancelException(id: $id, reason: $reason) {{ {_EXCEPTION} }}
}}""",
    "runsLive": f"""subscription ConsoleRunsLive($flow: String) {{
  runStatusChanged(flow: $flow) {{ {_RUN} steps {{ name succeeded durationMs }} }}
}}""",
    "queueLive": f"""subscription ConsoleQueueLive {{
  exceptionOpened {{ {_EXCEPTION} }}
}}""",
}

HASHES: dict[str, str] = {name: document_hash(text) for name, text in DOCUMENTS.items()}
