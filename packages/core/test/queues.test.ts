import { QueueName, isUuid, parseBatchInsertPayload } from '../src/queues';

const JOB_ID = '8a6e0804-2bd0-4672-b79d-d97027f9071a';

describe('queue contract', () => {
  it('keeps the persisted queue name', () => {
    expect(QueueName.batchInsert).toBe('batch-insert');
  });
});

describe('parseBatchInsertPayload', () => {
  it.each([JOB_ID, JOB_ID.toUpperCase(), '00000000-0000-0000-0000-000000000000'])('accepts job_id %s', (jobId) => {
    expect(parseBatchInsertPayload({ job_id: jobId })).toEqual({ job_id: jobId });
  });

  it('drops unknown fields', () => {
    expect(parseBatchInsertPayload({ job_id: JOB_ID, documents: [{ text: 'x' }] })).toEqual({ job_id: JOB_ID });
  });

  it('keeps an optional system_failure string and ignores a non-string one', () => {
    expect(parseBatchInsertPayload({ job_id: JOB_ID, system_failure: 'PostgreSQL unavailable' })).toEqual({
      job_id: JOB_ID,
      system_failure: 'PostgreSQL unavailable',
    });
    expect(parseBatchInsertPayload({ job_id: JOB_ID, system_failure: 1 })).toEqual({ job_id: JOB_ID });
  });

  it.each<[string, unknown, string]>([
    ['missing job_id', {}, 'got undefined'],
    ['null job_id', { job_id: null }, 'got null'],
    ['numeric job_id', { job_id: 42 }, 'got 42'],
    ['not a uuid', { job_id: 'job-1' }, 'got "job-1"'],
    ['uuid with whitespace', { job_id: ` ${JOB_ID}` }, `got " ${JOB_ID}"`],
    ['uuid without dashes', { job_id: JOB_ID.replace(/-/g, '') }, 'got "8a6e0804'],
    ['uuid with a non-hex digit', { job_id: JOB_ID.replace('8a6e', '8a6g') }, 'got "8a6g'],
    ['uuid in an array', { job_id: [JOB_ID] }, `got ["${JOB_ID}"]`],
    ['null data', null, 'got undefined'],
    ['undefined data', undefined, 'got undefined'],
    ['a bare uuid string', JOB_ID, 'got undefined'],
    ['a number', 7, 'got undefined'],
    ['an array', [JOB_ID], 'got undefined'],
  ])('rejects %s with a clear message', (_name, data, detail) => {
    expect(() => parseBatchInsertPayload(data)).toThrow('invalid batch-insert payload: job_id must be a UUID');
    expect(() => parseBatchInsertPayload(data)).toThrow(detail);
  });
});

describe('isUuid', () => {
  it.each<[unknown, boolean]>([
    [JOB_ID, true],
    [`${JOB_ID}\n`, false],
    [`${JOB_ID}0`, false],
    ['', false],
    [undefined, false],
    [{ toString: () => JOB_ID }, false],
  ])('isUuid(%p) is %p', (value, expected) => {
    expect(isUuid(value)).toBe(expected);
  });
});
