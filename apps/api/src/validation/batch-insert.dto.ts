import { Satisfies } from './rule-decorator';
import { ON_EXISTING_MODES } from '@nonstop/core';
import { booleanRule, chunkIndexRule, httpUrlRule, identifierRule, nonEmptyArrayRule, oneOfRule, optional, textRule } from './field-rules';
import { metadataTypeRule } from './json-metadata';

/**
 * The request body of `POST /data/insert/batch` and `POST /job/batch-insert`.
 *
 * Each property carries exactly one rule, so a field gets one precise message.
 * Properties without a rule are unknown and rejected (forbidNonWhitelisted).
 * What depends on configured limits (how many documents and chunks, chunk text
 * length, metadata bytes) and what spans several fields (unique chunk_index)
 * is checked in validate-body.ts, which also walks the nested arrays itself so
 * that every problem carries its full path.
 */
export const MAX_IDENTIFIER_LENGTH = 128;
export const MAX_CONTENT_NAME_LENGTH = 2048;
export const MAX_WEBHOOK_URL_LENGTH = 2048;

export class ChunkDto {
  @Satisfies(chunkIndexRule)
  chunk_index!: number;

  /** Stored as given (not trimmed); only whitespace-only text is refused. */
  @Satisfies(textRule())
  text!: string;
}

export class DocumentDto {
  @Satisfies(identifierRule(MAX_IDENTIFIER_LENGTH))
  chat_bot_id!: string;

  /** Free text (often a URL, any language, quotes and backslashes): it is data, stored as given. */
  @Satisfies(textRule(MAX_CONTENT_NAME_LENGTH))
  content_name!: string;

  @Satisfies(nonEmptyArrayRule('chunks'))
  chunks!: ChunkDto[];

  @Satisfies(optional(metadataTypeRule))
  metadata?: Record<string, unknown>;
}

export class BatchInsertDto {
  @Satisfies(identifierRule(MAX_IDENTIFIER_LENGTH))
  account_name!: string;

  @Satisfies(nonEmptyArrayRule('documents'))
  documents!: DocumentDto[];

  /** Only its form is checked here; where it may point (SSRF) is decided when the webhook is registered. */
  @Satisfies(optional(httpUrlRule(MAX_WEBHOOK_URL_LENGTH)))
  webhook_url?: string;

  /** What to do with a document that already exists; default "fail" (reported as already existing). */
  @Satisfies(optional(oneOfRule(ON_EXISTING_MODES)))
  on_existing?: (typeof ON_EXISTING_MODES)[number];

  /** Validate and answer what each document would get; nothing is written, nothing embedded. */
  @Satisfies(optional(booleanRule))
  dry_run?: boolean;
}
