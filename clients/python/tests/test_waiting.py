"""The wait policy on its own: schedule, deadline and which errors are ridden out."""

from __future__ import annotations

import pytest

from nonstop_ingest import NonstopApiError, NonstopNetworkError, WaitTimeoutError, backoff_delay
from nonstop_ingest._waiting import JobWaiter


def test_the_default_schedule_is_1_2_4_8_16_then_16() -> None:
    assert [backoff_delay(attempt) for attempt in range(7)] == [1, 2, 4, 8, 16, 16, 16]
    assert [backoff_delay(attempt, [0.1, 0.5]) for attempt in range(3)] == [0.1, 0.5, 0.5]
    assert backoff_delay(3, lambda attempt: attempt * 2.0) == 6.0
    with pytest.raises(ValueError):
        backoff_delay(0, [])


def test_the_last_sleep_is_cut_to_the_deadline_then_it_times_out() -> None:
    now = [100.0]
    waiter = JobWaiter("job-1", schedule=[4.0], deadline_seconds=10, clock=lambda: now[0])
    assert waiter.next_delay() == 4.0
    now[0] = 107.0
    assert waiter.next_delay() == pytest.approx(3.0)
    now[0] = 110.0
    with pytest.raises(WaitTimeoutError, match="job job-1 not finished after 10 s") as timed_out:
        waiter.next_delay()
    assert isinstance(timed_out.value, TimeoutError)


def test_network_errors_5xx_and_429_are_retried_other_answers_are_not() -> None:
    retried: list[BaseException] = []
    waiter = JobWaiter("job-1", schedule=[1.0], on_retry=retried.append)
    transient = [NonstopNetworkError("refused"), NonstopApiError(503, "unavailable", "down"), NonstopApiError(429, "rate_limited", "slow down")]
    assert [waiter.should_retry(error) for error in transient] == [True, True, True]
    assert waiter.should_retry(NonstopApiError(404, "not_found", "no such job")) is False
    assert retried == transient
