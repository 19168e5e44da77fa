"""The vendor sandboxes as a child process of `atrium serve`.

The gateway never imports `sandboxes` (import-linter forbids it): it runs
`python -m sandboxes all ...`, waits (bounded) for the child's ready file, and stops the child
when the gateway stops. Stores live under `<data_dir>/sandboxes/` and are seeded only when
empty, so a restart keeps whatever the demo wrote.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gateway.settings import GatewaySettings

STOP_TIMEOUT_S = 10.0


class SandboxStartError(RuntimeError):
    """The sandboxes did not come up."""


def sandbox_command(settings: GatewaySettings, ready_file: Path) -> list[str]:
    """The command line that serves every vendor sandbox for these settings."""
    return [
        sys.executable,
        "-m",
        "sandboxes",
        "all",
        "--port-base",
        str(settings.sandbox_port_base),
        "--data-dir",
        str(settings.data_dir / "sandboxes"),
        "--ready-file",
        str(ready_file),
        "--exit-with-parent",
    ]


@contextmanager
def running_sandboxes(
    command: list[str], ready_file: Path, timeout_s: float
) -> Iterator[dict[str, str]]:
    """Start `command`, yield `{vendor: url}` once it is ready, stop it on the way out."""
    ready_file.parent.mkdir(parents=True, exist_ok=True)
    ready_file.unlink(missing_ok=True)
    child = subprocess.Popen(command)  # noqa: S603  (our own interpreter and module)
    try:
        yield _wait_ready(child, ready_file, timeout_s)
    finally:
        stop(child)
        ready_file.unlink(missing_ok=True)


def _wait_ready(
    child: subprocess.Popen[bytes], ready_file: Path, timeout_s: float
) -> dict[str, str]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if ready_file.is_file():
            urls: dict[str, str] = json.loads(ready_file.read_text())
            return urls
        if child.poll() is not None:
            raise SandboxStartError(f"the sandboxes exited with status {child.returncode}")
        time.sleep(0.05)
    raise SandboxStartError(f"the sandboxes were not ready within {timeout_s:g} s")


def stop(child: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if the child has not exited in time."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
