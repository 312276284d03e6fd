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

JobKind = Literal["insert", "delete"]

OnExisting = Literal["fail", "skip_unchanged", "replace"]
"""What an insert does with a document stored already (same account, chat_bot_id, content_name):
``fail`` (the server's default) reports ``already_exists``; ``skip_unchanged`` skips the same content
(no embedding call), updates a metadata-only change in place and replaces changed chunks;
``replace`` always writes a new version. A replace is atomic per document."""

DocumentAction = Literal["inserted", "replaced", "unchanged", "metadata_updated", "deleted", "not_found"]
"""What happened to a document that succeeded (inserts: the first four; deletes: the last two)."""

PlannedAction = Literal["insert", "replace", "skip", "update_metadata", "already_exists", "duplicate_in_request"]
"""What a dry run says a document would get: an action, or the failure it would have."""


class ChunkInput(TypedDict):
    chunk_index: int
    text: str


class DocumentInput(TypedDict):
    chat_bot_id: str
    content_name: str
    chunks: List[ChunkInput]
    metadata: NotRequired[Dict[str, Any]]


class CreateJobResponse(TypedDict):
    """``POST /job/batch-insert``, ``/job/batch-delete``, ``/job/{id}/retry``: 202 created,
    or 200 for the same Idempotency-Key and body again."""

    job_id: str
    kind: JobKind
    status: JobStatus
    total_documents: int
    """For a delete job: the documents it found to delete when accepted."""
    created_at: str
    message: str
    retry_of: NotRequired[str]
    """A retry: the job whose failed documents this one re-runs."""


class DryRunResult(TypedDict):
    """One document of a dry run, in request order."""

    position: int
    chat_bot_id: str
    content_name: str
    action: PlannedAction
    doc_id: NotRequired[int]
    """The stored document it would replace, skip or update."""


class DryRunResponse(TypedDict):
    """``dry_run: true`` on either insert endpoint: what each document would get; nothing was written."""

    dry_run: Literal[True]
    account_name: str
    on_existing: OnExisting
    total_documents: int
    summary: Dict[str, int]
    """How many documents would get each action."""
    results: List[DryRunResult]


class DeleteScope(TypedDict, total=False):
    """What a delete job was asked to delete: empty for the whole account."""

    chat_bot_id: str
    content_names_count: int


class DeleteReceipt(TypedDict):
    """A delete job's receipt: the "before" counts from its start, the rest once it has run."""

    scope: DeleteScope
    documents_before: int
    chunks_before: int
    vectors_before: NotRequired[int]
    documents_deleted: NotRequired[int]
    chunks_deleted: NotRequired[int]
    not_found: NotRequired[int]
    """Named documents that did not exist."""
    documents_after: NotRequired[int]
    chunks_after: NotRequired[int]
    vectors_after: NotRequired[int]
    """Counted in Milvus at Strong consistency: 0 once the job completed."""
    started_at: NotRequired[str]
    finished_at: NotRequired[str]


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
    action: NotRequired[DocumentAction]
    """What happened to a document that succeeded; absent on failure."""
    error: NotRequired[str]
    error_code: NotRequired[str]
    """Stable codes: already_exists, duplicate_in_request, concurrent_write (another job is writing a version
    of the same document: retry it when that job ends), embedding_rejected, vector_store_failed, storage_rejected,
    timeout, cancelled, rolled_back, internal_error."""


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
    kind: JobKind
    status: JobStatus
    progress: JobProgress
    results: List[JobResult]
    """The first page of results (100); ``iter_results`` reads them all."""
    results_next_cursor: Optional[str]
    timing: JobTiming
    message: str
    on_existing: NotRequired[OnExisting]
    """Insert jobs: the mode the job runs with."""
    retry_of: NotRequired[str]
    """The job whose failed documents this one re-runs."""
    receipt: NotRequired[DeleteReceipt]
    """Delete jobs, once they have begun."""
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
