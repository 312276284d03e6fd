import { Satisfies } from './rule-decorator';
import { describeType, identifierRule, optional, textRule, type Rule } from './field-rules';
import { MAX_CONTENT_NAME_LENGTH, MAX_IDENTIFIER_LENGTH } from './batch-insert.dto';
import { indexPath } from './field-path';
import type { ProblemList } from './problem-list';

/**
 * The request body of `POST /search`. One rule per property, unknown
 * properties refused, as in batch-insert.dto.ts; the content names inside
 * the array are checked one by one in validate-search-body.ts, so that each
 * problem names its index.
 */
export const MAX_QUERY_LENGTH = 2000;
export const MIN_TOP_K = 1;
export const MAX_TOP_K = 50;
export const DEFAULT_TOP_K = 10;
export const MAX_CONTENT_NAMES = 100;

export const topKRule: Rule = (value) => {
  // No coercion: "10" is a string, not a count.
  const expected = `must be an integer from ${MIN_TOP_K} to ${MAX_TOP_K}`;
  if (typeof value !== 'number') return `${expected}, got ${describeType(value)}`;
  if (!Number.isInteger(value) || value < MIN_TOP_K || value > MAX_TOP_K) return `${expected}, got ${value}`;
  return undefined;
};

/** COSINE similarity lies in [-1, 1]. */
export const scoreThresholdRule: Rule = (value) => {
  if (typeof value !== 'number') return `must be a number from -1 to 1, got ${describeType(value)}`;
  if (!Number.isFinite(value) || value < -1 || value > 1) return `must be a number from -1 to 1, got ${value}`;
  return undefined;
};

export const contentNamesRule: Rule = (value) => {
  if (!Array.isArray(value)) return `must be an array of content names, got ${describeType(value)}`;
  // An empty list would mean either "no filter" or "nothing"; neither is what a caller who sent it can be assumed to want.
  if (value.length === 0) return 'must contain at least 1 content name (leave it out to search every document)';
  if (value.length > MAX_CONTENT_NAMES) return `has ${value.length} content names; the limit is ${MAX_CONTENT_NAMES}`;
  return undefined;
};

export const contentNameRule = textRule(MAX_CONTENT_NAME_LENGTH);

/** Each content name of a list that passed its array rule, each problem at its index (`content_names[3]`). */
export function checkContentNames(names: unknown[], problems: ProblemList): void {
  for (let i = 0; i < names.length && !problems.full; i += 1) {
    const problem = contentNameRule(names[i]);
    if (problem !== undefined) problems.add(indexPath('content_names', i), problem);
  }
}

export class SearchDto {
  @Satisfies(identifierRule(MAX_IDENTIFIER_LENGTH))
  account_name!: string;

  /** Free text in any language; stored nowhere, embedded as given. */
  @Satisfies(textRule(MAX_QUERY_LENGTH))
  query!: string;

  @Satisfies(optional(topKRule))
  top_k?: number;

  @Satisfies(optional(identifierRule(MAX_IDENTIFIER_LENGTH)))
  chat_bot_id?: string;

  /** Data, matched exactly against stored content names (never part of an expression). */
  @Satisfies(optional(contentNamesRule))
  content_names?: string[];

  @Satisfies(optional(scoreThresholdRule))
  score_threshold?: number;
}
