"""`atrium serve` works from any directory, keeps data under ./var there, and says where it is."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fixtures.servers import free_port

ATRIUM = Path(sys.executable).with_name("atrium")


def wait_for(url: str, within_s: float = 20) -> httpx.Response:
    deadline = time.monotonic() + within_s
    while True:
        try:
            return httpx.get(url, timeout=1)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_serve_from_any_directory_on_the_embedded_profile(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATRIUM_")}
    process = subprocess.Popen(
        [str(ATRIUM), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(f"{base}/livez").status_code == 200
        assert wait_for(f"{base}/readyz").json()["checks"]["database"] == "ok"
        assert "apis" in httpx.get(f"{base}/catalog").json()
        assert (tmp_path / "var" / "atrium.db").exists()
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 130, err  # stopped by Ctrl-C after a graceful shutdown
    assert f"{base}/catalog" in out
    assert f"{base}/docs" in out
    log_lines = [line for line in err.splitlines() if line.startswith("{")]
    assert any('"logger":"atrium.access"' in line for line in log_lines)
    assert "Traceback" not in err


def test_settings_are_not_read_at_import_time() -> None:
    env = {**os.environ, "ATRIUM_PORT": "not-a-port"}
    code = "import gateway.app, gateway.cli; print('imported')"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "imported", result.stderr


def test_bad_setting_is_reported_clearly(tmp_path: Path) -> None:
    env = {**os.environ, "ATRIUM_PORT": "99999"}
    result = subprocess.run(
        [str(ATRIUM), "serve"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert result.returncode == 2
    assert "ATRIUM_PORT" in result.stderr
    assert "Traceback" not in result.stderr
