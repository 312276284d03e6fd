"""Request and response shapes of the Nonstop Ingest HTTP API, as the server
sends them; the same shapes as the TypeScript SDK (packages/sdk/src/types.ts).

They are TypedDicts: answers are the server's JSON objects as they arrive,
typed, so a field the server adds is there at once and nothing is copied.
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Literal, Optional, TypedDict

if sys.version_info >= (3, 11):
    from typing import NotRequired
else:
    from typing_extensions import NotRequired

JobStatus = Literal["pending", "processing", "completed", "failed", "cancelled"]
FINAL_JOB_STATUSES: frozenset[str] = frozenset({"completed", "failed", "cancelled"})

ResultStatus = Literal["pending", "succeeded", "failed", "cancelled", "rolled_back"]
"""Status of one document of a job (the ``status`` filter of the results listing)."""


class ChunkInput(TypedDict):
    chunk_index: int
    text: str


class DocumentInput(TypedDict):
    chat_bot_id: str
    content_name: str
    chunks: List[ChunkInput]
    metadata: NotRequired[Dict[str, Any]]


class CreateJobResponse(TypedDict):
    """``POST /job/batch-insert``: 202 created, or 200 for the same Idempotency-Key and body again."""

    job_id: str
    status: JobStatus
    total_documents: int
    created_at: str
    message: str


class JobProgress(TypedDict):
    total_documents: int
    processed_documents: int
    success_count: int
    failure_count: int
    cancelled_count: int
    percentage: float


class JobResult(TypedDict):
    """One document's outcome in a job."""

    position: int
    content_name: str
    chat_bot_id: str
    status: ResultStatus
    success: bool
    chunks_count: int
    doc_id: NotRequired[int]
    error: NotRequired[str]
    error_code: NotRequired[str]


class JobTiming(TypedDict):
    created_at: str
    started_at: Optional[str]
    updated_at: str
    finished_at: Optional[str]
    estimated_completion: Optional[str]
    expires_at: str


class JobError(TypedDict):
    code: str
    message: str


class JobView(TypedDict):
    """``GET /job/{id}`` (and the body of ``DELETE /job/{id}``)."""

    job_id: str
    account_name: str
    status: JobStatus
    progress: JobProgress
    results: List[JobResult]
    """The first page of results (100); ``iter_results`` reads them all."""
    results_next_cursor: Optional[str]
    timing: JobTiming
    message: str
    cancel_requested_at: NotRequired[str]
    error: NotRequired[JobError]
    """Why the whole job failed."""


class CancelJobResponse(JobView):
    settled: bool
    """False when the server answered 202 (cancel requested, the worker still stopping)."""


class ResultsPage(TypedDict):
    """``GET /job/{id}/results?cursor&limit&status``."""

    job_id: str
    results: List[JobResult]
    next_cursor: Optional[str]


class SyncInsertResponse(TypedDict):
    """``POST /data/insert/batch``; the request ran as a job of its own (``GET /job/{job_id}`` shows it)."""

    job_id: str
    account_name: str
    total_documents: int
    success_count: int
    failure_count: int
    results: List[JobResult]


class SearchResult(TypedDict):
    """One chunk found by ``POST /search``."""

    content_name: str
    chat_bot_id: str
    doc_id: int
    chunk_index: int
    text: str
    score: float
    """COSINE similarity to the query; higher is closer, at most 1."""
    metadata: Dict[str, Any]


class SearchResponse(TypedDict):
    """``POST /search``: best first, at most ``top_k``."""

    results: List[SearchResult]


class FieldProblem(TypedDict):
    """A field the server refused; ``field`` is a path such as ``documents[0].chunks[1].text``."""

    field: str
    problem: str
