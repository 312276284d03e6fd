import { apiBody, type ApiSchema } from '@nonstop/core';
import type { LedgerRow } from '@nonstop/storage';

/**
 * One document's result as every reader gets it (GET /job, the results
 * pages, the synchronous answer, the webhook body): one shape, one place,
 * checked against the OpenAPI document's JobResult.
 */
export function ledgerResultView(row: LedgerRow): ApiSchema<'JobResult'> {
  return apiBody('JobResult', {
    position: row.position,
    content_name: row.content_name,
    chat_bot_id: row.chat_bot_id,
    status: row.status,
    success: row.status === 'succeeded',
    ...(row.doc_id !== null ? { doc_id: Number(row.doc_id) } : {}),
    chunks_count: row.chunks_count,
    ...(row.action !== null ? { action: row.action } : {}),
    ...(row.error_message !== null ? { error: row.error_message, error_code: row.error_code } : {}),
  });
}
