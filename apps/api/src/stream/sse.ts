import type { Response } from 'express';

export interface SseEvent {
  id: string;
  /** Unnamed events reach an EventSource's `onmessage`. */
  event?: string;
  data: unknown;
}

/** One event in the text/event-stream framing; JSON never holds a raw newline, so `data:` is one line. */
export function formatSseEvent({ id, event, data }: SseEvent): string {
  return `${event ? `event: ${event}\n` : ''}id: ${id.replace(/[\r\n]/g, '')}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function startSse(res: Response, retryMs: number): void {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // nginx and similar proxies otherwise buffer the stream
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  res.write(`retry: ${retryMs}\n\n`);
}
