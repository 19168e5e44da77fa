"""Scenario G+: Atrium with every edge policy on, beside bare G.

G+ serves the same remote API, but: the caller sends a JWT (verified, scope-checked
against `scopes.yaml`), a Redis moving-window rate limit counts it (a generous tier,
so nothing is refused), each request is a POST with a fresh `Idempotency-Key` (claimed
and stored in SQLite), and the per-request INFO access log line is written.

G stays bare: the proxied path is public in its policy folder (no token), it has no
Redis (so its limiter counts in memory) and it logs at WARNING.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import subprocess
import textwrap
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from bench.errors import BenchError
from bench.gateway import API_NAME
from bench.processes import LOOPBACK

SCOPE = "bench.anything:use"
POSTED_BODY = '{"bench": true}'

_SCOPES = """\
scopes:
  {scope}: Call the bench upstream.
public_paths: [/openapi.json, /docs{extra_public}]
operations: {{}}
"""

_RATE_LIMITS = """\
# A generous tier: every request is counted in Redis, none is refused.
default_tier: bench
tiers:
  bench: ["1000000/second", "1000000000/hour"]
"""

_WRK_SCRIPT = """\
-- POST with a bearer token and a new Idempotency-Key per request.
wrk.method = "POST"
wrk.body = '{body}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
-- The script serves every wrk run (warm-up, each round, both concurrencies) and each
-- run counts from 1 again: a prefix drawn per run keeps every key new, so no request
-- is a replay of an earlier run's.
local urandom = io.open("/dev/urandom", "rb")
local prefix = urandom:read(8):gsub(".", function(c) return string.format("%02x", c:byte()) end)
urandom:close()
local sent = 0
request = function()
  sent = sent + 1
  wrk.headers["Idempotency-Key"] = prefix .. "-" .. sent
  return wrk.format()
end
"""


def write_policies(root: Path, *, public_proxy: bool) -> Path:
    """A policy folder: scopes (the proxied path public or not) and a generous rate limit."""
    folder = root / ("policies-public" if public_proxy else "policies-protected")
    folder.mkdir(parents=True)
    extra = ", /anything" if public_proxy else ""
    (folder / "scopes.yaml").write_text(_SCOPES.format(scope=SCOPE, extra_public=extra))
    write_rate_limits(folder)
    return folder


def write_rate_limits(folder: Path) -> Path:
    """`rate_limits.yaml` with one generous tier in `folder`; return its path."""
    path = folder / "rate_limits.yaml"
    path.write_text(_RATE_LIMITS)
    return path


@contextmanager
def redis_server(core: int, port: int) -> Iterator[str]:
    """A private, non-persistent redis-server pinned to `core`; yields its URL."""
    command = ["taskset", "-c", str(core), "redis-server", "--port", str(port)]
    command += ["--bind", LOOPBACK, "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        _wait_for_redis(process, port)
        yield f"redis://{LOOPBACK}:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_for_redis(process: subprocess.Popen[bytes], port: int) -> None:
    import socket  # noqa: PLC0415

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"redis-server exited with status {process.returncode}")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise BenchError("redis-server did not answer PING within 10 s")


def issue_token(
    atrium: Path, env: Mapping[str, str], cwd: Path, port: int, *, scope: str = SCOPE
) -> str:
    """Register a bench client with the CLI, then get a token from the running gateway."""
    created = subprocess.run(
        [str(atrium), "clients", "create", "--name", "bench", "--scope", scope],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    found = dict(re.findall(r"^(client_id|client_secret)\s+(\S+)", created.stdout, re.M))
    if created.returncode != 0 or len(found) != 2:
        raise BenchError(f"atrium clients create failed: {created.stdout}{created.stderr}")
    basic = base64.b64encode(f"{found['client_id']}:{found['client_secret']}".encode()).decode()
    status, body = http_request(
        port,
        "POST",
        "/oauth/token",
        "grant_type=client_credentials",
        {"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    if status != 200:
        raise BenchError(f"token endpoint answered {status}: {body[:300]!r}")
    token: str = json.loads(body)["access_token"]
    return token


def wrk_script(root: Path, token: str) -> Path:
    """A wrk Lua script for G+; each wrk run draws its own key prefix, so no key repeats."""
    path = root / f"gplus-{uuid.uuid4().hex[:8]}.lua"
    body = _WRK_SCRIPT.format(body=POSTED_BODY, token=token)
    path.write_text(textwrap.dedent(body))
    return path


def verify_post(port: int, path: str, token: str) -> tuple[int, bytes]:
    """One keyed POST by hand, as wrk will send it."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Idempotency-Key": f"verify-{uuid.uuid4().hex}",
    }
    return http_request(port, "POST", path, POSTED_BODY, headers)


def http_request(
    port: int,
    method: str,
    path: str,
    body: str,
    headers: Mapping[str, str],
    *,
    timeout_s: float = 5.0,
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout_s)
    try:
        connection.request(method, path, body=body.encode(), headers=dict(headers))
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def proxied_path() -> str:
    return f"/system/{API_NAME}/v1/anything"
