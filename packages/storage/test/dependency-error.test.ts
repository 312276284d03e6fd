import { DependencyError } from '@nonstop/core';
import { asDependencyError } from '../src/postgres/dependency-error';

/** An error shaped like the ones `pg` and node:net raise. */
function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('asDependencyError', () => {
  it.each<[string, Error]>([
    ['ECONNREFUSED', pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['ECONNRESET', pgError('read ECONNRESET', 'ECONNRESET')],
    ['57P01 admin shutdown', pgError('terminating connection due to administrator command', '57P01')],
    ['08006 connection failure', pgError('connection failure', '08006')],
    ['08001 cannot connect', pgError('could not connect', '08001')],
    ['Connection terminated unexpectedly', pgError('Connection terminated unexpectedly')],
    ['Connection terminated due to connection timeout', pgError('Connection terminated due to connection timeout')],
    ['a client connection error', pgError('Client has encountered a connection error and is not queryable')],
  ])('turns %s into DependencyError(postgresql) keeping the cause', (_name, error) => {
    const converted = asDependencyError(error);
    expect(converted).toBeInstanceOf(DependencyError);
    // The address is cut from the message (it reaches tenants); the cause keeps it for the logs.
    expect(converted).toMatchObject({
      name: 'DependencyError',
      dependency: 'postgresql',
      message: `PostgreSQL unavailable: ${error.message.replace('127.0.0.1:5432', '<address>')}`,
    });
    expect((converted as Error).cause).toBe(error);
  });

  it.each<[string, unknown]>([
    ['23505 unique violation', pgError('duplicate key value violates unique constraint "documents_account_key"', '23505')],
    ['42601 syntax error', pgError('syntax error at or near "SELEC"', '42601')],
    ['23503 foreign key violation', pgError('insert or update violates foreign key constraint', '23503')],
    ['a plain error', new Error('something else')],
    ['a TypeError', new TypeError('x is not a function')],
    ['a string', 'ECONNREFUSED'],
    ['an object with a connection code that is not an Error', { code: 'ECONNREFUSED', message: 'Connection terminated' }],
    ['undefined', undefined],
  ])('leaves %s as it is', (_name, error) => {
    expect(asDependencyError(error)).toBe(error);
  });

  it('does not wrap a DependencyError twice', () => {
    const error = new DependencyError('milvus', 'Milvus unavailable');
    expect(asDependencyError(error)).toBe(error);
  });

  // An error with its own SQLSTATE that merely mentions "timeout" is not an outage
  // (it would be retried and then fail the whole job as "PostgreSQL unavailable").
  it('leaves a syntax error that mentions a column named timeout as it is', () => {
    const error = pgError('syntax error at or near "timeout"', '42601');
    expect(asDependencyError(error)).toBe(error);
  });
});
