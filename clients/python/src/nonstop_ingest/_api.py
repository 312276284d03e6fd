"""The request/response layer that Client and AsyncClient share.

Each endpoint is one function here that describes its request (method, path,
query, body, headers) and how to read a 2xx answer; the clients only send it,
synchronously or with asyncio. A new endpoint is one function here and a
one-line method in each client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Generic, List, Mapping, Optional, Sequence, TypeVar, cast
from urllib.parse import quote

import httpx

from .errors import NonstopApiError, error_from_response
from .models import (
    CancelJobResponse,
    CreateJobResponse,
    DocumentInput,
    DryRunResponse,
    JobView,
    OnExisting,
    ResultsPage,
    ResultStatus,
    SearchResponse,
    SyncInsertResponse,
)

T = TypeVar("T")


@dataclass(frozen=True)
class ApiRequest(Generic[T]):
    method: str
    path: str
    read: Callable[[int, Any], T]
    """Turns a 2xx answer (status, parsed JSON body) into the method's result."""
    params: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


def _as_is(_status: int, body: Any) -> Any:
    return body


def _job_path(job_id: str, suffix: str = "") -> str:
    return f"/job/{quote(job_id, safe='')}{suffix}"


def _idempotency(key: Optional[str]) -> Dict[str, str]:
    return {} if key is None else {"Idempotency-Key": key}


def _without_none(values: Mapping[str, Any]) -> Dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def create_batch_insert_job(
    account_name: str,
    documents: Sequence[DocumentInput],
    *,
    webhook_url: Optional[str] = None,
    on_existing: Optional[OnExisting] = None,
    idempotency_key: Optional[str] = None,
) -> ApiRequest[CreateJobResponse]:
    body = _without_none({
        "account_name": account_name, "documents": list(documents), "webhook_url": webhook_url, "on_existing": on_existing,
    })
    return ApiRequest("POST", "/job/batch-insert", _as_is, json=body, headers=_idempotency(idempotency_key))


def dry_run_batch_insert(
    account_name: str, documents: Sequence[DocumentInput], *, on_existing: Optional[OnExisting] = None,
) -> ApiRequest[DryRunResponse]:
    # POST /job/batch-insert with dry_run: the same answer as the synchronous endpoint, within the larger job limits
    body = _without_none({"account_name": account_name, "documents": list(documents), "on_existing": on_existing, "dry_run": True})
    return ApiRequest("POST", "/job/batch-insert", _as_is, json=body)


def delete_documents(
    account_name: str,
    *,
    chat_bot_id: Optional[str] = None,
    content_names: Optional[Sequence[str]] = None,
    webhook_url: Optional[str] = None,
    idempotency_key: Optional[str] = None,
) -> ApiRequest[CreateJobResponse]:
    body = _without_none({
        "account_name": account_name, "chat_bot_id": chat_bot_id,
        "content_names": None if content_names is None else list(content_names), "webhook_url": webhook_url,
    })
    return ApiRequest("POST", "/job/batch-delete", _as_is, json=body, headers=_idempotency(idempotency_key))


def retry_job(job_id: str, *, idempotency_key: Optional[str] = None) -> ApiRequest[CreateJobResponse]:
    return ApiRequest("POST", _job_path(job_id, "/retry"), _as_is, headers=_idempotency(idempotency_key))


def get_job(job_id: str) -> ApiRequest[JobView]:
    return ApiRequest("GET", _job_path(job_id), _as_is)


def get_results_page(
    job_id: str,
    *,
    cursor: Optional[str] = None,
    limit: Optional[int] = None,
    status: Optional[ResultStatus] = None,
) -> ApiRequest[ResultsPage]:
    params = {name: str(value) for name, value in _without_none({"cursor": cursor or None, "limit": limit, "status": status}).items()}
    return ApiRequest("GET", _job_path(job_id, "/results"), _as_is, params=params)


def cancel_job(job_id: str, *, rollback: bool = False) -> ApiRequest[CancelJobResponse]:
    def read(status: int, body: Any) -> CancelJobResponse:
        # 200: the job is final; 202: the worker is still stopping it
        return cast(CancelJobResponse, {**body, "settled": status == 200})

    return ApiRequest("DELETE", _job_path(job_id), read, params={"rollback": "true"} if rollback else {})


def insert_batch_sync(
    account_name: str,
    documents: Sequence[DocumentInput],
    *,
    on_existing: Optional[OnExisting] = None,
    idempotency_key: Optional[str] = None,
) -> ApiRequest[SyncInsertResponse]:
    body = _without_none({"account_name": account_name, "documents": list(documents), "on_existing": on_existing})
    return ApiRequest("POST", "/data/insert/batch", _as_is, json=body, headers=_idempotency(idempotency_key))


def search(
    account_name: str,
    query: str,
    *,
    top_k: Optional[int] = None,
    chat_bot_id: Optional[str] = None,
    content_names: Optional[List[str]] = None,
    score_threshold: Optional[float] = None,
) -> ApiRequest[SearchResponse]:
    body = _without_none({
        "account_name": account_name, "query": query, "top_k": top_k, "chat_bot_id": chat_bot_id,
        "content_names": content_names, "score_threshold": score_threshold,
    })
    return ApiRequest("POST", "/search", _as_is, json=body)


def read_response(request: ApiRequest[T], response: httpx.Response) -> T:
    """The result of a 2xx answer; NonstopApiError (with the server's problem body) for any other."""
    request_id = response.headers.get("x-request-id")
    if not response.is_success:
        raise error_from_response(response.status_code, response.text, request_id)
    try:
        body = response.json()
    except ValueError:
        raise NonstopApiError(
            response.status_code, "invalid_response", f"{request.method} {request.path}: the answer is not JSON",
            request_id=request_id, body=response.text,
        ) from None
    return request.read(response.status_code, body)


def default_headers(api_key: Optional[str], extra: Optional[Mapping[str, str]]) -> Dict[str, str]:
    headers = {"Accept": "application/json", **(extra or {})}
    if api_key is not None:
        headers["Authorization"] = f"Bearer {api_key}"
    return headers


def describe_transport_error(request: ApiRequest[Any], base_url: str, error: httpx.TransportError) -> str:
    return f"{request.method} {base_url}{request.path} failed: {type(error).__name__}: {error}"
