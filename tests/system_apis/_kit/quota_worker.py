"""One process of the shared-quota test: fire N concurrent calls through a VendorConnector.

Run as `python -m tests.system_apis._kit.quota_worker URL REDIS_URL VENDOR LIMIT N`; prints
one JSON line with the status codes it got.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter

import httpx

from system_apis._kit.connector import VendorConnector
from system_apis._kit.quota import OutboundQuota
from system_apis._kit.retry import RetryPolicy


async def main(url: str, redis_url: str, vendor: str, limit: str, calls: int) -> None:
    quota = OutboundQuota.build(vendor, "tenant-1", [limit], redis_url=redis_url, max_wait_s=120)
    client = httpx.AsyncClient(base_url=url, timeout=30, limits=httpx.Limits(max_connections=20))
    # attempts=1: a 429 must show up in the counts, not be hidden by a retry
    connector = VendorConnector(vendor, client, quota=quota, retry=RetryPolicy(attempts=1))

    async def call(i: int) -> int:
        try:
            response = await connector.send("GET", f"/things/{i}", idempotent=True)
        except Exception as exc:
            return getattr(exc, "status", None) or 0
        return response.status_code

    try:
        statuses = await asyncio.gather(*(call(i) for i in range(calls)))
    finally:
        await connector.aclose()
    print(json.dumps(Counter(statuses)))


if __name__ == "__main__":
    url, redis_url, vendor, limit, calls = sys.argv[1:6]
    asyncio.run(main(url, redis_url, vendor, limit, int(calls)))
