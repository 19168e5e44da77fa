"""SSRF rules for webhook targets: address classes, URL forms, and resolution at connect time."""

from __future__ import annotations

import ipaddress

import httpcore
import pytest

from process_apis._runtime.ssrf import (
    GuardedBackend,
    TargetPolicy,
    UnsafeTargetError,
    forbidden_reason,
)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not globally routable"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fd00::1", "private"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("2002:7f00:1::", "loopback"),  # 6to4 around 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 around 169.254.169.254
    ],
)
def test_inside_addresses_are_forbidden(address: str, reason: str) -> None:
    assert forbidden_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_global_unicast_addresses_are_allowed(address: str) -> None:
    assert forbidden_reason(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://93.184.216.34/", "must use https"),
        ("ftp://93.184.216.34/", "must use https"),
        ("https://u:p@93.184.216.34/", "credentials"),
        ("https:///path", "no host"),
        ("https://93.184.216.34:99999/", "malformed"),
        ("https://" + "a" * 2000 + ".example/", "longer than"),
    ],
)
def test_malformed_or_plain_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeTargetError, match=reason):
        TargetPolicy().check_form(url)


def test_http_passes_the_form_check_only_when_allowed() -> None:
    assert TargetPolicy(allow_http=True).check_form("http://93.184.216.34/x") == (
        "93.184.216.34",
        80,
    )


def _resolving(answers: dict[str, list[str]]) -> TargetPolicy:
    async def resolver(host: str, port: int) -> list[str]:
        return answers[host]

    return TargetPolicy(resolver=resolver)


async def test_a_name_is_refused_if_any_of_its_addresses_is_inside() -> None:
    policy = _resolving({"mixed.test": ["93.184.216.34", "10.0.0.7"]})

    with pytest.raises(UnsafeTargetError, match=r"mixed.test resolves to a private address"):
        await policy.check_url("https://mixed.test/hook")


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    policy = _resolving({"nowhere.test": []})

    with pytest.raises(UnsafeTargetError, match="does not resolve"):
        await policy.check_url("https://nowhere.test/hook")


async def test_allowed_networks_are_exempt() -> None:
    policy = TargetPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),))

    await policy.check_url("https://127.0.0.1:8443/hook")
    with pytest.raises(UnsafeTargetError, match="private"):
        await policy.check_url("https://10.0.0.1/hook")


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """Stands in for the network: records where it was asked to connect."""

    def __init__(self) -> None:
        self.connected: list[tuple[str, int]] = []

    async def connect_tcp(
        self, host: str, port: int, *args: object, **kwargs: object
    ) -> httpcore.AsyncNetworkStream:  # type: ignore[override]
        self.connected.append((host, port))
        return httpcore.AsyncMockStream([])


async def test_connects_to_the_address_it_checked_and_refuses_a_rebound_name() -> None:
    answers = {"hooks.partner.test": ["93.184.216.34"]}
    inner = RecordingBackend()
    backend = GuardedBackend(_resolving(answers), inner)

    await backend.connect_tcp("hooks.partner.test", 443)
    answers["hooks.partner.test"] = ["127.0.0.1"]
    with pytest.raises(UnsafeTargetError, match="loopback"):
        await backend.connect_tcp("hooks.partner.test", 443)

    assert inner.connected == [("93.184.216.34", 443)]
