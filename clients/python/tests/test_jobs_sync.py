from __future__ import annotations

import uuid

import pytest

from nonstop_ingest import Client, NonstopApiError, NonstopNetworkError

from conftest import FAST_SCHEDULE, korean_documents


def test_a_korean_job_is_submitted_waited_for_and_paged(base_url: str, account: str) -> None:
    documents = korean_documents(3)
    key = f"py-{uuid.uuid4()}"
    with Client(base_url) as client:
        created = client.create_batch_insert_job(account, documents, idempotency_key=key)
        assert created["status"] == "pending" and created["total_documents"] == 3
        assert client.create_batch_insert_job(account, documents, idempotency_key=key)["job_id"] == created["job_id"]

        seen: list[str] = []
        job = client.wait_for_job(created["job_id"], schedule=FAST_SCHEDULE, deadline_seconds=120,
                                  on_progress=lambda view: seen.append(view["status"]))
        assert job["status"] == "completed" and seen[-1] == "completed"
        assert job["progress"]["success_count"] == 3 and job["progress"]["percentage"] == 100

        results = list(client.iter_results(created["job_id"], page_size=2))
        assert [r["position"] for r in results] == [0, 1, 2]
        assert [r["content_name"] for r in results] == [d["content_name"] for d in documents]
        assert all(r["status"] == "succeeded" and r["chunks_count"] == 2 and isinstance(r.get("doc_id"), int) for r in results)
        assert list(client.iter_results(created["job_id"], status="failed")) == []

        # what is found is the account's own chunks, Korean intact (how well it ranks is the model's business)
        found = client.search(account, "서울 봄 벚꽃", top_k=3)["results"]
        chunks = {(d["content_name"], c["chunk_index"]): c["text"] for d in documents for c in d["chunks"]}
        assert len(found) == 3 and found[0]["score"] >= found[-1]["score"]
        assert all(chunks[(hit["content_name"], hit["chunk_index"])] == hit["text"] and hit["metadata"]["author"] == "김개발" for hit in found)


def test_cancel_stops_a_running_job(base_url: str, account: str) -> None:
    with Client(base_url) as client:
        created = client.create_batch_insert_job(account, korean_documents(300, prefix="취소"))
        cancelled = client.cancel_job(created["job_id"])
        assert cancelled["job_id"] == created["job_id"]
        assert cancelled["settled"] == (cancelled["status"] == "cancelled")
        job = client.wait_for_job(created["job_id"], schedule=FAST_SCHEDULE, deadline_seconds=60)
        assert job["status"] == "cancelled" and job["progress"]["cancelled_count"] > 0


def test_refusals_carry_the_problem_body(base_url: str) -> None:
    with Client(base_url) as client:
        with pytest.raises(NonstopApiError) as refused:
            client.create_batch_insert_job("", [{"chat_bot_id": "bot001", "content_name": "x", "chunks": []}])
        error = refused.value
        assert (error.status, error.code) == (400, "validation_failed")
        assert "account_name" in error.fields and "documents[0].chunks" in error.fields
        assert error.body["error"]["code"] == "validation_failed" and error.request_id

        missing = str(uuid.uuid4())
        with pytest.raises(NonstopApiError) as not_found:
            client.wait_for_job(missing, schedule=FAST_SCHEDULE)  # a 404 is raised at once, not waited out
        assert not_found.value.status == 404


def test_no_answer_is_a_network_error() -> None:
    with Client("http://127.0.0.1:9", timeout=2) as client:  # the discard port: nothing listens there
        with pytest.raises(NonstopNetworkError, match="GET http://127.0.0.1:9/job/"):
            client.get_job("any")
