"""Start servers pinned to a core, wait until they answer, and always stop them."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from bench.errors import BenchError

LOOPBACK = "127.0.0.1"
START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class Server:
    """A running server: its process (leader of its own process group) and its port."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def free_ports(count: int) -> list[int]:
    """Ports the kernel just considered free on loopback, all distinct.

    The sockets stay bound until all are picked so no port is handed out twice;
    the small race until the servers bind them is accepted.
    """
    with ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind((LOOPBACK, 0))
        return [int(probe.getsockname()[1]) for probe in probes]


def free_port_run(count: int, attempts: int = 50) -> list[int]:
    """`count` consecutive ports free on loopback, for a server that takes a port base."""
    for _ in range(attempts):
        with ExitStack() as stack:
            first = stack.enter_context(socket.socket())
            first.bind((LOOPBACK, 0))
            base = int(first.getsockname()[1])
            try:
                for port in range(base + 1, base + count):
                    stack.enter_context(socket.socket()).bind((LOOPBACK, port))
            except (OSError, OverflowError):
                continue
            return list(range(base, base + count))
    raise BenchError(f"found no {count} consecutive free ports in {attempts} attempts")


def http_get(port: int, path: str, timeout_s: float = 2.0) -> tuple[int, bytes]:
    """GET over plain http.client, which never routes through an HTTP(S)_PROXY variable."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout_s)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextmanager
def running(
    name: str,
    command: list[str],
    *,
    core: int,
    port: int,
    ready_path: str,
    log_path: Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    start_timeout_s: float = START_TIMEOUT_S,
) -> Iterator[Server]:
    """Run `command` pinned to `core`; yield once `ready_path` answers 200; stop on exit."""
    server = _start(name, command, core=core, port=port, log_path=log_path, cwd=cwd, env=env)
    try:
        _wait_until_ready(server, ready_path, start_timeout_s)
        yield server
    finally:
        stop(server)


def _start(
    name: str,
    command: list[str],
    *,
    core: int,
    port: int,
    log_path: Path,
    cwd: Path | None,
    env: Mapping[str, str] | None,
) -> Server:
    with log_path.open("wb") as log:
        # A new session keeps Ctrl-C away from the servers (we stop them in order) and
        # makes the process group hold exactly the server and its workers.
        process = subprocess.Popen(
            ["taskset", "-c", str(core), *command],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
    return Server(name, process, port, log_path)


def _wait_until_ready(server: Server, path: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(
                f"{server.name} exited with status {server.process.returncode} "
                f"before answering:\n{server.log_tail()}"
            )
        try:
            if http_get(server.port, path, timeout_s=1.0)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise BenchError(
        f"{server.name} did not answer 200 on {LOOPBACK}:{server.port}{path} "
        f"within {timeout_s:.0f} s:\n{server.log_tail()}"
    )


def stop(server: Server) -> None:
    """SIGTERM the whole group (nginx master and workers); SIGKILL it if that hangs."""
    # Once reaped, the pid (and so the group id) may belong to someone else: leave it.
    if server.process.poll() is not None:
        return
    _signal_group(server, signal.SIGTERM)
    try:
        server.process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        _signal_group(server, signal.SIGKILL)
        server.process.wait()


def _signal_group(server: Server, signum: signal.Signals) -> None:
    with suppress(ProcessLookupError):
        os.killpg(server.pid, signum)
