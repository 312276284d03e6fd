import { ValidationFailedError } from '@nonstop/core';
import type { DeleteScope } from '@nonstop/storage';
import { MAX_IDENTIFIER_LENGTH, MAX_WEBHOOK_URL_LENGTH } from './batch-insert.dto';
import { checkWithClassValidator } from './dto-check';
import { describeType, httpUrlRule, identifierRule, isPlainObject, optional, type Rule } from './field-rules';
import { ProblemList } from './problem-list';
import { Satisfies } from './rule-decorator';
import { checkContentNames } from './search.dto';

/** Names per delete job; a larger erasure is a bot or account delete, or several jobs. */
export const MAX_DELETE_CONTENT_NAMES = 10_000;

const deleteContentNamesRule: Rule = (value) => {
  if (!Array.isArray(value)) return `must be an array of content names, got ${describeType(value)}`;
  // An empty list would read as "delete nothing" to one caller and "delete the whole bot" to another.
  if (value.length === 0) return 'must contain at least 1 content name (leave it out to delete the whole bot or account)';
  if (value.length > MAX_DELETE_CONTENT_NAMES) return `has ${value.length} content names; the limit is ${MAX_DELETE_CONTENT_NAMES}`;
  return undefined;
};

/** The body of `POST /job/batch-delete`. One rule per property; unknown properties refused. */
export class BatchDeleteDto {
  @Satisfies(identifierRule(MAX_IDENTIFIER_LENGTH))
  account_name!: string;

  @Satisfies(optional(identifierRule(MAX_IDENTIFIER_LENGTH)))
  chat_bot_id?: string;

  @Satisfies(optional(deleteContentNamesRule))
  content_names?: string[];

  @Satisfies(optional(httpUrlRule(MAX_WEBHOOK_URL_LENGTH)))
  webhook_url?: string;
}

export interface BatchDeleteRequest {
  account_name: string;
  scope: DeleteScope;
  webhook_url?: string;
}

/** Validates a parsed body, naming every bad field (`content_names[3]`); a name given twice is deleted once. */
export function validateBatchDeleteBody(body: unknown): BatchDeleteRequest {
  if (!isPlainObject(body)) {
    throw new ValidationFailedError([{ field: 'body', problem: `must be a JSON object, got ${describeType(body)}` }]);
  }
  const problems = new ProblemList();
  const invalid = checkWithClassValidator(BatchDeleteDto, body, '', problems);
  const { content_names: contentNames } = body;
  if (!invalid.has('content_names') && Array.isArray(contentNames)) checkContentNames(contentNames, problems);
  if (!problems.isEmpty) throw new ValidationFailedError(problems.toDetails());
  const dto = body as unknown as BatchDeleteDto;
  return {
    account_name: dto.account_name,
    scope: {
      ...(dto.chat_bot_id !== undefined && { chat_bot_id: dto.chat_bot_id }),
      ...(dto.content_names !== undefined && { content_names: [...new Set(dto.content_names)] }),
    },
    ...(dto.webhook_url !== undefined && { webhook_url: dto.webhook_url }),
  };
}
