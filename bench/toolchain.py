"""Make sure wrk, nginx, redis-server and taskset are present, and say which versions ran."""

from __future__ import annotations

import os
import shutil
import subprocess

from bench.errors import BenchError

APT_PACKAGES = ("wrk", "nginx", "redis-server")
_APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}


def ensure_tools() -> None:
    """Install wrk, nginx and redis-server from Debian when missing; require taskset."""
    if shutil.which("taskset") is None:
        raise BenchError("taskset (util-linux) is required to pin processes to cores")
    if all(shutil.which(tool) for tool in APT_PACKAGES):
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise BenchError(f"install {' '.join(APT_PACKAGES)} (needs root and apt-get)")
    print(f"installing {' '.join(APT_PACKAGES)} with apt-get ...", flush=True)
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", *APT_PACKAGES]):
        _run_apt(command)
    missing = [tool for tool in APT_PACKAGES if shutil.which(tool) is None]
    if missing:
        raise BenchError(f"still missing after apt-get install: {', '.join(missing)}")


def _run_apt(command: list[str]) -> None:
    done = subprocess.run(command, env=_APT_ENV, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def tool_versions() -> dict[str, str]:
    """First line of each tool's self-description (both print it even on exit status 1)."""
    return {
        "wrk": _first_line(["wrk", "--version"]),
        "nginx": _first_line(["nginx", "-v"]),
    }


def _first_line(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = (done.stdout + done.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"
