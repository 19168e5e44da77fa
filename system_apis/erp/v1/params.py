"""Path, query and dependency aliases shared by the ERP v1 routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from contracts.erp import CODE_PATTERN, PERIOD_PATTERN
from system_apis._kit.runtime import service_dep
from system_apis.erp.v1.service import ErpService

ErpDep = Annotated[ErpService, service_dep("system/erp/v1", ErpService)]

_GUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

LegalEntityCode = Annotated[
    str, Path(pattern=CODE_PATTERN, description="Legal entity code, e.g. GB01.")
]
BusinessKey = Annotated[str, Path(pattern=CODE_PATTERN, max_length=50)]
RemoteId = Annotated[str, Path(pattern=_GUID, description="The ERP's id of the record.")]
PeriodQuery = Annotated[
    str | None, Query(pattern=PERIOD_PATTERN, description="Accounting period 'YYYY-MM'.")
]


def created_status(created: bool) -> int:
    """201 when the upsert created the record, 200 when it was already there."""
    return 201 if created else 200


__all__ = ["BusinessKey", "ErpDep", "LegalEntityCode", "PeriodQuery", "RemoteId"]
