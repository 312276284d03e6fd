import { SseParser } from '../src/sse';

describe('SseParser', () => {
  it('parses events with id, event name and JSON data', () => {
    const parser = new SseParser();
    const events = parser.push('id: 1\ndata: {"job_id":"j","status":"processing"}\n\nid: 2\nevent: end\ndata: {"status":"completed"}\n\n');
    expect(events).toEqual([
      { event: 'message', id: '1', data: '{"job_id":"j","status":"processing"}' },
      { event: 'end', id: '2', data: '{"status":"completed"}' },
    ]);
    expect(parser.lastEventId).toBe('2');
  });

  it('handles chunks split anywhere, CRLF and lone CR line ends', () => {
    const text = 'id: 7\r\ndata: 한국어 text\r\n\r\nid: 8\rdata: b\r\r';
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events).toEqual([
        { event: 'message', id: '7', data: '한국어 text' },
        { event: 'message', id: '8', data: 'b' },
      ]);
    }
    // one character at a time
    const parser = new SseParser();
    const events = [...text].flatMap((char) => parser.push(char));
    expect(events.map((e) => e.data)).toEqual(['한국어 text', 'b']);
  });

  it('joins data lines, ignores comments and unknown fields, keeps the id across events', () => {
    const parser = new SseParser('5');
    const events = parser.push(': keep-alive\ndata: a\ndata:b\nfoo: bar\n\ndata\n\n');
    expect(events).toEqual([
      { event: 'message', id: '5', data: 'a\nb' },
      { event: 'message', id: '5', data: '' },
    ]);
  });

  it('does not dispatch an event without data, but its id and retry still count', () => {
    const parser = new SseParser();
    expect(parser.push('id: 3\nretry: 2500\nevent: ping\n\n')).toEqual([]);
    expect(parser.lastEventId).toBe('3');
    expect(parser.retryMs).toBe(2500);
    expect(parser.push('retry: soon\ndata: x\n\n')).toEqual([{ event: 'message', id: '3', data: 'x' }]);
    expect(parser.retryMs).toBe(2500);
  });

  it('drops an unterminated event at the end of the stream, its id included (so a reconnect asks for it again)', () => {
    const parser = new SseParser('0');
    expect(parser.push('id: 1\ndata: partial')).toEqual([]);
    expect(parser.end()).toEqual([]);
    expect(parser.lastEventId).toBe('0');
    expect(parser.push('data: next\n\n')).toEqual([{ event: 'message', id: '0', data: 'next' }]);
  });
});
