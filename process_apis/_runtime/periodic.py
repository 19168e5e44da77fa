"""Background passes (pollers, sweeps, heartbeats) that stop when their task is cancelled.

A pass that fails is logged and the next one runs. A cancellation is never taken for a
failure: code under a pass can lose it — on Python 3.11 `asyncio.wait_for` swallows a
cancel that arrives as its inner call completes — or turn it into another exception, and
a loop that carried on would hold the gateway's shutdown until its next pass. So the task's
own pending-cancel count decides, after every pass, whatever the pass raised or returned.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager, suppress
from typing import Any


def cancelling() -> bool:
    """Whether the current task has been asked to stop (even if a callee ate the cancel)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def every(
    interval_s: float,
    work: Callable[[], Awaitable[object]],
    *,
    log: logging.Logger,
    failure: str,
    level: int = logging.WARNING,
    wait_first: bool = False,
) -> None:
    """Run `work` every `interval_s` until cancelled; a failed pass is logged as `failure`."""
    if wait_first:
        await asyncio.sleep(interval_s)
    while True:
        try:
            await work()
        except Exception:
            if cancelling():
                raise asyncio.CancelledError from None
            log.log(level, failure, exc_info=True)
        if cancelling():
            raise asyncio.CancelledError
        await asyncio.sleep(interval_s)


@asynccontextmanager
async def in_background(work: Coroutine[Any, Any, None] | None) -> AsyncIterator[None]:
    """Run `work` (a forever loop, or nothing) as a task while the block runs; then stop it."""
    if work is None:
        yield
        return
    task = asyncio.create_task(work)
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
