import { documentKey, type DocumentInput } from '@nonstop/core';

/**
 * Positions of documents that repeat an earlier document of the same request
 * (same chat bot and content name), mapped to the earlier position. The
 * later copy is reported as a duplicate; it is never stored twice.
 */
export function findDuplicatesInRequest(documents: DocumentInput[]): Map<number, number> {
  const firstSeen = new Map<string, number>();
  const duplicates = new Map<number, number>();
  documents.forEach((doc, position) => {
    const key = documentKey(doc);
    const first = firstSeen.get(key);
    if (first === undefined) firstSeen.set(key, position);
    else duplicates.set(position, first);
  });
  return duplicates;
}
