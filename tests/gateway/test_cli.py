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
    assert "client_id     demo" in out
    assert f"{base}/oauth/token" in out
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


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATRIUM_")}
    return subprocess.run(
        [str(ATRIUM), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_clients_create_list_rotate_disable(tmp_path: Path) -> None:
    created = run_cli(
        tmp_path,
        "clients",
        "create",
        "--name",
        "Acme portal",
        "--scope",
        "psa.projects:read",
        "--partner",
        "cust-7",
    )
    assert created.returncode == 0, created.stderr
    client_id = created.stdout.split()[1]
    first_secret = created.stdout.split()[3]
    listed = run_cli(tmp_path, "clients", "list").stdout
    assert client_id in listed
    assert "partner=cust-7" in listed
    assert "psa.projects:read" in listed
    assert first_secret not in listed
    rotated = run_cli(tmp_path, "clients", "rotate-secret", client_id)
    assert rotated.returncode == 0
    assert rotated.stdout.split()[1] != first_secret
    assert run_cli(tmp_path, "clients", "disable", client_id).returncode == 0
    assert f"{client_id}  disabled" in run_cli(tmp_path, "clients", "list").stdout
    assert run_cli(tmp_path, "clients", "disable", "cl_nobody").returncode == 1


def test_keys_rotate_then_retire_previous(tmp_path: Path) -> None:
    first = run_cli(tmp_path, "keys", "rotate").stdout.split()[2].rstrip(";")
    second = run_cli(tmp_path, "keys", "rotate")
    assert second.returncode == 0
    assert run_cli(tmp_path, "keys", "retire", first).returncode == 0
    assert run_cli(tmp_path, "keys", "retire", first).returncode == 1
