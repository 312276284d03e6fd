from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from nonstop_ingest import Client, sign_webhook, verify_webhook_signature

from conftest import FAST_SCHEDULE, korean_documents

SECRET = "whsec_python_vector"
NOW = 1735689600
BODY = '{"job_id":"j1","status":"completed"}'
# Produced by the TypeScript SDK's signWebhook (packages/sdk/src/webhook-signature.ts) for these inputs.
TS_SIGNATURE = "v1=b6d798d25c4c65892c3a460ce0e3ea8a6e64145e5885fc700321c54a8c7de8bc"
TS_SIGNATURE_KOREAN = "v1=c303c846d396f161711737d7cbd3424e3d6380ada8aa51a925829b8b6e082c82"
KOREAN_BODY = '{"account_name":"서울","status":"completed"}'.encode()


def test_signs_exactly_as_the_typescript_sdk() -> None:
    assert sign_webhook(SECRET, NOW, BODY) == TS_SIGNATURE
    assert sign_webhook(SECRET.encode(), str(NOW), BODY.encode()) == TS_SIGNATURE
    assert sign_webhook(SECRET, NOW, KOREAN_BODY) == TS_SIGNATURE_KOREAN


def test_accepts_a_good_signature_and_names_each_refusal() -> None:
    def check(timestamp: str | None, signature: str | list[str] | None, body: str | bytes = BODY, now: float = NOW) -> object:
        result = verify_webhook_signature(SECRET, body, timestamp, signature, now=now)
        return result.timestamp if result.ok else result.reason

    assert check(str(NOW), TS_SIGNATURE) == NOW
    assert check(str(NOW), TS_SIGNATURE_KOREAN, KOREAN_BODY) == NOW
    assert check(f" {NOW} ", [f"v1=0000, {TS_SIGNATURE.upper().replace('V1=', 'v1=')}"]) == NOW  # rotation; hex case ignored
    assert check(str(NOW), TS_SIGNATURE, now=NOW + 299) == NOW
    assert check(str(NOW), TS_SIGNATURE, now=NOW + 301) == "stale_timestamp"
    assert check(str(NOW), TS_SIGNATURE, now=NOW - 301) == "stale_timestamp"
    assert check(None, TS_SIGNATURE) == "missing_headers"
    assert check(str(NOW), "  ") == "missing_headers"
    assert check("12.5", TS_SIGNATURE) == "bad_timestamp"
    assert check(str(NOW), "v0=abc") == "bad_signature_header"
    assert check(str(NOW), TS_SIGNATURE, BODY.replace("completed", "failed")) == "signature_mismatch"
    assert check(str(NOW + 1), TS_SIGNATURE, now=NOW + 1) == "signature_mismatch"


class _Receiver(BaseHTTPRequestHandler):
    deliveries: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()

    def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.deliveries.put(({name.lower(): value for name, value in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep pytest's output to the tests


@pytest.fixture
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def test_verifies_a_webhook_the_worker_really_delivered(base_url: str, account: str, receiver: str) -> None:
    secret = os.environ.get("NONSTOP_TEST_WEBHOOK_SECRET")
    if not secret:
        pytest.fail("NONSTOP_TEST_WEBHOOK_SECRET (the worker's WEBHOOK_SECRET) is not set")
    with Client(base_url) as client:
        created = client.create_batch_insert_job(account, korean_documents(1, prefix="웹훅"), webhook_url=receiver)
        assert client.wait_for_job(created["job_id"], schedule=FAST_SCHEDULE, deadline_seconds=120)["status"] == "completed"
    headers, body = _Receiver.deliveries.get(timeout=30)
    check = verify_webhook_signature(secret, body, headers.get("nonstop-timestamp"), headers.get("nonstop-signature"))
    assert check.ok, check.reason
    assert created["job_id"] in body.decode()
    assert verify_webhook_signature("another account's secret", body, headers["nonstop-timestamp"], headers["nonstop-signature"]).reason == "signature_mismatch"
