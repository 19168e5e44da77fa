"""`python -m sandboxes`: which vendors, which ports, serving them all, and stopping."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sandboxes.runner import KNOWN_ORDER, plan, vendors
from tests.fixtures.servers import free_port


def wait_for(path: Path, child: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.is_file():
        assert child.poll() is None, f"runner exited with {child.returncode}"
        assert time.monotonic() < deadline, "runner not ready in time"
        time.sleep(0.05)


def free_port_block(size: int) -> int:
    """A base port with `size` free ports from it (checked, not reserved)."""
    for _ in range(50):
        base = free_port()
        sockets = []
        try:
            for port in range(base, base + size):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free block of ports")


def runner(*args: str) -> list[str]:
    return [sys.executable, "-m", "sandboxes", *args]


def test_the_four_vendors_come_first_in_port_order() -> None:
    assert tuple(vendors()[:4]) == KNOWN_ORDER


def test_all_puts_each_vendor_at_its_offset_from_the_base(tmp_path: Path) -> None:
    targets = plan("all", port=None, port_base=9000, data_dir=tmp_path)
    assert [(t.vendor, t.port) for t in targets][:4] == [
        ("xero", 9000),
        ("bamboohr", 9001),
        ("harvest", 9002),
        ("stripe", 9003),
    ]
    assert targets[0].store_path == tmp_path / "xero.db"


def test_one_vendor_takes_the_given_port_or_its_default(tmp_path: Path) -> None:
    assert plan("harvest", port=None, port_base=8201, data_dir=tmp_path)[0].port == 8203
    assert plan("harvest", port=9999, port_base=8201, data_dir=tmp_path)[0].port == 9999


def test_unknown_vendor_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown vendor 'crm'"):
        plan("crm", port=None, port_base=8201, data_dir=tmp_path)
    result = subprocess.run(runner("crm"), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "unknown vendor" in result.stderr


def test_all_serves_every_vendor_then_stops_on_sigterm(tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    base = free_port_block(len(vendors()))
    args = ["all", "--port-base", str(base), "--data-dir", str(tmp_path / "data")]
    child = subprocess.Popen(runner(*args, "--ready-file", str(ready)))
    try:
        wait_for(ready, child)
        with httpx.Client(timeout=5) as client:
            for vendor, port in zip(vendors(), range(base, base + 4), strict=False):
                url = f"http://127.0.0.1:{port}/_sandbox/stats"
                assert client.get(url).status_code == 200, vendor
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=15) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert {p.name for p in (tmp_path / "data").glob("*.db")} >= {f"{v}.db" for v in KNOWN_ORDER}


def test_runner_stops_when_its_parent_is_killed(tmp_path: Path) -> None:
    ready, pid_file = tmp_path / "ready.json", tmp_path / "child.pid"
    command = runner(
        "stripe", "--port", str(free_port()), "--data-dir", str(tmp_path), "--no-seed",
        "--ready-file", str(ready), "--exit-with-parent",
    )  # fmt: skip
    parent_code = (
        "import subprocess, sys, time, pathlib\n"
        f"child = subprocess.Popen({command!r})\n"
        f"pathlib.Path({str(pid_file)!r}).write_text(str(child.pid))\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", parent_code])
    try:
        wait_for(ready, parent)
        child_pid = int(pid_file.read_text())
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 15
        while alive(child_pid):
            assert time.monotonic() < deadline, "orphaned sandbox kept running"
            time.sleep(0.1)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    if state == "Z":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
