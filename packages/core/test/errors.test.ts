import { DependencyError, withoutAddresses } from '../src/errors';

describe('DependencyError: messages reach tenants without internal addresses', () => {
  it.each([
    ['connect ECONNREFUSED 10.0.3.7:5432', 'connect ECONNREFUSED <address>'],
    [
      '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:19530',
      '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED <address>',
    ],
    ['getaddrinfo ENOTFOUND milvus.internal:19530', 'getaddrinfo ENOTFOUND <address>'],
    ['connect ECONNREFUSED [::1]:6379', 'connect ECONNREFUSED <address>'],
    ['no route to 192.168.1.20', 'no route to <address>'],
  ])('%s', (message, expected) => {
    expect(withoutAddresses(message)).toBe(expected);
    expect(new DependencyError('postgresql', message).message).toBe(expected);
  });

  it('leaves text without addresses as it is: durations, Korean, counts', () => {
    const text = 'Milvus could not replace vectors after 4 attempts: 4 DEADLINE_EXCEEDED after 30.001s (연결 시간 초과)';
    expect(withoutAddresses(text)).toBe(text);
  });

  it('keeps the original error, addresses included, as the cause for the logs', () => {
    const cause = new Error('connect ECONNREFUSED 10.0.3.7:5432');
    expect(new DependencyError('postgresql', cause.message, { cause }).cause).toBe(cause);
  });
});
