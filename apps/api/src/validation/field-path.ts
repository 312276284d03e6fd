import { echo } from './field-rules';

/**
 * Field paths in the form clients read in their own code:
 * `documents[3].chunks[0].text`. A key that is not a plain name (spaces,
 * dots, quotes, non-ASCII) is shown quoted, `metadata["a.b"]`, so a path
 * can never be misread and never carries raw control characters.
 */
const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function keyPath(parent: string, key: string): string {
  if (PLAIN_KEY.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${echo(key)}]`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
