"""Parameters and dependencies the PSA v1 routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, status

from system_apis._kit.runtime import service_dep
from system_apis.psa.v1.service import PsaService

PsaDep = Annotated[PsaService, service_dep("system/psa/v1", PsaService)]
Id = Annotated[str, Path(pattern=r"^\d{1,18}$", description="The PSA's id.")]
IdFilter = Annotated[str | None, Query(pattern=r"^\d{1,18}$")]
Key = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]


def created_status(created: bool) -> int:
    """201 for a new object, 200 when a repeated create found the first one."""
    return status.HTTP_201_CREATED if created else status.HTTP_200_OK
