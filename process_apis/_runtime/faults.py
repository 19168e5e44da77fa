"""Chaos switch: make this process die at a named point of a flow step (tests and drills only).

`ATRIUM_FLOWS_CRASH_AT="<step>:<point>[@<run id>]"` in the environment the gateway hands
over makes the process SIGKILL itself when the step (its function name) reaches the point,
in any run or only in the run named:

- `before`: the step starts; nothing was sent upstream.
- `after-call`: the step's upstream writes all returned, but DBOS has not checkpointed the
  step. The hardest case: recovery runs the step again, and only its idempotency keys
  stand between the second run and a second invoice.
- any point a step names itself with `crash_point(step, point)`, e.g. `mid` after the
  first of several writes.

Deterministic, unlike killing after a sleep. Unset (always, in production), a crash point
costs one dictionary lookup. A restarted process must not carry the same switch, or the
recovered run dies again at the same point.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from dbos import DBOS

from process_apis._runtime.engine import current_runtime

CRASH_AT = "ATRIUM_FLOWS_CRASH_AT"

_log = logging.getLogger("atrium.flows.faults")
P = ParamSpec("P")
T = TypeVar("T")


def armed(spec: str | None, step: str, point: str, run: str | None) -> bool:
    """Whether the chaos switch `spec` names this point of this step in this run."""
    if not spec:
        return False
    target, _, only_run = spec.partition("@")
    return target == f"{step}:{point}" and only_run in ("", run)


def crash_point(step: str, point: str) -> None:
    """SIGKILL this process if the chaos switch names this point of this step (and run)."""
    spec = current_runtime().context.environ.get(CRASH_AT)
    if not armed(spec, step, point, DBOS.workflow_id):
        return
    _log.critical("chaos switch: killing this process", extra={"at": spec})
    os.kill(os.getpid(), signal.SIGKILL)


def crashable(
    func: Callable[P, Coroutine[Any, Any, T]],
) -> Callable[P, Coroutine[Any, Any, T]]:
    """Give a step body the `before` and `after-call` crash points (put it under @DBOS.step)."""

    @functools.wraps(func)
    async def with_crash_points(*args: P.args, **kwargs: P.kwargs) -> T:
        crash_point(func.__name__, "before")
        result = await func(*args, **kwargs)
        crash_point(func.__name__, "after-call")
        return result

    return with_crash_points
