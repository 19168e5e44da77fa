"""A manifest pointing a version at a remote base URL is proxied with the same contract."""

from __future__ import annotations

import io
import json
import logging

import httpx
import pytest

from gateway.logs import JsonFormatter
from gateway.registry.proxy import end_to_end
from gateway.settings import GatewaySettings
from tests.fixtures.apps import ApiFolder, MakeApp, authorize, serving
from tests.fixtures.servers import RecordingUpstream, free_port

REMOTE = """
from contracts.registry import ApiManifest, ApiVersion, RemoteTarget
manifest = ApiManifest(
    name="{name}", kind="{kind}", title="Remote", owner="team-r",
    versions=(ApiVersion(number=1, remote=RemoteTarget(base_url="URL", read_timeout_s=0.5)),),
)
"""
CLIENT_TRACE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.fixture
async def proxied(upstream, api_folder: ApiFolder, make_app: MakeApp, settings: GatewaySettings):
    recorder, url = upstream
    name = api_folder.add("system", REMOTE.replace("URL", url))
    async with serving(make_app()) as client:
        await authorize(client, settings, [])
        yield client, f"/system/{name}/v1", recorder


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("atrium")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(previous)


async def test_forwards_method_path_query_and_body(proxied) -> None:
    client, base, recorder = proxied
    response = await client.post(f"{base}/a/b%2Fc?x=1&y=2", json={"k": "v"})
    assert response.status_code == 201
    seen = recorder.seen[-1]
    assert seen["method"] == "POST"
    assert seen["path"] == "/a/b/c"
    assert seen["query"] == "x=1&y=2"
    assert json.loads(seen["body"]) == {"k": "v"}


async def test_streams_chunked_request_body(proxied) -> None:
    client, base, recorder = proxied

    async def chunks():
        for i in range(4):
            yield b"part%d;" % i

    response = await client.put(f"{base}/upload", content=chunks())
    assert response.status_code == 200
    assert recorder.seen[-1]["body"] == "part0;part1;part2;part3;"


async def test_streams_response_body(proxied) -> None:
    client, base, _ = proxied
    async with client.stream("GET", f"{base}/stream") as response:
        chunks = [c async for c in response.aiter_bytes()]
    assert b"".join(chunks) == b"chunk0;chunk1;chunk2;chunk3;chunk4;"


async def test_traceparent_reaches_upstream_and_logs(proxied, json_log) -> None:
    client, base, recorder = proxied
    response = await client.get(f"{base}/echo", headers={"traceparent": CLIENT_TRACE})
    sent = recorder.seen[-1]["headers"]["traceparent"]
    trace_id = CLIENT_TRACE.split("-")[1]
    assert sent.split("-")[1] == trace_id
    assert sent.split("-")[2] != CLIENT_TRACE.split("-")[2], "the gateway's own span is the parent"
    assert response.headers["traceparent"] == sent
    assert recorder.seen[-1]["headers"]["x-request-id"] == response.headers["x-request-id"]
    access = [line for line in json_log() if line["logger"] == "atrium.access"]
    assert access[-1]["trace_id"] == trace_id
    assert access[-1]["parent_span_id"] == CLIENT_TRACE.split("-")[2]


async def test_hop_by_hop_headers_are_stripped_both_ways(proxied) -> None:
    client, base, recorder = proxied
    response = await client.get(
        f"{base}/echo",
        headers={
            "connection": "x-client-hop",
            "x-client-hop": "no",
            "x-client-end": "yes",
            "proxy-authorization": "Basic secret",
            "te": "trailers",
        },
    )
    seen = recorder.seen[-1]["headers"]
    assert seen["x-client-end"] == "yes"
    for hop in ("x-client-hop", "proxy-authorization", "te"):
        assert hop not in seen
    assert response.headers["x-upstream-end"] == "passes"
    assert "x-upstream-hop" not in response.headers


async def test_upstream_timeout_is_a_504_problem(proxied) -> None:
    client, base, _ = proxied
    response = await client.get(f"{base}/slow")
    assert response.status_code == 504
    assert response.json()["type"].endswith("/upstream-timeout")


async def test_unreachable_upstream_is_a_502_problem(
    api_folder: ApiFolder, make_app: MakeApp, settings: GatewaySettings
) -> None:
    name = api_folder.add("system", REMOTE.replace("URL", f"http://127.0.0.1:{free_port()}"))
    async with serving(make_app()) as client:
        await authorize(client, settings, [])
        response = await client.get(f"/system/{name}/v1/anything")
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"
    assert "127.0.0.1" not in response.text


async def test_catalog_marks_remote_versions(proxied) -> None:
    client, base, _ = proxied
    catalog = (await client.get("/catalog")).json()
    version = next(v for a in catalog["apis"] for v in a["versions"] if v["base_path"] == base)
    assert version["served_by"] == "remote"


def test_end_to_end_drops_headers_named_by_connection() -> None:
    headers = [(b"Connection", b"close, X-A"), (b"x-a", b"1"), (b"x-b", b"2"), (b"Upgrade", b"h2c")]
    assert end_to_end(headers) == [(b"x-b", b"2")]


def test_recording_upstream_is_real_http(upstream) -> None:
    recorder, url = upstream
    assert httpx.get(f"{url}/ping").status_code == 200
    assert isinstance(recorder, RecordingUpstream)
