"""`python -m sandboxes <vendor>|all`: serve vendor sandboxes on loopback with uvicorn.

Each vendor is a package `sandboxes/<vendor>/` exposing `create_app(store_path, *, seed)`;
its state lives in `<data-dir>/<vendor>.db` and is seeded with the demo firm only when empty,
so a restart keeps what was written. `all` serves every vendor in one process, on
`--port-base` + the vendor's offset (xero 8201, bamboohr 8202, harvest 8203, stripe 8204;
vendors added later follow in name order). `--ready-file` receives `{vendor: url}` as JSON
once every server accepts connections, for a parent process waiting on us.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import os
import pkgutil
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI

import sandboxes

DEFAULT_PORT_BASE = 8201
KNOWN_ORDER = ("xero", "bamboohr", "harvest", "stripe")
NOT_VENDORS = frozenset({"_kit", "demo_firm", "runner"})


def vendors() -> list[str]:
    """Every vendor package, in port order."""
    found = {
        module.name
        for module in pkgutil.iter_modules(sandboxes.__path__)
        if module.ispkg and module.name not in NOT_VENDORS
    }
    known = [name for name in KNOWN_ORDER if name in found]
    return known + sorted(found - set(known))


@dataclass(frozen=True)
class Target:
    """One sandbox to serve."""

    vendor: str
    port: int
    store_path: Path


def plan(selection: str, *, port: int | None, port_base: int, data_dir: Path) -> list[Target]:
    """The sandboxes to start for `selection` (a vendor name or "all")."""
    names = vendors()
    if selection != "all" and selection not in names:
        raise ValueError(f"unknown vendor {selection!r}; choose from {', '.join(names)} or all")
    chosen = names if selection == "all" else [selection]
    targets = []
    for name in chosen:
        chosen_port = port if port is not None and selection != "all" else None
        targets.append(
            Target(name, chosen_port or port_base + names.index(name), data_dir / f"{name}.db")
        )
    return targets


def build_app(target: Target, *, seed: bool) -> FastAPI:
    """The vendor's app over its store file."""
    module = importlib.import_module(f"sandboxes.{target.vendor}")
    target.store_path.parent.mkdir(parents=True, exist_ok=True)
    app: FastAPI = module.create_app(target.store_path, seed=seed)
    return app


class _QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signals to the runner (several share one process)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(
    apps: dict[str, tuple[FastAPI, int]],
    host: str,
    ready_file: Path | None,
    *,
    exit_with_parent: bool = False,
) -> None:
    """Serve each app on its port until SIGINT/SIGTERM, one server stops, or the parent dies."""
    servers = {
        name: _QuietServer(
            uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False)
        )
        for name, (app, port) in apps.items()
    }
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, _stop, servers)
    serving = [asyncio.create_task(s.serve()) for s in servers.values()]
    watchers = [asyncio.create_task(_parent_gone(os.getppid()))] if exit_with_parent else []
    await _announce(servers, apps, host, ready_file, serving)
    await asyncio.wait(serving + watchers, return_when=asyncio.FIRST_COMPLETED)
    _stop(servers)
    for watcher in watchers:
        watcher.cancel()
    await asyncio.gather(*serving, *watchers, return_exceptions=True)


async def _parent_gone(parent: int) -> None:
    """Return once the parent process has died (we were re-parented), even by SIGKILL."""
    while os.getppid() == parent:  # noqa: ASYNC110  (no event tells us; poll)
        await asyncio.sleep(0.5)


def _stop(servers: dict[str, _QuietServer]) -> None:
    for server in servers.values():
        server.should_exit = True


async def _announce(
    servers: dict[str, _QuietServer],
    apps: dict[str, tuple[FastAPI, int]],
    host: str,
    ready_file: Path | None,
    tasks: list[asyncio.Task[None]],
) -> None:
    while not all(s.started for s in servers.values()):
        if any(t.done() for t in tasks):
            return  # a server failed to start (port taken?): serve() stops the rest
        await asyncio.sleep(0.02)
    urls = {name: f"http://{host}:{port}" for name, (_, port) in apps.items()}
    for name, url in urls.items():
        sys.stdout.write(f"{name} sandbox on {url} (controls at {url}/_sandbox/docs)\n")
    sys.stdout.flush()
    if ready_file is not None:
        partial = ready_file.with_suffix(".tmp")
        partial.write_text(json.dumps(urls))
        partial.replace(ready_file)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandboxes", description=__doc__.split("\n")[0])
    parser.add_argument("vendor", help=f"one of {', '.join(vendors())}, or all")
    parser.add_argument("--host", default="127.0.0.1", help="listen address (default loopback)")
    parser.add_argument("--port", type=int, help="port for a single vendor (default: its own)")
    parser.add_argument("--port-base", type=int, default=DEFAULT_PORT_BASE, help="first port")
    parser.add_argument("--data-dir", type=Path, default=Path("var/sandboxes"), help="state")
    parser.add_argument("--no-seed", action="store_true", help="start empty stores empty")
    parser.add_argument("--ready-file", type=Path, help="write {vendor: url} here when ready")
    parser.add_argument("--exit-with-parent", action="store_true", help="stop when it dies")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        targets = plan(
            args.vendor, port=args.port, port_base=args.port_base, data_dir=args.data_dir
        )
    except ValueError as exc:
        sys.stderr.write(f"sandboxes: {exc}\n")
        return 2
    apps = {t.vendor: (build_app(t, seed=not args.no_seed), t.port) for t in targets}
    try:
        asyncio.run(serve(apps, args.host, args.ready_file, exit_with_parent=args.exit_with_parent))
    finally:
        for app, _ in apps.values():
            app.state.store.close()
    return 0
