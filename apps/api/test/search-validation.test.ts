import { ValidationFailedError, type FieldProblem } from '@nonstop/core';
import { variedText, ASTRAL_EMOJI, HANGUL } from '../../../test/support/multibyte-text';
import { MAX_CONTENT_NAME_LENGTH } from '../src/validation/batch-insert.dto';
import { MAX_CONTENT_NAMES, MAX_QUERY_LENGTH } from '../src/validation/search.dto';
import { validateSearchBody } from '../src/validation/validate-search-body';
import { badSearchBodies, goodSearchBody } from './bad-search-bodies';

function problemsOf(body: unknown): FieldProblem[] {
  try {
    validateSearchBody(body);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailedError);
    return (error as ValidationFailedError).details ?? [];
  }
  throw new Error('body was accepted but should have been rejected');
}

describe('validateSearchBody', () => {
  it.each(badSearchBodies.map(([name, body, field, problem]) => [name, body, field, problem] as const))(
    'refuses %s, naming the field',
    (_name, body, field, problem) => {
      const problems = problemsOf(body('chatty'));
      // One precise problem for the one bad field (an empty object lacks the query too).
      expect(problems.map((p) => p.field)).toEqual(_name === 'empty object' ? [field, 'query'] : [field]);
      expect(problems[0]!.problem).toMatch(problem);
    },
  );

  it('refuses a body that is not an object', () => {
    for (const body of [null, [], 'query', 7]) expect(problemsOf(body)).toEqual([expect.objectContaining({ field: 'body' })]);
  });

  it('lists every bad field at once', () => {
    expect(problemsOf({ account_name: 'a b', query: '', top_k: 0, content_names: ['', 'ok', 5], extra: true }).map((p) => p.field)).toEqual(
      ['extra', 'account_name', 'query', 'top_k', 'content_names[0]', 'content_names[2]'],
    );
  });

  it('returns the body as sent, top_k defaulting to 10; hostile content names are data', () => {
    expect(validateSearchBody(goodSearchBody())).toEqual(goodSearchBody());
    expect(validateSearchBody({ account_name: 'a', query: '  질문 ' })).toEqual({ account_name: 'a', query: '  질문 ', top_k: 10 });
    const names = ['" or account_name != "x', ') or (1==1', 'x\\" or chat_bot_id like "%', "x' OR '1'='1"];
    expect(validateSearchBody({ account_name: 'a', query: 'q', content_names: names }).content_names).toEqual(names);
  });

  it('accepts every value at its limit, in the costliest UTF-8', () => {
    for (const script of [HANGUL, ASTRAL_EMOJI]) {
      const body = {
        account_name: 'a',
        query: variedText(script, MAX_QUERY_LENGTH),
        top_k: 50,
        score_threshold: -1,
        content_names: Array.from({ length: MAX_CONTENT_NAMES }, (_, i) => variedText(script, MAX_CONTENT_NAME_LENGTH, i + 1)),
      };
      expect(validateSearchBody(body)).toEqual(body);
    }
    expect(validateSearchBody({ account_name: 'a', query: 'q', top_k: 1, score_threshold: 1 })).toMatchObject({
      top_k: 1,
      score_threshold: 1,
    });
  });
});
