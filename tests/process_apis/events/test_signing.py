"""Standard Webhooks signatures, checked against the specification's published test vector."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

from contracts.events import CloudEvent
from process_apis._runtime.webhooks import new_secret, sign, signed_request


def test_signature_matches_the_standard_webhooks_test_vector() -> None:
    signature = sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        b'{"test": 2432232314}',
    )

    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_secrets_are_fresh_32_byte_keys() -> None:
    first, second = new_secret(), new_secret()

    assert first != second
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32


def test_signed_request_signs_exactly_the_body_it_sends() -> None:
    event = CloudEvent(
        id="evt-1",
        source="/process/test/v1",
        type="invoice.issued",
        time=datetime(2026, 10, 31, tzinfo=UTC),
        schemaversion="1",
        businesskeys="{}",
        data={"note": "café"},
    )
    secret = new_secret()

    body, headers = signed_request(secret, event, now=1_700_000_000.7)

    assert headers["webhook-id"] == "evt-1"
    assert headers["webhook-timestamp"] == "1700000000"
    assert headers["webhook-signature"] == sign(secret, "evt-1", 1_700_000_000, body)
    assert json.loads(body)["data"] == {"note": "café"}
