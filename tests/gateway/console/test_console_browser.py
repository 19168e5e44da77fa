"""The operations console in a real browser, against a real `atrium serve` and its demo firm.

Debian's chromium (`/usr/bin/chromium`, installed by .ci/run when missing) driven by
Playwright: sign in with the demo client the server prints, see the KPI tiles of the demo
firm, watch a time-to-cash run park in a closed period arrive in the exception queue, resume
it with an open period from the queue, and see the run's status turn to succeeded — all
without reloading the page (a marker set on `window` must survive). The screenshot is saved
to `tests/artifacts/console.png` (or `$ATRIUM_TEST_ARTIFACTS`).
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.fixtures.processes import REPO, atrium_serve
from tests.fixtures.servers import free_port_base
from tests.fixtures.services import services_required

CHROMIUM = Path(os.environ.get("ATRIUM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(os.environ.get("ATRIUM_TEST_ARTIFACTS", REPO / "tests" / "artifacts"))
VENDORS = (  # in the sandboxes' port order: xero, bamboohr, harvest, stripe
    ("ATRIUM_ERP_BASE_URL", ""),
    ("ATRIUM_HCM_BASE_URL", ""),
    ("ATRIUM_PSA_BASE_URL", "/v2"),
    ("ATRIUM_BILLING_BASE_URL", ""),
)
PROJECT, CLOSED, OPEN = "PRJ-0047", "2026-08", "2026-09"
RUN_ID = f"time-to-cash:{PROJECT}:{CLOSED}"
# Live vendor data through the gateway, under the Harvest quota (100 calls / 15 s) that the
# dashboards and runs share: generous, but bounded.
LOAD_MS = 90_000
LIVE_MS = 60_000


@dataclass(frozen=True)
class Gateway:
    url: str
    client_id: str
    client_secret: str

    async def api(self) -> httpx.AsyncClient:
        """An HTTP client of the gateway holding a fresh token of the demo client."""
        async with httpx.AsyncClient(base_url=self.url) as anonymous:
            response = await anonymous.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(self.client_id, self.client_secret),
            )
        response.raise_for_status()
        token = response.json()["access_token"]
        # Generous: the dashboards of a page just closed may still hold the Harvest quota
        # (100 calls per 15 s), which a run's first steps then wait for.
        return httpx.AsyncClient(
            base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=LIVE_MS / 1000
        )


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install chromium)"
    if services_required():
        pytest.fail(f"{message} and ATRIUM_REQUIRE_SERVICES is set", pytrace=False)
    pytest.skip(f"{message}; install it to run the console's browser test")


def _demo_credential(log: Path) -> tuple[str, str]:
    """The demo client the banner prints (just after the server starts answering)."""
    deadline = time.monotonic() + 10
    while True:
        printed = log.read_text()
        client_id = re.search(r"client_id\s+(\S+)", printed)
        secret = re.search(r"client_secret\s+(\S+)", printed)
        if client_id and secret:
            return client_id[1], secret[1]
        assert time.monotonic() < deadline, f"no demo client in the banner:\n{printed[-2000:]}"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """`atrium serve` as a user starts it (embedded profile, sandboxes, demo client)."""
    _need_chromium()
    data_dir = tmp_path_factory.mktemp("console")
    base = free_port_base(len(VENDORS))
    env = {
        "ATRIUM_DATA_DIR": str(data_dir / "var"),
        "ATRIUM_SANDBOX_PORT_BASE": str(base),
        # The HCM pollers would start runs of their own; this test watches one run.
        "ATRIUM_HIRE_TO_ASSIGN_POLL_INTERVAL_S": "0",
        "ATRIUM_LEAVE_SYNC_POLL_INTERVAL_S": "0",
    }
    for offset, (variable, path) in enumerate(VENDORS):
        env[variable] = f"http://127.0.0.1:{base + offset}{path}"
    log = data_dir / "serve.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with atrium_serve(env, log) as url:
        client_id, secret = _demo_credential(log)
        yield Gateway(url, client_id, secret)


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


async def _signed_in(browser: Browser, gateway: Gateway) -> tuple[Page, list[str]]:
    page = await browser.new_page(viewport={"width": 1366, "height": 900})
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    await page.goto(f"{gateway.url}/console")
    await page.get_by_label("Client id").fill(gateway.client_id)
    await page.get_by_label("Client secret").fill(gateway.client_secret)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_text(f"Signed in as {gateway.client_id}")).to_be_visible()
    return page, problems


def _tile(page: Page, kpi: str) -> str:
    return f'#kpis li[data-kpi="{kpi}"] .value'


async def _tile_number(page: Page, kpi: str) -> float:
    text = (await page.locator(_tile(page, kpi)).inner_text()).split()[0]
    return float(text.rstrip("%").replace(",", ""))


async def test_console_shows_the_firm_and_resumes_a_parked_run_live(
    browser: Browser, gateway: Gateway
) -> None:
    page, problems = await _signed_in(browser, gateway)

    # KPI tiles with the demo firm's own figures.
    await expect(page.locator(_tile(page, "syncCompleteness"))).to_have_text(
        re.compile(r"\d"), timeout=LOAD_MS
    )
    assert await _tile_number(page, "syncCompleteness") > 0
    assert await _tile_number(page, "staffingActivationHours") > 0
    # The utilization chart: one bar group per org unit, with an accessible name.
    chart = page.get_by_role("img", name=re.compile("Billable and non-billable hours"))
    await expect(chart).to_be_visible(timeout=LOAD_MS)
    assert await chart.locator("g").count() > 1
    await expect(page.locator("#live")).to_have_text("Live", timeout=LIVE_MS)
    await page.evaluate("window.__notReloaded = true")

    # A run parks in a closed period: the queue and the runs table learn it live.
    async with await gateway.api() as api:
        started = await api.post(
            "/process/time-to-cash/v1/runs",
            json={"project_code": PROJECT, "billing_period": CLOSED},
        )
    assert started.status_code == 202, started.text
    queued = page.locator("#queue tbody tr", has_text=f"Accounting period {CLOSED} is closed")
    await expect(queued).to_be_visible(timeout=LIVE_MS)
    run = page.locator("#runs tbody tr", has_text=RUN_ID)
    await expect(run.locator(".status")).to_have_text("PARKED", timeout=LIVE_MS)
    await expect(page.locator(_tile(page, "openExceptions"))).to_have_text("1", timeout=LIVE_MS)

    # Resume it from the queue with an open period, by keyboard-reachable controls.
    await queued.get_by_role("button", name=re.compile("^Resume")).click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_label("Corrected data").fill(f'{{"accounting_period": "{OPEN}"}}')
    await dialog.get_by_label("Note").fill("August is locked; post in September")
    await dialog.get_by_role("button", name="Confirm").click()
    await expect(dialog).to_be_hidden()
    await expect(page.locator("#notice")).to_contain_text("is resolved")

    # The run finishes and the page shows it without a reload.
    await expect(run.locator(".status")).to_have_text("SUCCEEDED", timeout=LIVE_MS)
    assert await page.evaluate("window.__notReloaded === true")
    await expect(page.locator(_tile(page, "openExceptions"))).to_have_text("0", timeout=LIVE_MS)

    await page.screenshot(path=str(ARTIFACTS / "console.png"), full_page=True)
    assert problems == []


async def _billed(gateway: Gateway, project: str, period: str) -> str:
    """Run time-to-cash for (project, period) to success over REST; its run id."""
    runs = "/process/time-to-cash/v1/runs"
    async with await gateway.api() as api:
        started = await api.post(runs, json={"project_code": project, "billing_period": period})
        assert started.status_code == 202, started.text
        run_id: str = started.json()["id"]
        deadline = time.monotonic() + LOAD_MS / 1000
        while time.monotonic() < deadline:
            status = (await api.get(f"{runs}/{run_id}")).json()["status"]
            if status == "succeeded":
                return run_id
            assert status in ("queued", "running"), status
            await asyncio.sleep(0.25)
    raise AssertionError(f"{run_id} did not finish")


async def test_lineage_search_and_sign_out(browser: Browser, gateway: Gateway) -> None:
    run_id = await _billed(gateway, "PRJ-0001", "2026-10")
    page, problems = await _signed_in(browser, gateway)
    await page.get_by_label("Business key").fill("project_code:PRJ-0001")
    await page.get_by_label("Business key").press("Enter")
    lineage = page.locator("#lineage")
    heading = lineage.get_by_role("heading", name="Runs touching project_code:PRJ-0001")
    await expect(heading).to_be_visible(timeout=LIVE_MS)
    # The run, its steps with the upstream ids they created, and the events it emitted.
    await expect(lineage).to_contain_text(run_id)
    await expect(lineage).to_contain_text("invoice_id=")
    await expect(lineage).to_contain_text("invoice.issued")

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    await expect(page.locator("main")).to_be_hidden()
    assert problems == []


async def test_a_wrong_secret_is_refused_with_the_servers_reason(
    browser: Browser, gateway: Gateway
) -> None:
    page = await browser.new_page()
    await page.goto(f"{gateway.url}/console")
    await page.get_by_label("Client secret").fill("cs_wrong")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#notice")).to_contain_text("Sign-in refused")
    await expect(page.locator("main")).to_be_hidden()
