"""CPU time (user + system) a server and its direct children have used, from /proc."""

from __future__ import annotations

import os
from pathlib import Path

_TICKS_PER_S = os.sysconf("SC_CLK_TCK")
# Field positions after the ")" that closes the command name, which may contain spaces.
_PPID, _UTIME, _STIME = 1, 11, 12


def tree_cpu_s(root_pid: int) -> float:
    """CPU seconds of `root_pid` plus its children: an nginx master and its workers."""
    pids = [root_pid, *children_of(root_pid)]
    return sum(_cpu_s(pid) for pid in pids)


def children_of(parent: int) -> list[int]:
    # Scanning /proc works on every kernel; /proc/<pid>/task/*/children is optional.
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None and int(fields[_PPID]) == parent:
                children.append(int(entry.name))
    return children


def _cpu_s(pid: int) -> float:
    fields = _stat_fields(pid)
    if fields is None:
        return 0.0
    return (int(fields[_UTIME]) + int(fields[_STIME])) / _TICKS_PER_S


def _stat_fields(pid: int) -> list[str] | None:
    """Fields after the command name, or None if the process has gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()
