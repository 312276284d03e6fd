"""Polling a job until it is final: the schedule and the decisions, shared by
the sync and the async client (which only differ in how they sleep)."""

from __future__ import annotations

import time
from typing import Callable, Optional, Sequence, Union

from .errors import WaitTimeoutError, is_transient
from .models import FINAL_JOB_STATUSES, JobView

PollSchedule = Union[Sequence[float], Callable[[int], float]]
"""Seconds between polls: a list whose last entry repeats, or a function of the attempt (0 = after the first poll)."""

DEFAULT_POLL_SCHEDULE: Sequence[float] = (1.0, 2.0, 4.0, 8.0, 16.0)
"""What the service recommends: 1 s, 2 s, 4 s, 8 s, 16 s, then every 16 s."""

ProgressCallback = Callable[[JobView], None]
RetryCallback = Callable[[BaseException], None]


def backoff_delay(attempt: int, schedule: PollSchedule = DEFAULT_POLL_SCHEDULE) -> float:
    """The delay before poll ``attempt + 1``; the last entry of a list repeats forever."""
    if callable(schedule):
        return max(0.0, schedule(attempt))
    if len(schedule) == 0:
        raise ValueError("a poll schedule needs at least one delay")
    return max(0.0, schedule[min(max(0, attempt), len(schedule) - 1)])


class JobWaiter:
    """One wait for one job: what each read or failure means, and how long to sleep next."""

    def __init__(
        self,
        job_id: str,
        *,
        schedule: PollSchedule,
        deadline_seconds: Optional[float] = None,
        on_progress: Optional[ProgressCallback] = None,
        on_retry: Optional[RetryCallback] = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job_id = job_id
        self._schedule = schedule
        self._deadline_seconds = deadline_seconds
        self._deadline = None if deadline_seconds is None else clock() + deadline_seconds
        self._on_progress = on_progress
        self._on_retry = on_retry
        self._clock = clock
        self._attempt = 0
        self._last_status: Optional[str] = None

    def is_final(self, job: JobView) -> bool:
        """Records a status read; True when the job is completed, failed or cancelled."""
        self._last_status = job["status"]
        if self._on_progress is not None:
            self._on_progress(job)
        return job["status"] in FINAL_JOB_STATUSES

    def should_retry(self, error: BaseException) -> bool:
        """A network error, 5xx or 429 is ridden out (the service comes back); anything else is the caller's."""
        if not is_transient(error):
            return False
        if self._on_retry is not None:
            self._on_retry(error)
        return True

    def next_delay(self) -> float:
        """Seconds to sleep before the next read; WaitTimeoutError once the deadline has passed."""
        delay = backoff_delay(self._attempt, self._schedule)
        self._attempt += 1
        if self._deadline is None:
            return delay
        remaining = self._deadline - self._clock()
        if remaining <= 0:
            raise WaitTimeoutError(self.job_id, self._last_status, self._deadline_seconds or 0.0)
        return min(delay, remaining)
