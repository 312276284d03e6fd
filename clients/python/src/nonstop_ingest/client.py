"""The synchronous client."""

from __future__ import annotations

import time
from types import TracebackType
from typing import Iterator, List, Mapping, Optional, Sequence, Type, TypeVar

import httpx

from . import _api
from ._waiting import DEFAULT_POLL_SCHEDULE, JobWaiter, PollSchedule, ProgressCallback, RetryCallback
from .errors import NonstopError, NonstopNetworkError
from .models import (
    CancelJobResponse,
    CreateJobResponse,
    DocumentInput,
    DryRunResponse,
    JobResult,
    JobView,
    OnExisting,
    ResultsPage,
    ResultStatus,
    SearchResponse,
    SyncInsertResponse,
)

T = TypeVar("T")


class Client:
    """A typed client of the Nonstop Ingest HTTP API. Every non-2xx answer raises NonstopApiError.

    Use it as a context manager (or call ``close()``) to release its connections.
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: float = 30.0,
        poll_schedule: PollSchedule = DEFAULT_POLL_SCHEDULE,
        transport: Optional[httpx.BaseTransport] = None,
    ) -> None:
        if not base_url:
            raise ValueError("base_url is required")
        self.base_url = base_url.rstrip("/")
        self.poll_schedule = poll_schedule
        self._http = httpx.Client(
            base_url=self.base_url, headers=_api.default_headers(api_key, headers), timeout=timeout, transport=transport,
        )

    def create_batch_insert_job(
        self,
        account_name: str,
        documents: Sequence[DocumentInput],
        *,
        webhook_url: Optional[str] = None,
        on_existing: Optional[OnExisting] = None,
        idempotency_key: Optional[str] = None,
    ) -> CreateJobResponse:
        """``POST /job/batch-insert``. With an idempotency key, a retry of the same body returns the same job.
        ``on_existing``: ``fail`` (the server's default), ``skip_unchanged`` or ``replace``."""
        return self._send(_api.create_batch_insert_job(
            account_name, documents, webhook_url=webhook_url, on_existing=on_existing, idempotency_key=idempotency_key,
        ))

    def dry_run_batch_insert(
        self, account_name: str, documents: Sequence[DocumentInput], *, on_existing: Optional[OnExisting] = None,
    ) -> DryRunResponse:
        """``dry_run: true``: the action each document would get (insert, replace, skip, update_metadata, or the failure
        it would have); nothing is written, nothing embedded, no job made."""
        return self._send(_api.dry_run_batch_insert(account_name, documents, on_existing=on_existing))

    def delete_documents(
        self,
        account_name: str,
        *,
        chat_bot_id: Optional[str] = None,
        content_names: Optional[Sequence[str]] = None,
        webhook_url: Optional[str] = None,
        idempotency_key: Optional[str] = None,
    ) -> CreateJobResponse:
        """``POST /job/batch-delete``: a job deleting the named documents (of ``chat_bot_id`` when given), a whole bot
        (``chat_bot_id`` alone) or the whole account (neither). ``wait_for_job`` then returns its ``receipt``."""
        return self._send(_api.delete_documents(
            account_name, chat_bot_id=chat_bot_id, content_names=content_names, webhook_url=webhook_url, idempotency_key=idempotency_key,
        ))

    def retry_job(self, job_id: str, *, idempotency_key: Optional[str] = None) -> CreateJobResponse:
        """``POST /job/{id}/retry``: a new job of the failed documents of a finished insert job, with ``retry_of`` set
        (409 ``job_not_finished``, ``not_retryable`` for a delete job, ``nothing_to_retry``)."""
        return self._send(_api.retry_job(job_id, idempotency_key=idempotency_key))

    def get_job(self, job_id: str) -> JobView:
        """``GET /job/{id}``: status, progress, timing and the first 100 results."""
        return self._send(_api.get_job(job_id))

    def get_results_page(
        self, job_id: str, *, cursor: Optional[str] = None, limit: Optional[int] = None, status: Optional[ResultStatus] = None,
    ) -> ResultsPage:
        """``GET /job/{id}/results``: one page; pass its ``next_cursor`` to read the next."""
        return self._send(_api.get_results_page(job_id, cursor=cursor, limit=limit, status=status))

    def iter_results(self, job_id: str, *, status: Optional[ResultStatus] = None, page_size: Optional[int] = None) -> Iterator[JobResult]:
        """Every result of a job in document order, page after page until ``next_cursor`` is null."""
        cursor: Optional[str] = None
        while True:
            page = self.get_results_page(job_id, cursor=cursor, limit=page_size, status=status)
            yield from page["results"]
            cursor = page["next_cursor"]
            if not cursor:
                return

    def wait_for_job(
        self,
        job_id: str,
        *,
        deadline_seconds: Optional[float] = None,
        on_progress: Optional[ProgressCallback] = None,
        on_retry: Optional[RetryCallback] = None,
        schedule: Optional[PollSchedule] = None,
    ) -> JobView:
        """Polls ``GET /job/{id}`` until the job is completed, failed or cancelled and returns that view
        (a failed or cancelled job is returned, not raised). Waits 1, 2, 4, 8, 16 s, then every 16 s;
        network errors, 5xx and 429 are retried on the same schedule, other 4xx (e.g. 404) raised.
        WaitTimeoutError after ``deadline_seconds``; the job itself goes on."""
        waiter = JobWaiter(
            job_id, schedule=self.poll_schedule if schedule is None else schedule, deadline_seconds=deadline_seconds,
            on_progress=on_progress, on_retry=on_retry,
        )
        while True:
            try:
                job = self.get_job(job_id)
            except NonstopError as error:
                if not waiter.should_retry(error):
                    raise
            else:
                if waiter.is_final(job):
                    return job
            time.sleep(waiter.next_delay())

    def cancel_job(self, job_id: str, *, rollback: bool = False) -> CancelJobResponse:
        """``DELETE /job/{id}``: the document in hand finishes, the rest stop; ``rollback`` also removes
        what the job wrote. ``settled`` is False when the server answered before the worker stopped (202)."""
        return self._send(_api.cancel_job(job_id, rollback=rollback))

    def insert_batch_sync(
        self, account_name: str, documents: Sequence[DocumentInput], *, on_existing: Optional[OnExisting] = None,
        idempotency_key: Optional[str] = None,
    ) -> SyncInsertResponse:
        """``POST /data/insert/batch``: the synchronous API, for small batches (100 documents by default)."""
        return self._send(_api.insert_batch_sync(account_name, documents, on_existing=on_existing, idempotency_key=idempotency_key))

    def search(
        self,
        account_name: str,
        query: str,
        *,
        top_k: Optional[int] = None,
        chat_bot_id: Optional[str] = None,
        content_names: Optional[List[str]] = None,
        score_threshold: Optional[float] = None,
    ) -> SearchResponse:
        """``POST /search``: the account's chunks closest to the query, best first."""
        return self._send(_api.search(
            account_name, query, top_k=top_k, chat_bot_id=chat_bot_id, content_names=content_names, score_threshold=score_threshold,
        ))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, kind: Optional[Type[BaseException]], error: Optional[BaseException], trace: Optional[TracebackType]) -> None:
        self.close()

    def _send(self, request: _api.ApiRequest[T]) -> T:
        try:
            response = self._http.request(
                request.method, request.path, params=request.params, json=request.json, headers=request.headers,
            )
        except httpx.TransportError as error:
            raise NonstopNetworkError(_api.describe_transport_error(request, self.base_url, error)) from error
        return _api.read_response(request, response)
