/**
 * Milvus boolean expressions are a small language; any value that came from a
 * user is data and is written as an escaped string literal, never spliced.
 */
export function milvusString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

export function milvusIntList(values: number[]): string {
  for (const value of values) {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer id: ${value}`);
  }
  return `[${values.join(',')}]`;
}
