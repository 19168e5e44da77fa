"""Two processes sharing Redis stay inside a vendor's limit: the vendor never answers 429.

The vendor here is a sandbox built from the sandbox kit with a moving-window limit of 60
per window, exactly as the Xero sandbox enforces 60/minute. The window is scaled to 6 s so
200 calls take ~20 s instead of ~3 minutes; the mechanism is the same.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI

from sandboxes._kit.app import sandbox_app
from sandboxes._kit.limiter import VendorRateLimit
from sandboxes._kit.store import Store
from tests.fixtures.servers import ThreadedServer

REPO = Path(__file__).resolve().parents[3]
VENDOR_LIMIT = "60/6 seconds"
CALLS_PER_PROCESS = 100


def vendor_app(store_path: Path) -> FastAPI:
    router = APIRouter()

    @router.get("/things/{thing_id}")
    async def get_thing(thing_id: int) -> dict[str, int]:
        return {"id": thing_id}

    limit = VendorRateLimit([VENDOR_LIMIT], key_fn=lambda request: "tenant-1")
    return sandbox_app("quota-vendor", router, Store(store_path), limit=limit)


@pytest.mark.redis
def test_two_processes_never_trigger_vendor_429(tmp_path: Path, redis_url: str) -> None:
    server = ThreadedServer(vendor_app(tmp_path / "vendor.db"))
    vendor = f"quota-{uuid.uuid4().hex[:8]}"
    with server:
        url = f"http://127.0.0.1:{server.port}"
        started = time.monotonic()
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.system_apis._kit.quota_worker",
                    url,
                    redis_url,
                    vendor,
                    VENDOR_LIMIT,
                    str(CALLS_PER_PROCESS),
                ],
                cwd=REPO,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [w.communicate(timeout=120)[0] for w in workers]
        elapsed = time.monotonic() - started
    counts: Counter[str] = Counter()
    for output in outputs:
        counts.update(json.loads(output.strip().splitlines()[-1]))
    assert counts == {"200": 2 * CALLS_PER_PROCESS}
    # 200 calls at 60 per (6 s + 1 s margin) need at least three full windows
    assert elapsed >= 3 * 6
