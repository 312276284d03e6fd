from __future__ import annotations

import asyncio

import pytest

from nonstop_ingest import AsyncClient, JobResult, NonstopApiError

from conftest import FAST_SCHEDULE, korean_documents

pytestmark = pytest.mark.anyio


async def test_two_korean_jobs_are_waited_for_concurrently(base_url: str, account: str) -> None:
    async with AsyncClient(base_url) as client:
        first, second = await asyncio.gather(
            client.create_batch_insert_job(account, korean_documents(2, prefix="첫째")),
            client.create_batch_insert_job(account, korean_documents(3, prefix="둘째")),
        )
        jobs = await asyncio.gather(*(
            client.wait_for_job(created["job_id"], schedule=FAST_SCHEDULE, deadline_seconds=120) for created in (first, second)
        ))
        assert [job["status"] for job in jobs] == ["completed", "completed"]
        assert [job["progress"]["success_count"] for job in jobs] == [2, 3]

        results: list[JobResult] = [result async for result in client.iter_results(second["job_id"], page_size=1)]
        assert [r["content_name"] for r in results] == [f"https://예시.kr/둘째/{n}" for n in range(3)]

        found = (await client.search(account, "부산 바다 여름", top_k=5, content_names=["https://예시.kr/첫째/1"]))["results"]
        assert {hit["content_name"] for hit in found} == {"https://예시.kr/첫째/1"}


async def test_synchronous_insert_then_search(base_url: str, account: str) -> None:
    documents = korean_documents(2, prefix="동기")
    async with AsyncClient(base_url) as client:
        inserted = await client.insert_batch_sync(account, documents, idempotency_key=f"{account}-sync")
        assert (inserted["success_count"], inserted["failure_count"]) == (2, 0)
        assert [r["status"] for r in inserted["results"]] == ["succeeded", "succeeded"]
        # a document is findable as soon as its insert answered
        found = (await client.search(account, "서울의 봄", top_k=2, score_threshold=-1.0))["results"]
        assert len(found) == 2 and {hit["content_name"] for hit in found} <= {d["content_name"] for d in documents}

        with pytest.raises(NonstopApiError) as refused:
            await client.insert_batch_sync(account, [{**documents[0], "chunks": []}])
        assert refused.value.status == 400 and refused.value.fields == ["documents[0].chunks"]
