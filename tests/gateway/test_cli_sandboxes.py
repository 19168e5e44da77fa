"""`atrium sandbox <vendor>` hands over to `python -m sandboxes`."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import httpx

from gateway.cli_sandboxes import sandbox_argv
from gateway.settings import GatewaySettings
from tests.fixtures.servers import free_port


def atrium(*args: str) -> list[str]:
    return [sys.executable, "-m", "gateway.cli", *args]


def test_arguments_are_passed_to_the_runner(tmp_path: Path) -> None:
    args = argparse.Namespace(
        vendor="xero", host="127.0.0.1", port=8299, data_dir=None, no_seed=True
    )
    argv = sandbox_argv(args, GatewaySettings(data_dir=tmp_path))
    assert argv[1:4] == ["-m", "sandboxes", "xero"]
    assert argv[argv.index("--port") + 1] == "8299"
    assert argv[argv.index("--data-dir") + 1] == str(tmp_path / "sandboxes")
    assert argv[-1] == "--no-seed"


def test_unknown_vendor_is_refused_by_the_runner() -> None:
    result = subprocess.run(
        atrium("sandbox", "crm"), capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "unknown vendor 'crm'" in result.stderr


def test_sandbox_command_serves_the_vendor(tmp_path: Path) -> None:
    port = free_port()
    command = atrium("sandbox", "stripe", "--port", str(port), "--data-dir", str(tmp_path))
    child = subprocess.Popen([*command, "--no-seed"], stdout=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert child.poll() is None, "the sandbox exited"
            assert time.monotonic() < deadline, "the sandbox did not start"
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/_sandbox/stats", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        assert response.status_code == 200
        assert (tmp_path / "stripe.db").is_file()
    finally:
        child.terminate()
        child.wait(timeout=15)
        assert child.stdout is not None
        child.stdout.close()
