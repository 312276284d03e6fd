import type { FieldProblem } from '@nonstop/core';

/**
 * The problems found in one request body. Every problem is reported, up to a
 * cap: a 10 000-document body with a bad chunk_index in every chunk would
 * otherwise produce an error response larger than the request. Once full,
 * validation stops early and the last entry says the list was cut.
 */
export const MAX_REPORTED_PROBLEMS = 1000;

export class ProblemList {
  private readonly problems: FieldProblem[] = [];
  private truncated = false;

  constructor(private readonly cap = MAX_REPORTED_PROBLEMS) {}

  add(field: string, problem: string): void {
    if (this.problems.length < this.cap) this.problems.push({ field, problem });
    else this.truncated = true;
  }

  get full(): boolean {
    return this.problems.length >= this.cap;
  }

  get isEmpty(): boolean {
    return this.problems.length === 0;
  }

  toDetails(): FieldProblem[] {
    if (!this.truncated && !this.full) return [...this.problems];
    return [...this.problems, { field: 'body', problem: `validation stopped after ${this.cap} problems; there may be more` }];
  }
}
