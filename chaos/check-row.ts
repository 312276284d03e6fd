/** One line of the final table: what was checked, what it should be, what it was. */
export interface CheckRow {
  check: string;
  expected: string;
  actual: string;
  ok: boolean;
}
