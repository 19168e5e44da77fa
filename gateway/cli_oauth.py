"""`atrium clients …` and `atrium keys …`: manage OAuth clients and signing keys."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.database import create_engine, create_schema
from gateway.oauth import clients, keys
from gateway.settings import GatewaySettings

Action = Callable[[AsyncEngine, argparse.Namespace, GatewaySettings], Awaitable[int]]


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")


async def _create(engine: AsyncEngine, args: argparse.Namespace, _: GatewaySettings) -> int:
    issued = await clients.create_client(
        engine, name=args.name, scopes=args.scope, tier=args.tier, partner_id=args.partner
    )
    _print(f"client_id     {issued.client_id}")
    _print(f"client_secret {issued.client_secret}   (shown once; store it now)")
    return 0


async def _list(engine: AsyncEngine, _args: argparse.Namespace, _: GatewaySettings) -> int:
    for c in await clients.list_clients(engine):
        state = "disabled" if c.disabled else "active"
        partner = f" partner={c.partner_id}" if c.partner_id else ""
        _print(f"{c.client_id}  {state}  tier={c.tier}{partner}  {c.name!r}  {' '.join(c.scopes)}")
    return 0


async def _rotate_secret(engine: AsyncEngine, args: argparse.Namespace, _: GatewaySettings) -> int:
    issued = await clients.rotate_secret(engine, args.client_id)
    if issued is None:
        sys.stderr.write(f"atrium: no client {args.client_id}\n")
        return 1
    _print(f"client_secret {issued.client_secret}   (the old secret no longer works)")
    return 0


async def _disable(engine: AsyncEngine, args: argparse.Namespace, _: GatewaySettings) -> int:
    if not await clients.disable_client(engine, args.client_id):
        sys.stderr.write(f"atrium: no client {args.client_id}\n")
        return 1
    _print(f"disabled {args.client_id}: it gets no new tokens (issued ones expire on their own)")
    return 0


async def _rotate_keys(engine: AsyncEngine, _a: argparse.Namespace, s: GatewaySettings) -> int:
    new, retired = await keys.rotate_keys(engine, max_token_ttl_s=s.access_token_ttl_s)
    _print(f"signing with {new}; the previous key verifies until its tokens expire")
    for kid in retired:
        _print(f"retired {kid}")
    return 0


async def _retire_key(engine: AsyncEngine, args: argparse.Namespace, _: GatewaySettings) -> int:
    if not await keys.retire_key(engine, args.kid):
        sys.stderr.write(f"atrium: {args.kid} is not a previous (rotated-out) key\n")
        return 1
    _print(f"retired {args.kid}: tokens it signed are rejected from now on")
    return 0


async def _run(action: Action, args: argparse.Namespace, settings: GatewaySettings) -> int:
    engine = create_engine(settings)
    try:
        await create_schema(engine)
        return await action(engine, args, settings)
    finally:
        await engine.dispose()


def _command(
    action: Action, load: Callable[[], GatewaySettings]
) -> Callable[[argparse.Namespace], int]:
    return lambda args: asyncio.run(_run(action, args, load()))


def add_commands(commands: argparse._SubParsersAction, load: Callable[[], GatewaySettings]) -> None:  # type: ignore[type-arg]
    """Register `clients` and `keys` subcommands."""
    group = commands.add_parser("clients", help="manage OAuth clients").add_subparsers(
        dest="clients_command", required=True
    )
    create = group.add_parser("create", help="register a client and print its credential")
    create.add_argument("--name", required=True)
    create.add_argument("--scope", action="append", default=[], help="repeat for each scope")
    create.add_argument("--tier", default="standard", help="rate-limit tier")
    create.add_argument("--partner", help="bind the client to one partner's objects")
    create.set_defaults(handler=_command(_create, load))
    group.add_parser("list", help="list clients").set_defaults(handler=_command(_list, load))
    rotate = group.add_parser("rotate-secret", help="issue a new secret")
    rotate.add_argument("client_id")
    rotate.set_defaults(handler=_command(_rotate_secret, load))
    disable = group.add_parser("disable", help="stop a client from getting tokens")
    disable.add_argument("client_id")
    disable.set_defaults(handler=_command(_disable, load))
    key_group = commands.add_parser("keys", help="manage token signing keys").add_subparsers(
        dest="keys_command", required=True
    )
    key_group.add_parser(
        "rotate", help="sign with a new key, keep the old one verifying"
    ).set_defaults(handler=_command(_rotate_keys, load))
    retire = key_group.add_parser("retire", help="stop accepting tokens signed by a rotated key")
    retire.add_argument("kid")
    retire.set_defaults(handler=_command(_retire_key, load))
