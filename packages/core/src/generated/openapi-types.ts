/**
 * Generated from apps/api/src/openapi/openapi-document.ts by openapi-typescript: do not edit.
 * Regenerate with `npm run generate:api-types`; `npm test` fails while this file is stale.
 */
export interface paths {
    "/data/insert/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Insert a small batch synchronously
         * @description The same write path as a job (duplicate check, PostgreSQL, embeddings, Milvus; fenced, rolled back on a system failure), run by the API itself and answered in the request, within SYNC_REQUEST_TIMEOUT_MS. A store outage is a 503 naming the store, and the request is rolled back.
         */
        post: operations["insertBatchSync"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/job/batch-insert": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a batch-insert job
         * @description Stages the batch in PostgreSQL and enqueues it; a worker processes it, surviving restarts of any process. on_existing decides what happens to documents stored already; with dry_run: true nothing is staged and the answer (200) says what would happen.
         */
        post: operations["createBatchInsertJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/job/batch-delete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a batch-delete job
         * @description Deletes the named documents (content_names, of chat_bot_id when given), a whole bot (chat_bot_id alone), or the whole account (neither). The documents are listed when the job is accepted; a durable job (the same status, stream, webhook and cancel as an insert job) deletes them from PostgreSQL and Milvus, and ends completed only when neither holds anything of what it deleted. Its per-document results are `deleted` or `not_found` (a missing document is not an error); GET /job/{job_id} carries the receipt. A document an insert job activates after the delete reached it stays: the later write wins. A delete job cannot be rolled back.
         */
        post: operations["createBatchDeleteJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/job/{job_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-run the failed documents of a finished job
         * @description A new insert job of the original's failed documents, read from its ledger (nothing is uploaded again), with the same on_existing and webhook_url, linked by `retry_of`. No body.
         */
        post: operations["retryJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/job/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Status, progress and first page of results of a job
         * @description The answer may be up to JOB_STATUS_CACHE_MS (default 250 ms) plus one database read old: requests for the same job within that window share one read. It carries an ETag; If-None-Match answers 304 when unchanged.
         */
        get: operations["getJob"];
        put?: never;
        post?: never;
        /**
         * Cancel a job
         * @description The document in hand finishes; the rest are cancelled. With rollback, everything the job stored is removed too.
         */
        delete: operations["cancelJob"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/job/{job_id}/results": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Per-document results, paged */
        get: operations["listJobResults"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/job/{job_id}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Job progress as Server-Sent Events
         * @description Sends the current state at once, then an unnamed event (data: JobStreamState) on every progress or status change, and a final `event: end` whose data is the JobStatus body of GET /job/{job_id}; then the stream closes. Each event has an `id:` (`<processed_documents>-<status>`); reconnecting with `Last-Event-ID` resends the latest state (and `end` if the job finished meanwhile). A `: ping` comment is sent every 15 s.
         */
        get: operations["streamJob"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/job/{job_id}/webhook-deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every webhook delivery attempt of a job
         * @description Time, HTTP status or error, and duration of each attempt to POST the job's end to its webhook_url.
         */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The chunks of an account closest to a query
         * @description Embeds the query, searches the Milvus partition of account_name (with API keys, only the key's own account), optionally only one chat bot and some content names, and answers the top_k chunks best first, joined to PostgreSQL: text and metadata come from there, and a chunk whose document is being removed or rolled back is not answered. Consistency level Strong: a document is findable as soon as its insert answered (a finished job, a 200 from POST /data/insert/batch), at the price of waiting for Milvus' time tick (about 200 ms a search).
         */
        post: operations["searchChunks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process is up */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every dependency answers */
        get: operations["readiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description Every error answer. */
        ErrorBody: {
            error: {
                /** @description Stable machine-readable code, e.g. validation_failed, not_found, job_finished. */
                code: string;
                message: string;
                /** @description Present on validation errors: one entry per bad field. */
                details?: {
                    /** @description Path of the field, e.g. documents[3].chunks[0].text. */
                    field: string;
                    problem: string;
                }[];
            };
        };
        Chunk: {
            chunk_index: number;
            /** @description Stored as given; not only whitespace, no NUL. */
            text: string;
        };
        Document: {
            chat_bot_id: string;
            /** @description With chat_bot_id, the identity of the document in the account. */
            content_name: string;
            /** @description chunk_index unique within the document. */
            chunks: components["schemas"]["Chunk"][];
            /** @description Any JSON object, at most MAX_METADATA_BYTES. */
            metadata?: {
                [key: string]: unknown;
            };
        };
        /** @description The synchronous endpoint answers with the results, so it takes no webhook_url (400 if sent). */
        DataInsertRequest: {
            account_name: string;
            /** @description At most MAX_DOCUMENTS_PER_REQUEST. */
            documents: components["schemas"]["Document"][];
            on_existing?: components["schemas"]["OnExisting"];
            dry_run?: components["schemas"]["DryRunFlag"];
        };
        BatchInsertRequest: {
            account_name: string;
            /** @description At most MAX_DOCUMENTS_PER_JOB. */
            documents: components["schemas"]["Document"][];
            /**
             * Format: uri
             * @description POSTed {job_id, status, progress, results} when the job ends.
             */
            webhook_url?: string;
            on_existing?: components["schemas"]["OnExisting"];
            dry_run?: components["schemas"]["DryRunFlag"];
        };
        /**
         * @description What to do with a document whose (account, chat_bot_id, content_name) is stored already. `fail` (default): a per-document `already_exists`. `skip_unchanged`: the same chunks and metadata are `unchanged` (no embedding call), a metadata-only change is `metadata_updated` (no embedding call, chunk ids and vectors kept), changed chunks are `replaced`. `replace`: always a new version. A replace is atomic per document: readers see the old version until the new one is whole.
         * @enum {string}
         */
        OnExisting: "fail" | "skip_unchanged" | "replace";
        /** @description `true`: validate and answer, with 200 and a DryRunResponse, the action each document would get; nothing is written, nothing embedded, no job made. */
        DryRunFlag: boolean;
        /** @description What a job would do now; a job run later may differ if the stored documents change in between. */
        DryRunResponse: {
            /** @constant */
            dry_run: true;
            account_name: string;
            on_existing: components["schemas"]["OnExisting"];
            total_documents: number;
            /** @description How many documents would get each action. */
            summary: {
                insert?: number;
                replace?: number;
                skip?: number;
                update_metadata?: number;
                already_exists?: number;
                duplicate_in_request?: number;
            };
            /** @description In the order of the request. */
            results: {
                position: number;
                chat_bot_id: string;
                content_name: string;
                /**
                 * @description insert, replace, skip, update_metadata; or the failure it would have: already_exists, duplicate_in_request.
                 * @enum {string}
                 */
                action: "insert" | "replace" | "skip" | "update_metadata" | "already_exists" | "duplicate_in_request";
                /** @description The stored document it would replace, skip or update. */
                doc_id?: number;
            }[];
        };
        BatchDeleteRequest: {
            account_name: string;
            /** @description Only this bot's documents; without content_names, the whole bot. */
            chat_bot_id?: string;
            /** @description Only the documents with these names (a name given twice is deleted once). With neither field, the whole account is deleted. */
            content_names?: string[];
            /**
             * Format: uri
             * @description POSTed {job_id, status, progress, results} when the job ends.
             */
            webhook_url?: string;
        };
        /** @description What the delete job was asked to delete: empty for the whole account. */
        DeleteScope: {
            chat_bot_id?: string;
            /** @description How many content names were given; the names themselves are the results' content_name. */
            content_names_count?: number;
        };
        /** @description A delete job's receipt: the "before" counts from its start, the rest once it has run; all of them when it completed. */
        DeleteReceipt: {
            scope: components["schemas"]["DeleteScope"];
            documents_before: number;
            chunks_before: number;
            vectors_before?: number;
            documents_deleted?: number;
            chunks_deleted?: number;
            /** @description Named documents that did not exist (a per-document not_found, not an error). */
            not_found?: number;
            documents_after?: number;
            chunks_after?: number;
            /** @description Counted in Milvus at Strong consistency; 0 when the job completed. */
            vectors_after?: number;
            /** Format: date-time */
            started_at?: string;
            /** Format: date-time */
            finished_at?: string;
        };
        DataInsertResponse: {
            /**
             * Format: uuid
             * @description The request runs as a job of its own (origin sync); GET /job/{job_id} shows it.
             */
            job_id: string;
            account_name: string;
            total_documents: number;
            success_count: number;
            failure_count: number;
            /** @description In the order of the request. */
            results: components["schemas"]["JobResult"][];
        };
        JobCreated: {
            /** Format: uuid */
            job_id: string;
            /** @enum {string} */
            kind: "insert" | "delete";
            /** @enum {string} */
            status: "pending" | "processing" | "completed" | "failed" | "cancelled";
            /** @description For a delete job, the documents it found to delete (named or in scope) when accepted. */
            total_documents: number;
            /** Format: date-time */
            created_at: string;
            /**
             * Format: uuid
             * @description POST /job/{job_id}/retry: the job whose failed documents this one re-runs.
             */
            retry_of?: string;
            message: string;
        };
        JobProgress: {
            total_documents: number;
            processed_documents: number;
            success_count: number;
            failure_count: number;
            cancelled_count: number;
            /** @description Rounded down to one decimal: 100 only when every document is processed. */
            percentage: number;
        };
        JobResult: {
            /** @description Index of the document in the request. */
            position: number;
            content_name: string;
            chat_bot_id: string;
            /** @enum {string} */
            status: "pending" | "succeeded" | "failed" | "cancelled" | "rolled_back";
            success: boolean;
            doc_id?: number;
            chunks_count: number;
            /**
             * @description What happened to a document that succeeded; absent on failure.
             * @enum {string}
             */
            action?: "inserted" | "replaced" | "unchanged" | "metadata_updated" | "deleted" | "not_found";
            error?: string;
            /**
             * @description concurrent_write: another job is writing a version of the same document; retry it when that job ends.
             * @enum {string|null}
             */
            error_code?: "already_exists" | "duplicate_in_request" | "concurrent_write" | "embedding_rejected" | "vector_store_failed" | "storage_rejected" | "timeout" | "cancelled" | "rolled_back" | "internal_error" | null;
        };
        JobStatus: {
            /** Format: uuid */
            job_id: string;
            account_name: string;
            /** @enum {string} */
            kind: "insert" | "delete";
            /** @enum {string} */
            status: "pending" | "processing" | "completed" | "failed" | "cancelled";
            progress: components["schemas"]["JobProgress"];
            /** @description The first page (100) of per-document results; GET /job/{job_id}/results pages the rest. */
            results: components["schemas"]["JobResult"][];
            results_next_cursor: string | null;
            timing: {
                /** Format: date-time */
                created_at: string;
                /** Format: date-time */
                started_at: string | null;
                /** Format: date-time */
                updated_at: string;
                /** Format: date-time */
                finished_at: string | null;
                /** Format: date-time */
                estimated_completion: string | null;
                /** Format: date-time */
                expires_at: string;
            };
            message: string;
            /** @description Insert jobs: the mode the job runs with. */
            on_existing?: components["schemas"]["OnExisting"];
            /**
             * Format: uuid
             * @description The job whose failed documents this one re-runs.
             */
            retry_of?: string;
            receipt?: components["schemas"]["DeleteReceipt"];
            /** Format: date-time */
            cancel_requested_at?: string;
            /** @description Why the whole job failed. */
            error?: {
                code: string | null;
                message: string;
            };
        };
        ResultsPage: {
            /** Format: uuid */
            job_id: string;
            results: components["schemas"]["JobResult"][];
            /** @description Pass as `cursor` for the next page; null on the last page. */
            next_cursor: string | null;
        };
        /** @description The data of every unnamed stream event; the final `end` event carries a JobStatus. */
        JobStreamState: {
            /** Format: uuid */
            job_id: string;
            /** @enum {string} */
            status: "pending" | "processing" | "completed" | "failed" | "cancelled";
            progress: components["schemas"]["JobProgress"];
            /** Format: date-time */
            updated_at: string;
            /** Format: date-time */
            cancel_requested_at?: string;
        };
        WebhookDeliveries: {
            /** Format: uuid */
            job_id: string;
            /** @description Where the job's end is POSTed; null when the job has no webhook. */
            webhook_url: string | null;
            /** @description Every delivery attempt, oldest first. */
            deliveries: {
                attempt: number;
                /**
                 * Format: uuid
                 * @description The delivery_id of the signed body this attempt sent; null when nothing was sent (skipped).
                 */
                delivery_id: string | null;
                /** Format: date-time */
                attempted_at: string;
                /**
                 * @description skipped: the account has no webhook secret and WEBHOOK_SECRET is not configured.
                 * @enum {string}
                 */
                outcome: "delivered" | "failed" | "skipped";
                /** @description HTTP status answered; null when no answer (refused address, timeout, connection error). */
                status_code: number | null;
                error: string | null;
                duration_ms: number;
            }[];
        };
        SearchRequest: {
            account_name: string;
            /** @description Any language; not only whitespace, no NUL. Embedded with the model's query convention when it has one (e5: `query: `). */
            query: string;
            /** @description How many results at most; default 10. */
            top_k?: number;
            /** @description Only this bot's documents. */
            chat_bot_id?: string;
            /** @description Only the documents with one of these names (exact match; the names are data, never expression syntax). */
            content_names?: string[];
            /** @description Drop results whose score is below it. */
            score_threshold?: number;
        };
        SearchResult: {
            content_name: string;
            chat_bot_id: string;
            doc_id: number;
            chunk_index: number;
            /** @description The chunk as stored in PostgreSQL. */
            text: string;
            /** @description COSINE similarity of the query and the chunk (the index metric); higher is closer. */
            score: number;
            /** @description The document's metadata as stored. */
            metadata: {
                [key: string]: unknown;
            };
        };
        SearchResponse: {
            /** @description Best first; at most top_k; empty when nothing matches. */
            results: components["schemas"]["SearchResult"][];
        };
        Health: {
            /** @constant */
            status: "ok";
        };
        Readiness: {
            ready: boolean;
            /** @description One entry per dependency: redis, postgresql, milvus, embedding. */
            checks: {
                [key: string]: {
                    ok: boolean;
                    error?: string;
                    latency_ms: number;
                };
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    insertBatchSync: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retry safely after a lost answer: the same key and body answer the first request's results again (409 while it still runs); another body is refused (422). A request that failed (503) kept nothing and frees its key. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DataInsertRequest"];
            };
        };
        responses: {
            /** @description Per-document results (each success with its `action`); documents fail alone. With dry_run: true, a DryRunResponse instead. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DataInsertResponse"] | components["schemas"]["DryRunResponse"];
                };
            };
            /** @description Invalid body (validation_failed with details, or malformed JSON), or an invalid Idempotency-Key (invalid_idempotency_key). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key, or an unknown or revoked one (unauthenticated, invalid_api_key). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description account_name is not the account of the API key (account_mismatch). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A request with this Idempotency-Key is still running (request_in_progress). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Body larger than the configured limit, or too many documents. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not application/json in UTF-8. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Idempotency-Key reused with a different body (idempotency_key_reused). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The key's rate limit (rate_limited), or for a new job (an insert, a delete or a retry) the account's queued quota, checked atomically with the insert: documents (queued_documents_quota) or their chunks (queued_chunks_quota); see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A store is unavailable; nothing was kept. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    createBatchInsertJob: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeat a creation safely: the same key and body return the first job (200); the same key with another body is refused (422). */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BatchInsertRequest"];
            };
        };
        responses: {
            /** @description A job already created with this Idempotency-Key and body (JobCreated); or, with dry_run: true, the action each document would get (DryRunResponse). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobCreated"] | components["schemas"]["DryRunResponse"];
                };
            };
            /** @description Job created. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobCreated"];
                };
            };
            /** @description Invalid body (validation_failed with details, or malformed JSON), or invalid_webhook_url: the webhook_url is not http(s), does not resolve, or resolves to a private, loopback, link-local or metadata address. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key, or an unknown or revoked one (unauthenticated, invalid_api_key). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description account_name is not the account of the API key (account_mismatch). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Body larger than the configured limit, or too many documents. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not application/json in UTF-8. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Idempotency-Key reused with a different body (idempotency_key_reused). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The key's rate limit (rate_limited), or for a new job (an insert, a delete or a retry) the account's queued quota, checked atomically with the insert: documents (queued_documents_quota) or their chunks (queued_chunks_quota); see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A store is unavailable; nothing was kept. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    createBatchDeleteJob: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeat a creation safely: the same key and body return the first job (200); the same key with another body is refused (422). */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BatchDeleteRequest"];
            };
        };
        responses: {
            /** @description A job already created with this Idempotency-Key and body. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobCreated"];
                };
            };
            /** @description Job created. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobCreated"];
                };
            };
            /** @description Invalid body (validation_failed with details, or malformed JSON), an invalid Idempotency-Key, or an invalid_webhook_url. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key, or an unknown or revoked one (unauthenticated, invalid_api_key). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description account_name is not the account of the API key (account_mismatch). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Body larger than the configured limit, or too many documents. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not application/json in UTF-8. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Idempotency-Key reused with a different body (idempotency_key_reused). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The key's rate limit (rate_limited), or for a new job (an insert, a delete or a retry) the account's queued quota, checked atomically with the insert: documents (queued_documents_quota) or their chunks (queued_chunks_quota); see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A store is unavailable; nothing was kept. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    retryJob: {
        parameters: {
            query?: never;
            header?: {
                /** @description The same key for the same job returns the first retry (200). */
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description The id returned by POST /job/batch-insert, /job/batch-delete or /job/{job_id}/retry. */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A retry already created with this Idempotency-Key. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobCreated"];
                };
            };
            /** @description Retry job created. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobCreated"];
                };
            };
            /** @description An invalid Idempotency-Key (invalid_idempotency_key). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key, or an unknown or revoked one (unauthenticated, invalid_api_key). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such job. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description job_not_finished: the job is still pending or processing; not_retryable: a delete job; nothing_to_retry: no document of the job failed. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Idempotency-Key already used for another request (idempotency_key_reused). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The key's rate limit (rate_limited), or for a new job (an insert, a delete or a retry) the account's queued quota, checked atomically with the insert: documents (queued_documents_quota) or their chunks (queued_chunks_quota); see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description PostgreSQL is unavailable; nothing was kept. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    getJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id returned by POST /job/batch-insert, /job/batch-delete or /job/{job_id}/retry. */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobStatus"];
                };
            };
            /** @description No API key, or an unknown or revoked one (unauthenticated, invalid_api_key). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such job. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The key's rate limit (rate_limited), or for a new job (an insert, a delete or a retry) the account's queued quota, checked atomically with the insert: documents (queued_documents_quota) or their chunks (queued_chunks_quota); see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    cancelJob: {
        parameters: {
            query?: {
                /** @description `true` or `1`: also remove every document the job stored. */
                rollback?: "true" | "1" | "false" | "0";
            };
            header?: never;
            path: {
                /** @description The id returned by POST /job/batch-insert, /job/batch-delete or /job/{job_id}/retry. */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancelled; the body reports the partial success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobStatus"];
                };
            };
            /** @description Cancel requested; the worker had not stopped within the wait. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobStatus"];
                };
            };
            /** @description rollback is not one of true, 1, false, 0. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key, or an unknown or revoked one (unauthenticated, invalid_api_key). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such job. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The job already ended (job_finished), or rollback of a delete job (rollback_not_possible: what it deleted is gone). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The key's rate limit (rate_limited), or for a new job (an insert, a delete or a retry) the account's queued quota, checked atomically with the insert: documents (queued_documents_quota) or their chunks (queued_chunks_quota); see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    listJobResults: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page. */
                cursor?: string;
                /** @description Page size, 1 to 1000 (default 100). */
                limit?: number;
                /** @description Only results with this status. */
                status?: "pending" | "succeeded" | "failed" | "cancelled" | "rolled_back";
            };
            header?: never;
            path: {
                /** @description The id returned by POST /job/batch-insert, /job/batch-delete or /job/{job_id}/retry. */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of results in request order. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResultsPage"];
                };
            };
            /** @description Bad cursor, limit or status. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key, or an unknown or revoked one (unauthenticated, invalid_api_key). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such job. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The key's rate limit (rate_limited), or for a new job (an insert, a delete or a retry) the account's queued quota, checked atomically with the insert: documents (queued_documents_quota) or their chunks (queued_chunks_quota); see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    streamJob: {
        parameters: {
            query?: never;
            header?: {
                /** @description Id of the last event received, on reconnect. */
                "Last-Event-ID"?: string;
            };
            path: {
                /** @description The id returned by POST /job/batch-insert, /job/batch-delete or /job/{job_id}/retry. */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": {
                        /**
                         * @description Unnamed (message) for a state, `end` for the last event.
                         * @enum {string}
                         */
                        event?: "message" | "end";
                        id?: string;
                        /** @description JSON: a JobStreamState, or for `end` a JobStatus. */
                        data?: string;
                        retry?: number;
                    };
                };
            };
            /** @description Last-Event-ID is not the id of an event of this stream (invalid_last_event_id). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key, or an unknown or revoked one (unauthenticated, invalid_api_key). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such job. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The key's rate limit (rate_limited), or for a new job (an insert, a delete or a retry) the account's queued quota, checked atomically with the insert: documents (queued_documents_quota) or their chunks (queued_chunks_quota); see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The id returned by POST /job/batch-insert, /job/batch-delete or /job/{job_id}/retry. */
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The attempts, oldest first (empty until the job ends). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveries"];
                };
            };
            /** @description No API key, or an unknown or revoked one (unauthenticated, invalid_api_key). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No such job. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The key's rate limit (rate_limited), or for a new job (an insert, a delete or a retry) the account's queued quota, checked atomically with the insert: documents (queued_documents_quota) or their chunks (queued_chunks_quota); see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    searchChunks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SearchRequest"];
            };
        };
        responses: {
            /** @description The results, best first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchResponse"];
                };
            };
            /** @description Invalid body (validation_failed with details naming each field, or malformed JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key, or an unknown or revoked one (unauthenticated, invalid_api_key). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description account_name is not the account of the API key (account_mismatch). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Body larger than 1 MiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not application/json in UTF-8. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The embedding service refused the query (embedding_rejected). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The key's rate limit (rate_limited), or for a new job (an insert, a delete or a retry) the account's queued quota, checked atomically with the insert: documents (queued_documents_quota) or their chunks (queued_chunks_quota); see Retry-After. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Milvus, PostgreSQL or the embedding service is unavailable (milvus_unavailable, ...); retry later. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Up. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    readiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description Some dependency does not answer; each is named. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
}
