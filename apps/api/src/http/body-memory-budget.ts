import type { Request } from 'express';
import { BODY_MEMORY_COPIES, UNCOUNTED_BODY_BYTES } from '@nonstop/core';

export type BodyReservation = { release: () => void } | { refusal: 'process' | 'key' };

/**
 * What the request bodies in flight may cost one API process, in bytes,
 * and what one API key's bodies may cost of it. A body is admitted before a
 * byte of it is read, at its worst case (see bodyCost), and held until its
 * response is finished or the client went away; a body that does not fit is
 * refused unread, so a storm of large bodies slows down their senders
 * instead of ending the process for every tenant.
 */
export class BodyMemoryBudget {
  private inUse = 0;
  private readonly byKey = new Map<string, number>();

  constructor(
    readonly capacityBytes: number,
    readonly perKeyBytes: number,
  ) {}

  reserve(bytes: number, keyId: string | undefined): BodyReservation {
    const ofKey = keyId === undefined ? 0 : (this.byKey.get(keyId) ?? 0);
    if (keyId !== undefined && ofKey + bytes > this.perKeyBytes) return { refusal: 'key' };
    if (this.inUse + bytes > this.capacityBytes) return { refusal: 'process' };
    this.inUse += bytes;
    if (keyId !== undefined) this.byKey.set(keyId, ofKey + bytes);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inUse -= bytes;
        if (keyId === undefined) return;
        const left = (this.byKey.get(keyId) ?? 0) - bytes;
        if (left > 0) this.byKey.set(keyId, left);
        else this.byKey.delete(keyId);
      },
    };
  }

  get bytesInUse(): number {
    return this.inUse;
  }
}

/**
 * The memory a body may cost, known from its headers alone: its declared
 * length when sent as is, the limit when compressed or chunked (a 0.3 MB gzip
 * body can inflate to the limit), times the copies it is held in. Zero for a
 * body that costs little (UNCOUNTED_BODY_BYTES) and for one the parser
 * refuses unread (declared longer than the limit).
 */
export function bodyCost(req: Request, limitBytes: number): number {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const declared = Number(req.headers['content-length']);
  const known = encoding === 'identity' && req.headers['content-length'] !== undefined && Number.isSafeInteger(declared);
  if (known && declared > limitBytes) return 0;
  const worstCase = known ? declared : limitBytes;
  return worstCase <= UNCOUNTED_BODY_BYTES ? 0 : worstCase * BODY_MEMORY_COPIES;
}
