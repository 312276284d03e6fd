/**
 * An incremental parser of a `text/event-stream` body, following the WHATWG
 * rules: lines end in LF, CR or CRLF (also split across chunks); `:` starts a
 * comment; `data:` lines join with LF; a blank line dispatches the event; an
 * event without data is not dispatched; `id:` persists as the last event id
 * once its event is complete (and one containing NUL is ignored); `retry:` takes digits only.
 */
export interface SseMessage {
  /** `message` unless the server named it with `event:`. */
  event: string;
  data: string;
  /** The last event id in force when this event was dispatched ('' when none). */
  id: string;
}

export class SseParser {
  private buffer = '';
  private pendingCr = false;
  private data: string[] = [];
  private hasData = false;
  private eventName = '';
  private idBuffer: string;
  /** The id of the last complete event (an id in a half-received event does not count): what a reconnect sends as Last-Event-ID. */
  lastEventId: string;
  /** The reconnection delay the server asked for with `retry:`, if any. */
  retryMs: number | undefined;

  constructor(lastEventId = '') {
    this.lastEventId = lastEventId;
    this.idBuffer = lastEventId;
  }

  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): SseMessage[] {
    const out: SseMessage[] = [];
    let input = text;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (input.startsWith('\n')) input = input.slice(1);
    }
    this.buffer += input;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const char = this.buffer[i];
      if (char !== '\n' && char !== '\r') continue;
      const line = this.buffer.slice(start, i);
      if (char === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
      const message = this.line(line);
      if (message) out.push(message);
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  /** The stream ended: an event without its blank line is discarded, as the spec says. */
  end(): SseMessage[] {
    this.buffer = '';
    this.pendingCr = false;
    this.idBuffer = this.lastEventId;
    this.resetEvent();
    return [];
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventName = value;
        break;
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.idBuffer = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    this.lastEventId = this.idBuffer;
    if (!this.hasData) {
      this.resetEvent();
      return undefined;
    }
    const message = { event: this.eventName || 'message', data: this.data.join('\n'), id: this.lastEventId };
    this.resetEvent();
    return message;
  }

  private resetEvent(): void {
    this.data = [];
    this.hasData = false;
    this.eventName = '';
  }
}
