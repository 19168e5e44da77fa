"""Deprecation (RFC 9745), Sunset (RFC 8594) and retirement of API versions."""

from __future__ import annotations

from email.utils import format_datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.problems import ProblemError
from contracts.registry import ApiManifest, ApiVersion, Lifecycle
from gateway.problems import send_problem


def successor(manifest: ApiManifest, version: ApiVersion) -> ApiVersion | None:
    """The newest active version above `version`, if any."""
    newer = [
        v
        for v in manifest.versions
        if v.number > version.number and v.lifecycle is Lifecycle.ACTIVE
    ]
    return max(newer, key=lambda v: v.number, default=None)


def lifecycle_headers(manifest: ApiManifest, version: ApiVersion) -> list[tuple[bytes, bytes]]:
    """Headers announcing a version's deprecation, sunset and successor."""
    headers: list[tuple[bytes, bytes]] = []
    if version.deprecated_at is not None:
        headers.append((b"deprecation", f"@{int(version.deprecated_at.timestamp())}".encode()))
    if version.sunset_at is not None:
        headers.append((b"sunset", format_datetime(version.sunset_at, usegmt=True).encode()))
    after = successor(manifest, version)
    if after is not None:
        link = f'<{manifest.base_path(after)}>; rel="successor-version"'
        headers.append((b"link", link.encode()))
    return headers


class DeprecatedVersion:
    """Serve a deprecated version unchanged but add its lifecycle headers to every response."""

    def __init__(self, app: ASGIApp, headers: list[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.headers]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RetiredVersion:
    """Answer every request to a retired version with 410 Gone."""

    def __init__(self, manifest: ApiManifest, version: ApiVersion) -> None:
        after = successor(manifest, version)
        hint = f" Use {manifest.base_path(after)}." if after else ""
        self.error = ProblemError(
            "gone",
            f"{manifest.name} {version.label} is retired.{hint}",
            headers={k.decode(): v.decode() for k, v in lifecycle_headers(manifest, version)},
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send_problem(send, self.error)
