import { ValidationFailedError } from '@nonstop/core';
import type { ChunkSearchRequest } from '@nonstop/pipeline';
import { checkWithClassValidator } from './dto-check';
import { describeType, isPlainObject } from './field-rules';
import { ProblemList } from './problem-list';
import { checkContentNames, DEFAULT_TOP_K, SearchDto } from './search.dto';

/**
 * Validates a parsed `POST /search` body, or throws ValidationFailedError
 * naming every bad field (`content_names[3]`). Nothing is coerced or
 * trimmed; `top_k` defaults to 10.
 */
export function validateSearchBody(body: unknown): ChunkSearchRequest {
  if (!isPlainObject(body)) {
    throw new ValidationFailedError([{ field: 'body', problem: `must be a JSON object, got ${describeType(body)}` }]);
  }
  const problems = new ProblemList();
  const invalid = checkWithClassValidator(SearchDto, body, '', problems);
  const { content_names: contentNames } = body;
  if (!invalid.has('content_names') && Array.isArray(contentNames)) checkContentNames(contentNames, problems);
  if (!problems.isEmpty) throw new ValidationFailedError(problems.toDetails());
  const dto = body as unknown as SearchDto;
  return {
    account_name: dto.account_name,
    query: dto.query,
    top_k: dto.top_k ?? DEFAULT_TOP_K,
    ...(dto.chat_bot_id !== undefined && { chat_bot_id: dto.chat_bot_id }),
    ...(dto.content_names !== undefined && { content_names: [...dto.content_names] }),
    ...(dto.score_threshold !== undefined && { score_threshold: dto.score_threshold }),
  };
}
