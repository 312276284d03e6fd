"""The client's exceptions: the API's error answers, no answer at all, and a wait that ran out."""

from __future__ import annotations

import json
from typing import Any, List, Optional

from .models import FieldProblem


class NonstopError(Exception):
    """Every exception this client raises."""


class NonstopApiError(NonstopError):
    """A non-2xx answer: the server's status, code, message, field problems and the whole problem body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Optional[List[FieldProblem]] = None,
        request_id: Optional[str] = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details: List[FieldProblem] = details or []
        self.request_id = request_id
        self.body = body
        """The parsed JSON error body (``{"error": {...}}``), or the raw text when it was not JSON."""

    @property
    def fields(self) -> List[str]:
        """The field paths the server refused, e.g. ``documents[0].chunks``."""
        return [detail["field"] for detail in self.details]

    def __str__(self) -> str:
        return f"{self.message} (HTTP {self.status}, {self.code})"


class NonstopNetworkError(NonstopError):
    """The request never got an HTTP answer (connection refused or reset, DNS, timeout)."""


class WaitTimeoutError(NonstopError, TimeoutError):
    """``wait_for_job`` gave up at its deadline; the job goes on on the server."""

    def __init__(self, job_id: str, last_status: Optional[str], deadline_seconds: float) -> None:
        super().__init__(f"job {job_id} not finished after {deadline_seconds:g} s (last status: {last_status or 'unknown'})")
        self.job_id = job_id
        self.last_status = last_status
        self.deadline_seconds = deadline_seconds


def is_transient(error: BaseException) -> bool:
    """Worth another try: no answer at all, a 5xx (a restart, a store briefly down), or 429."""
    if isinstance(error, NonstopNetworkError):
        return True
    return isinstance(error, NonstopApiError) and (error.status >= 500 or error.status == 429)


def error_from_response(status: int, body_text: str, request_id: Optional[str] = None) -> NonstopApiError:
    """The exception for a non-2xx answer, from its JSON error body or whatever else came back."""
    try:
        parsed = json.loads(body_text)
    except ValueError:
        parsed = None
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if isinstance(error, dict) and isinstance(error.get("code"), str) and isinstance(error.get("message"), str):
        raw_details = error.get("details")
        details: List[FieldProblem] = [
            {"field": d["field"], "problem": d["problem"]}
            for d in (raw_details if isinstance(raw_details, list) else [])
            if isinstance(d, dict) and isinstance(d.get("field"), str) and isinstance(d.get("problem"), str)
        ]
        return NonstopApiError(status, error["code"], error["message"], details, request_id, parsed)
    # not the API's JSON: a proxy's page or an empty body
    snippet = body_text.strip()[:200]
    message = f"HTTP {status}: {snippet}" if snippet else f"HTTP {status}"
    return NonstopApiError(status, f"http_{status}", message, [], request_id, body_text)
