"""The system APIs a flow step may call, each through its typed v1 client."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx

from system_apis.billing.v1.client import BillingClient
from system_apis.erp.v1.client import ErpClient
from system_apis.hcm.v1.client import HcmClient
from system_apis.psa.v1.client import PsaClient


@dataclass(frozen=True, slots=True)
class SystemClients:
    """One client per system API, sharing the gateway's internal transport."""

    hcm: HcmClient
    psa: PsaClient
    erp: ErpClient
    billing: BillingClient
    http: tuple[httpx.AsyncClient, ...]

    @classmethod
    def build(cls, api_http: Callable[[str], httpx.AsyncClient]) -> SystemClients:
        clients = {
            role: api_http(f"/system/{role}/v1") for role in ("hcm", "psa", "erp", "billing")
        }
        return cls(
            hcm=HcmClient(clients["hcm"]),
            psa=PsaClient(clients["psa"]),
            erp=ErpClient(clients["erp"]),
            billing=BillingClient(clients["billing"]),
            http=tuple(clients.values()),
        )

    async def aclose(self) -> None:
        for client in self.http:
            await client.aclose()
