import { errorMessage, type Logger } from '@nonstop/core';

export interface OpenStreamsOptions {
  maxPerKey: number;
  maxTotal: number;
  /** How often the keys of open streams are looked up again. */
  keyRecheckMs: number;
  /** Which of these key ids are still active (not revoked); without it keys are never checked again. */
  activeKeys?: (keyIds: string[]) => Promise<Set<string>>;
  logger: Logger;
}

export type Admission = { release: () => void } | { refusal: string };

/**
 * The open job streams of one API process, by API key: caps them per key and
 * in total (a stream holds a socket, two timers and a share of the queue
 * events), and ends the streams of a key that was revoked. While keyed
 * streams are open, one query every `keyRecheckMs` checks all their keys
 * at once, so a revoked key's streams end within that interval plus the query,
 * whichever process revoked it (`npm run keys -- revoke`, another instance).
 */
export class OpenStreams {
  private readonly byKey = new Map<string, Set<() => void>>();
  private total = 0;
  private recheck: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(private readonly options: OpenStreamsOptions) {}

  /** Registers a stream and how to end it, or says which limit it would pass. */
  admit(keyId: string | undefined, end: () => void): Admission {
    const ofKey = keyId === undefined ? undefined : this.byKey.get(keyId);
    if ((ofKey?.size ?? 0) >= this.options.maxPerKey) {
      return { refusal: `This API key already has ${this.options.maxPerKey} open streams, the limit per key` };
    }
    if (this.total >= this.options.maxTotal) {
      return { refusal: `This server already holds ${this.options.maxTotal} open streams, its limit` };
    }
    this.total += 1;
    if (keyId === undefined) return this.releaser(() => undefined);
    const set = ofKey ?? new Set<() => void>();
    if (!ofKey) this.byKey.set(keyId, set);
    set.add(end);
    this.startRecheck();
    return this.releaser(() => {
      set.delete(end);
      if (set.size === 0 && this.byKey.get(keyId) === set) this.byKey.delete(keyId);
      if (this.byKey.size === 0) this.stopRecheck();
    });
  }

  get openCount(): number {
    return this.total;
  }

  private releaser(forget: () => void): Admission {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total -= 1;
        forget();
      },
    };
  }

  private startRecheck(): void {
    if (this.recheck || !this.options.activeKeys) return;
    this.recheck = setInterval(() => void this.endStreamsOfRevokedKeys(), this.options.keyRecheckMs);
    this.recheck.unref();
  }

  private stopRecheck(): void {
    clearInterval(this.recheck);
    this.recheck = undefined;
  }

  private async endStreamsOfRevokedKeys(): Promise<void> {
    if (this.checking || !this.options.activeKeys || this.byKey.size === 0) return;
    this.checking = true;
    try {
      const active = await this.options.activeKeys([...this.byKey.keys()]);
      for (const [keyId, ends] of [...this.byKey]) {
        if (active.has(keyId)) continue;
        this.options.logger.info('ending the streams of a revoked API key', { key_id: keyId, streams: ends.size });
        for (const end of [...ends]) end();
      }
    } catch (error) {
      this.options.logger.warn('stream key check failed; the next interval retries', { error: errorMessage(error) });
    } finally {
      this.checking = false;
    }
  }
}
