import { UnrecoverableError } from 'bullmq';
import { failedWebhookAttemptOutcome } from '../src/worker-metrics';

describe('failedWebhookAttemptOutcome', () => {
  it('is "retrying" while BullMQ has attempts left, "failed" after the last one', () => {
    expect(failedWebhookAttemptOutcome({ attemptsMade: 1, opts: { attempts: 5 } }, new Error('answered 500'))).toBe('retrying');
    expect(failedWebhookAttemptOutcome({ attemptsMade: 5, opts: { attempts: 5 } }, new Error('answered 500'))).toBe('failed');
    expect(failedWebhookAttemptOutcome({ attemptsMade: 1, opts: {} }, new Error('answered 500'))).toBe('failed');
  });

  it('is "failed" for an UnrecoverableError, or when BullMQ no longer has the job', () => {
    expect(failedWebhookAttemptOutcome({ attemptsMade: 1, opts: { attempts: 5 } }, new UnrecoverableError('bad payload'))).toBe('failed');
    expect(failedWebhookAttemptOutcome(undefined, new Error('answered 500'))).toBe('failed');
  });
});
