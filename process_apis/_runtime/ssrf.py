"""Outbound targets we may call on someone else's say-so: webhook URLs, checked against SSRF.

A partner names a URL; we must not let it point us at ourselves or the firm's network.
`TargetPolicy.check_url` refuses at creation: a scheme other than https (http only when
configured), credentials in the URL, and a host that resolves (any of its addresses) to a
loopback, private, link-local, multicast, reserved or otherwise non-global address, IPv4
or IPv6, including IPv4 wrapped in IPv6 (mapped, 6to4, NAT64). The same rule runs again
at every delivery in `GuardedBackend`, which resolves, checks and then connects to the
address it checked, so a name that later resolves elsewhere (DNS rebinding) is refused
before any byte is sent. Networks in `allowed_networks` are exempt (tests, on-premise).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]
SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
MAX_URL_LENGTH = 2000


class UnsafeTargetError(Exception):
    """The URL or the address it resolves to is not one we call."""


async def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (A and AAAA), as the system resolver answers."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def forbidden_reason(address: IPAddress) -> str | None:
    """Why `address` is no place for a webhook, or None for a global unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            return forbidden_reason(inner)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        ("not globally routable", not address.is_global),
    )
    return next((reason for reason, hit in checks if hit), None)


@dataclass(frozen=True, slots=True)
class TargetPolicy:
    """Which URLs and addresses webhook deliveries may reach."""

    allow_http: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()
    resolve_timeout_s: float = 2.0
    resolver: Resolver | None = field(default=None, compare=False)
    """None: the system resolver (looked up at call time, so tests can replace it)."""

    def check_address(self, host: str, raw: str) -> IPAddress:
        """The address, if it may be called; else UnsafeTargetError naming why."""
        address = ipaddress.ip_address(raw.split("%", 1)[0])
        if any(address in network for network in self.allowed_networks):
            return address
        reason = forbidden_reason(address)
        if reason is not None:
            raise UnsafeTargetError(f"{host} resolves to a {reason} address ({address})")
        return address

    async def safe_addresses(self, host: str, port: int) -> list[IPAddress]:
        """`host`'s addresses, all checked; refuses if any one is forbidden or none exists."""
        try:
            literal = [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            literal = []
        if literal:
            return [self.check_address(host, str(literal[0]))]
        lookup = self.resolver or resolve
        try:
            async with asyncio.timeout(self.resolve_timeout_s):
                found = await lookup(host, port)
        except (OSError, TimeoutError, ValueError) as exc:  # ValueError: not IDNA-encodable
            raise UnsafeTargetError(f"{host} does not resolve") from exc
        if not found:
            raise UnsafeTargetError(f"{host} does not resolve")
        return [self.check_address(host, raw) for raw in found]

    def check_form(self, url: str) -> tuple[str, int]:
        """The host and port of `url` if its form is acceptable (scheme, no credentials)."""
        if len(url) > MAX_URL_LENGTH:
            raise UnsafeTargetError(f"the URL is longer than {MAX_URL_LENGTH} characters")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise UnsafeTargetError("the URL is malformed") from exc
        schemes = ("https", "http") if self.allow_http else ("https",)
        if parts.scheme not in schemes:
            raise UnsafeTargetError(f"the URL must use {' or '.join(schemes)}")
        if parts.username is not None or parts.password is not None:
            raise UnsafeTargetError("the URL must not carry credentials")
        if not parts.hostname:
            raise UnsafeTargetError("the URL has no host")
        return parts.hostname, port or (443 if parts.scheme == "https" else 80)

    async def check_url(self, url: str) -> None:
        """Refuse `url` (UnsafeTargetError) unless it is a URL we may deliver to."""
        host, port = self.check_form(url)
        await self.safe_addresses(host, port)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """A network backend that connects only to addresses the policy allows, as resolved now."""

    def __init__(self, policy: TargetPolicy, inner: httpcore.AsyncNetworkBackend | None = None):
        self._policy = policy
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # Connect to the address just checked: no second lookup an attacker could answer.
        addresses = await self._policy.safe_addresses(host, port)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # safe_addresses never returns an empty list
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UnsafeTargetError("webhooks are delivered over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
