"""Python client of the Nonstop Ingest job API: sync ``Client``, asyncio ``AsyncClient``,
webhook signature verification, typed answers and errors."""

from .async_client import AsyncClient
from .client import Client
from ._waiting import DEFAULT_POLL_SCHEDULE, PollSchedule, backoff_delay
from .errors import NonstopApiError, NonstopError, NonstopNetworkError, WaitTimeoutError, is_transient
from .models import (
    FINAL_JOB_STATUSES,
    CancelJobResponse,
    ChunkInput,
    CreateJobResponse,
    DeleteReceipt,
    DeleteScope,
    DocumentAction,
    DocumentInput,
    DryRunResponse,
    DryRunResult,
    FieldProblem,
    JobError,
    JobKind,
    JobProgress,
    JobResult,
    JobStatus,
    JobTiming,
    JobView,
    OnExisting,
    PlannedAction,
    ResultsPage,
    ResultStatus,
    SearchResponse,
    SearchResult,
    SyncInsertResponse,
)
from .webhook_signature import (
    SIGNATURE_HEADER,
    SIGNATURE_VERSION,
    TIMESTAMP_HEADER,
    WebhookVerification,
    sign_webhook,
    verify_webhook_signature,
)

__all__ = [
    "AsyncClient", "Client",
    "DEFAULT_POLL_SCHEDULE", "PollSchedule", "backoff_delay",
    "NonstopApiError", "NonstopError", "NonstopNetworkError", "WaitTimeoutError", "is_transient",
    "FINAL_JOB_STATUSES", "CancelJobResponse", "ChunkInput", "CreateJobResponse", "DeleteReceipt", "DeleteScope",
    "DocumentAction", "DocumentInput", "DryRunResponse", "DryRunResult", "FieldProblem",
    "JobError", "JobKind", "JobProgress", "JobResult", "JobStatus", "JobTiming", "JobView", "OnExisting", "PlannedAction", "ResultsPage", "ResultStatus",
    "SearchResponse", "SearchResult", "SyncInsertResponse",
    "SIGNATURE_HEADER", "SIGNATURE_VERSION", "TIMESTAMP_HEADER", "WebhookVerification", "sign_webhook", "verify_webhook_signature",
]
