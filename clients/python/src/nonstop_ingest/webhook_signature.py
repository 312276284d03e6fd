"""Webhook signatures, the contract of packages/sdk/src/webhook-signature.ts
(which the service's webhook sender uses).

A delivery is a POST with the JSON body and two headers::

    Nonstop-Timestamp: <unix seconds when it was signed>
    Nonstop-Signature: v1=<hex HMAC-SHA256(secret, f"{timestamp}.{raw_body}")>

Several signatures may be sent comma-separated (``v1=abc,v1=def``, e.g. while
a secret is rotated); one match is enough. Verify over the raw bytes of the
body exactly as received, before any JSON parsing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from typing import Literal, Optional, Sequence, Union

TIMESTAMP_HEADER = "Nonstop-Timestamp"
SIGNATURE_HEADER = "Nonstop-Signature"
SIGNATURE_VERSION = "v1"

Secret = Union[str, bytes]
RawBody = Union[str, bytes]
HeaderValue = Union[str, Sequence[str], None]
RefusalReason = Literal["missing_headers", "bad_timestamp", "stale_timestamp", "bad_signature_header", "signature_mismatch"]

_TIMESTAMP = re.compile(r"^\d{1,15}$")


@dataclass(frozen=True)
class WebhookVerification:
    ok: bool
    timestamp: Optional[int] = None
    """The signed unix time, when ``ok``."""
    reason: Optional[RefusalReason] = None
    """Why not, when not ``ok``."""


def sign_webhook(secret: Secret, timestamp: Union[int, str], raw_body: RawBody) -> str:
    """The ``Nonstop-Signature`` value for this timestamp (unix seconds) and body: ``v1=<hex>``."""
    return f"{SIGNATURE_VERSION}={_hmac_hex(secret, str(timestamp), raw_body)}"


def verify_webhook_signature(
    secret: Secret,
    raw_body: RawBody,
    timestamp_header: HeaderValue,
    signature_header: HeaderValue,
    *,
    tolerance_seconds: float = 300,
    now: Optional[float] = None,
) -> WebhookVerification:
    """Checks a delivery; never raises on bad input. Reject the request (e.g. 401) unless ``ok``.

    Compares in constant time, and refuses a timestamp more than ``tolerance_seconds``
    from ``now`` (``time.time()`` by default), either way, to stop replays.
    """
    timestamp_text = _single(timestamp_header)
    signature_text = _single(signature_header)
    if timestamp_text is None or signature_text is None:
        return WebhookVerification(False, reason="missing_headers")
    timestamp_text = timestamp_text.strip()
    if not _TIMESTAMP.match(timestamp_text):
        return WebhookVerification(False, reason="bad_timestamp")
    timestamp = int(timestamp_text)
    now_seconds = int(time.time() if now is None else now)
    if abs(now_seconds - timestamp) > tolerance_seconds:
        return WebhookVerification(False, reason="stale_timestamp")

    prefix = f"{SIGNATURE_VERSION}="
    candidates = [part.strip()[len(prefix):] for part in signature_text.split(",") if part.strip().startswith(prefix)]
    if not candidates:
        return WebhookVerification(False, reason="bad_signature_header")
    expected = _hmac_hex(secret, timestamp_text, raw_body)
    # every candidate is compared, so the time taken does not tell which one matched
    matches = [hmac.compare_digest(candidate.lower().encode(), expected.encode()) for candidate in candidates]
    return WebhookVerification(True, timestamp=timestamp) if any(matches) else WebhookVerification(False, reason="signature_mismatch")


def _hmac_hex(secret: Secret, timestamp: str, raw_body: RawBody) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    body = raw_body.encode() if isinstance(raw_body, str) else raw_body
    return hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _single(header: HeaderValue) -> Optional[str]:
    value = header if isinstance(header, str) or header is None else (header[0] if len(header) > 0 else None)
    return value if value is not None and value.strip() != "" else None
