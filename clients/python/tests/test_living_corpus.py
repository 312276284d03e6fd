"""on_existing, dry runs, delete jobs with their receipt, and retry of the failed documents (issue 11)."""

from __future__ import annotations

import uuid

import pytest

from nonstop_ingest import AsyncClient, Client, DocumentInput, NonstopApiError

from conftest import FAST_SCHEDULE, korean_documents


def test_skip_unchanged_dry_run_delete_with_a_receipt_and_retry(base_url: str, account: str) -> None:
    documents = korean_documents(4, prefix="살아있는")
    with Client(base_url) as client:
        first = client.insert_batch_sync(account, documents[:2])
        assert [r.get("action") for r in first["results"]] == ["inserted", "inserted"]
        changed: list[DocumentInput] = [documents[0], {**documents[1], "metadata": {"title": "새 제목", "author": "김개발"}}]
        again = client.insert_batch_sync(account, changed, on_existing="skip_unchanged")
        assert [r.get("action") for r in again["results"]] == ["unchanged", "metadata_updated"]
        assert [r.get("doc_id") for r in again["results"]] == [r.get("doc_id") for r in first["results"]]

        planned = client.dry_run_batch_insert(account, [*documents, documents[3]], on_existing="replace")
        assert planned["dry_run"] is True and planned["on_existing"] == "replace"
        assert [r["action"] for r in planned["results"]] == ["replace", "replace", "insert", "insert", "duplicate_in_request"]
        assert planned["summary"] == {"replace": 2, "insert": 2, "duplicate_in_request": 1}
        assert isinstance(planned["results"][0].get("doc_id"), int)
        assert [r["action"] for r in client.dry_run_batch_insert(account, documents)["results"]] == [
            "already_exists", "already_exists", "insert", "insert",
        ]

        # the default on_existing (fail): the two stored documents fail as already existing
        created = client.create_batch_insert_job(account, documents)
        assert created["kind"] == "insert"
        with pytest.raises(NonstopApiError) as early:
            client.retry_job(created["job_id"])
        assert (early.value.status, early.value.code) == (409, "job_not_finished")
        job = client.wait_for_job(created["job_id"], schedule=FAST_SCHEDULE, deadline_seconds=120)
        assert job["kind"] == "insert" and job.get("on_existing") == "fail"
        assert (job["progress"]["success_count"], job["progress"]["failure_count"]) == (2, 2)

        names = [documents[0]["content_name"], documents[1]["content_name"], "https://예시.kr/없는/문서"]
        deleting = client.delete_documents(account, chat_bot_id="bot001", content_names=names, idempotency_key=f"{account}-delete")
        assert deleting["kind"] == "delete" and deleting["total_documents"] == 3
        assert client.delete_documents(account, chat_bot_id="bot001", content_names=names, idempotency_key=f"{account}-delete")["job_id"] == deleting["job_id"]
        deleted = client.wait_for_job(deleting["job_id"], schedule=FAST_SCHEDULE, deadline_seconds=120)
        assert deleted["status"] == "completed" and deleted["kind"] == "delete"
        assert [r.get("action") for r in deleted["results"]] == ["deleted", "deleted", "not_found"]
        receipt = deleted.get("receipt")
        assert receipt is not None
        assert receipt["scope"] == {"chat_bot_id": "bot001", "content_names_count": 3}
        assert (receipt["documents_before"], receipt["chunks_before"]) == (2, 4)
        assert (receipt.get("documents_deleted"), receipt.get("chunks_deleted"), receipt.get("not_found")) == (2, 4, 1)
        assert (receipt.get("documents_after"), receipt.get("chunks_after"), receipt.get("vectors_after")) == (0, 0, 0)
        with pytest.raises(NonstopApiError) as no_rollback:
            client.cancel_job(deleting["job_id"], rollback=True)
        assert (no_rollback.value.status, no_rollback.value.code) == (409, "rollback_not_possible")
        with pytest.raises(NonstopApiError) as not_retryable:
            client.retry_job(deleting["job_id"])
        assert not_retryable.value.code == "not_retryable"

        # the two failed documents are gone now: the retry inserts exactly them
        retried = client.retry_job(created["job_id"])
        assert retried.get("retry_of") == created["job_id"] and retried["total_documents"] == 2
        rerun = client.wait_for_job(retried["job_id"], schedule=FAST_SCHEDULE, deadline_seconds=120)
        assert rerun["status"] == "completed" and rerun.get("retry_of") == created["job_id"]
        assert [(r["content_name"], r.get("action")) for r in rerun["results"]] == [
            (documents[0]["content_name"], "inserted"), (documents[1]["content_name"], "inserted"),
        ]
        with pytest.raises(NonstopApiError) as nothing:
            client.retry_job(retried["job_id"])
        assert nothing.value.code == "nothing_to_retry"
        with pytest.raises(NonstopApiError) as missing:
            client.retry_job(str(uuid.uuid4()))
        assert missing.value.status == 404


@pytest.mark.anyio
async def test_async_replace_then_delete_a_whole_bot(base_url: str, account: str) -> None:
    documents = korean_documents(3, prefix="비동기")
    other: list[DocumentInput] = [{**document, "chat_bot_id": "bot002"} for document in korean_documents(1, prefix="다른")]
    async with AsyncClient(base_url) as client:
        await client.insert_batch_sync(account, [*documents, *other])
        created = await client.create_batch_insert_job(account, documents, on_existing="replace")
        job = await client.wait_for_job(created["job_id"], schedule=FAST_SCHEDULE, deadline_seconds=120)
        assert job.get("on_existing") == "replace"
        assert [r.get("action") for r in job["results"]] == ["replaced", "replaced", "replaced"]
        assert (await client.dry_run_batch_insert(account, documents, on_existing="skip_unchanged"))["summary"] == {"skip": 3}

        deleting = await client.delete_documents(account, chat_bot_id="bot001")
        deleted = await client.wait_for_job(deleting["job_id"], schedule=FAST_SCHEDULE, deadline_seconds=120)
        receipt = deleted.get("receipt")
        assert receipt is not None and receipt["scope"] == {"chat_bot_id": "bot001"}
        assert (receipt["documents_before"], receipt.get("documents_deleted"), receipt.get("vectors_after")) == (3, 3, 0)
        found = (await client.search(account, "서울의 봄", top_k=10, score_threshold=-1.0))["results"]
        assert found and {hit["chat_bot_id"] for hit in found} == {"bot002"}

        with pytest.raises(NonstopApiError) as refused:
            await client.delete_documents(account, content_names=[])
        assert (refused.value.status, refused.value.fields) == (400, ["content_names"])
