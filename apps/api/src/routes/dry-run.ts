import type { PgDocumentStore } from '@nonstop/storage';
import { findDuplicatesInRequest } from '@nonstop/pipeline';
import { onExistingOf, type BatchInsertRequest } from '../validation/validate-body';

/**
 * `dry_run: true` on either insert endpoint: the action each document would
 * get now (`insert`, `replace`, `skip`, `update_metadata`, or the failure it
 * would have: `already_exists`, `duplicate_in_request`), read in one
 * statement. Nothing is written, nothing embedded, no job made. A job run
 * later may still differ, if the stored documents change in between.
 */
export async function dryRunAnswer(documents: PgDocumentStore, request: BatchInsertRequest): Promise<Record<string, unknown>> {
  const duplicates = findDuplicatesInRequest(request.documents);
  const planned = await documents.planInserts(request.account_name, request.documents, onExistingOf(request));
  const results = request.documents.map((document, position) => {
    const plan = planned[position]!;
    return {
      position,
      chat_bot_id: document.chat_bot_id,
      content_name: document.content_name,
      action: duplicates.has(position) ? 'duplicate_in_request' : plan.action,
      ...(plan.doc_id !== undefined ? { doc_id: plan.doc_id } : {}),
    };
  });
  const summary: Record<string, number> = {};
  for (const result of results) summary[result.action] = (summary[result.action] ?? 0) + 1;
  return {
    dry_run: true,
    account_name: request.account_name,
    on_existing: onExistingOf(request),
    total_documents: results.length,
    summary,
    results,
  };
}
