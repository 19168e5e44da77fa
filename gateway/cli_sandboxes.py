"""`atrium sandbox <vendor>`, and the sandboxes `atrium serve` starts next to the gateway."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from gateway.sandbox_process import SandboxStartError, running_sandboxes, sandbox_command
from gateway.settings import GatewaySettings

LoadSettings = Callable[..., GatewaySettings]


@contextmanager
def sandboxes_for(settings: GatewaySettings) -> Iterator[dict[str, str]]:
    """Run the vendor sandboxes while the block runs, when the settings ask for them.

    A sandbox that cannot start is reported, not fatal: the gateway still serves, and the
    system APIs answer 503 until their vendor is reachable.
    """
    if not settings.sandboxes_enabled():
        yield {}
        return
    ready = settings.data_dir / "sandboxes" / f"ready-{os.getpid()}.json"
    command = sandbox_command(settings, ready)
    with ExitStack() as stack:
        stack.enter_context(_sigterm_unwinds())
        try:
            urls = stack.enter_context(
                running_sandboxes(command, ready, settings.sandbox_start_timeout_s)
            )
        except SandboxStartError as exc:
            sys.stderr.write(f"atrium: {exc}; serving the gateway without them\n")
            urls = {}
        yield urls


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """Make SIGTERM raise SystemExit, so the child is stopped on the way out.

    uvicorn shuts down on SIGTERM and then re-raises it to the handler it found; with the
    default handler the process would die at once and leave the sandboxes running.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def exit_on_sigterm(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def sandbox_argv(args: argparse.Namespace, settings: GatewaySettings) -> list[str]:
    """`python -m sandboxes ...` for the `atrium sandbox` arguments."""
    data_dir = args.data_dir or settings.data_dir / "sandboxes"
    argv = [sys.executable, "-m", "sandboxes", args.vendor, "--host", args.host]
    argv += ["--data-dir", str(data_dir), "--port-base", str(settings.sandbox_port_base)]
    if args.port is not None:
        argv += ["--port", str(args.port)]
    if args.no_seed:
        argv.append("--no-seed")
    return argv


def run_sandbox(args: argparse.Namespace, *, load_settings: LoadSettings) -> int:
    """Replace this process with the sandbox runner (the gateway never imports sandboxes)."""
    argv = sandbox_argv(args, load_settings())
    sys.stdout.flush()
    os.execv(sys.executable, argv)  # noqa: S606  (our own interpreter, no shell)
    return 0  # not reached: execv only returns by raising


def add_sandbox_command(commands: Any, load_settings: LoadSettings) -> None:
    """Register `atrium sandbox`."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "sandbox", help="serve a vendor sandbox: xero, bamboohr, harvest, stripe, or all"
    )
    parser.add_argument("vendor", help="xero, bamboohr, harvest, stripe, or all")
    parser.add_argument("--host", default="127.0.0.1", help="listen address (default loopback)")
    parser.add_argument("--port", type=int, help="listen port (default: the vendor's own)")
    parser.add_argument("--data-dir", type=Path, help="state (default <ATRIUM_DATA_DIR>/sandboxes)")
    parser.add_argument("--no-seed", action="store_true", help="leave an empty store empty")
    parser.set_defaults(handler=partial(run_sandbox, load_settings=load_settings))
