"""The tests run against a real API and worker; `npm test` starts both
(clients/python/pytest-against-api.int.test.ts) and passes their address."""

from __future__ import annotations

import os
import uuid

import pytest

from nonstop_ingest import DocumentInput

FAST_SCHEDULE = (0.05, 0.1, 0.2)
"""Poll quickly: the documents are small and the worker is idle."""


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("NONSTOP_TEST_BASE_URL")
    if not url:
        pytest.fail("NONSTOP_TEST_BASE_URL is not set: run these through `npm test -- clients/python` (see the README)")
    return url


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def account() -> str:
    """Fresh data per test: a unique account isolates documents, jobs and vectors."""
    return f"py_{uuid.uuid4().hex[:8]}"


def korean_documents(count: int, prefix: str = "문서") -> list[DocumentInput]:
    return [
        {
            "chat_bot_id": "bot001",
            "content_name": f"https://예시.kr/{prefix}/{n}",
            "chunks": [
                {"chunk_index": 0, "text": f"서울의 봄은 따뜻하고 벚꽃이 핍니다. {prefix} {n}번째 문단입니다."},
                {"chunk_index": 1, "text": f"부산 바다는 여름에 사람들로 붐빕니다. ({n})"},
            ],
            "metadata": {"title": f"{prefix} {n}", "author": "김개발"},
        }
        for n in range(count)
    ]
