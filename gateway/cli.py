"""`atrium`: the command line (serve, openapi)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

import uvicorn
from pydantic import ValidationError

from gateway.app import create_app
from gateway.cli_oauth import add_commands
from gateway.cli_sandboxes import add_sandbox_command, sandboxes_for
from gateway.database import create_engine, create_schema
from gateway.logs import configure_logging
from gateway.oauth.clients import IssuedCredential, ensure_demo_client
from gateway.settings import GatewaySettings, Profile


def _banner(settings: GatewaySettings, catalog_size: int, demo: IssuedCredential | None) -> str:
    base = settings.base_url()
    lines = [
        f"Atrium gateway ({settings.profile} profile) is serving {catalog_size} API(s):",
        f"  console   {base}/console",
        f"  catalog   {base}/catalog",
        f"  docs      {base}/docs",
        f"  health    {base}/livez  {base}/readyz",
        f"  token     {base}/oauth/token",
        f"  data      {settings.data_dir.resolve()}",
    ]
    if demo is not None:
        lines += [
            "",
            "Demo client (embedded profile; a new secret at every start):",
            f"  client_id     {demo.client_id}",
            f"  client_secret {demo.client_secret}",
            f"  curl -s -u {demo.client_id}:{demo.client_secret} "
            f"-d grant_type=client_credentials {base}/oauth/token",
        ]
    return "\n".join([*lines, ""])


async def _demo_client(settings: GatewaySettings, scopes: list[str]) -> IssuedCredential | None:
    """The embedded profile's demo client, holding every scope of the catalogue."""
    if settings.profile is not Profile.EMBEDDED:
        return None
    engine = create_engine(settings)
    try:
        await create_schema(engine)
        return await ensure_demo_client(engine, scopes=scopes)
    finally:
        await engine.dispose()


async def _serve(settings: GatewaySettings) -> None:
    app = create_app(settings)
    demo = await _demo_client(settings, sorted(app.state.scope_policy.scopes))
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
        server_header=False,
    )
    server = uvicorn.Server(config)

    async def announce() -> None:
        while not server.started:
            if server.should_exit:
                return
            await asyncio.sleep(0.05)
        sys.stdout.write(_banner(settings, len(app.state.catalog.apis), demo))
        sys.stdout.flush()

    announcer = asyncio.create_task(announce())
    await server.serve()
    announcer.cancel()


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop  # noqa: PLC0415  (optional speed-up, present with uvicorn[standard])
    except ImportError:
        return None
    return uvloop.new_event_loop


def load_settings(**overrides: object) -> GatewaySettings:
    """Settings from the environment, or exit 2 naming each bad variable."""
    try:
        return GatewaySettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        for error in exc.errors():
            name = "ATRIUM_" + "_".join(str(p) for p in error["loc"]).upper()
            sys.stderr.write(f"atrium: invalid setting {name}: {error['msg']}\n")
        raise SystemExit(2) from None


def serve(args: argparse.Namespace) -> int:
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    settings = load_settings(**overrides)
    configure_logging(settings.log_level)
    try:
        with sandboxes_for(settings), asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(_serve(settings))
    except KeyboardInterrupt:
        # uvicorn shuts down gracefully, then re-raises the signal; Ctrl-C is a normal stop.
        return 130
    return 0


def write_openapi(args: argparse.Namespace) -> int:
    from gateway.openapi_export import (  # noqa: PLC0415
        export_documents,
        export_texts,
        render_document,
    )

    documents = asyncio.run(export_documents(load_settings(data_dir=Path(args.scratch))))
    out = Path(args.out)
    for stale in set(out.rglob("*.json")) - {out / relative for relative in documents}:
        stale.unlink()
    for relative, document in documents.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render_document(document))
    texts = export_texts()
    for stale in set(out.rglob("*.graphql")) - {out / relative for relative in texts}:
        stale.unlink()
    for relative, text in texts.items():
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_text(text)
    sys.stdout.write(f"wrote {len(documents) + len(texts)} document(s) under {out}/\n")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="atrium", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve the gateway (embedded profile by default)")
    run.add_argument("--host", help="listen address (default 127.0.0.1 or ATRIUM_HOST)")
    run.add_argument("--port", type=int, help="listen port (default 8080 or ATRIUM_PORT)")
    run.set_defaults(handler=serve)
    spec = commands.add_parser(
        "openapi", help="write every API version's OpenAPI document and the event schemas"
    )
    spec.add_argument("--out", default="openapi", help="output folder (default openapi/)")
    spec.add_argument("--scratch", default="var/openapi-scratch", help="scratch data folder")
    spec.set_defaults(handler=write_openapi)
    add_commands(commands, load_settings)
    add_sandbox_command(commands, load_settings)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = args.handler
    return int(handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
