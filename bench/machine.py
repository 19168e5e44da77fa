"""Describe the machine and checkout a result came from, so results can be compared."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.toolchain import tool_versions

# The server side is pinned to core 1 and wrk to core 0.
REQUIRED_CORES = frozenset({0, 1})
_PACKAGES = ("uvicorn", "httpx", "starlette", "fastapi", "uvloop", "httptools")


def usable_cores() -> set[int]:
    return set(os.sched_getaffinity(0))


def machine_info(repo: Path) -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "usable_cores": sorted(usable_cores()),
        "cpu_model": _cpu_model(),
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "tools": tool_versions(),
        "packages": {name: _version(name) for name in _PACKAGES},
        "git": _git(repo),
    }


def _cpu_model() -> str | None:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git(repo: Path) -> dict[str, Any] | None:
    """Short commit, and whether uncommitted changes may have been measured too."""
    commit = _git_output(repo, "rev-parse", "--short", "HEAD")
    if commit is None:
        return None
    status = _git_output(repo, "status", "--porcelain")
    return {"commit": commit, "dirty": bool(status)}


def _git_output(repo: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None
