import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

/**
 * Stand-in nameservers on a loopback UDP port, for what a real nameserver
 * cannot be made to do on demand. `silent` swallows every query (a nameserver
 * that never answers); `answering` gives every A question the same address
 * and every other question an empty answer (NODATA).
 */
export interface StandInDns {
  /** `127.0.0.1:<port>`, for Resolver.setServers. */
  server: string;
  queries: number;
  close(): Promise<void>;
}

export function silentStandInDns(): Promise<StandInDns> {
  return startStandIn(() => undefined);
}

export function answeringStandInDns(ipv4: string): Promise<StandInDns> {
  return startStandIn((query) => answer(query, ipv4));
}

async function startStandIn(reply: (query: Buffer) => Buffer | undefined): Promise<StandInDns> {
  const socket = dgram.createSocket('udp4');
  const standIn: StandInDns = {
    server: '',
    queries: 0,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (query, from) => {
    standIn.queries += 1;
    const response = reply(query);
    if (response) socket.send(response, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  standIn.server = `127.0.0.1:${(socket.address() as AddressInfo).port}`;
  return standIn;
}

/** A response to a one-question query: the question echoed, plus one A record when it asked for A. */
function answer(query: Buffer, ipv4: string): Buffer {
  let end = 12;
  while (query[end] !== 0) end += query[end]! + 1; // the question's name, label by label
  const question = query.subarray(12, end + 5); // name, its terminating zero, type and class
  const isA = query.readUInt16BE(end + 1) === 1;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // the query's id
  header.writeUInt16BE(0x8180, 2); // a response, recursion desired and available, no error
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(isA ? 1 : 0, 6);
  const record = Buffer.alloc(16);
  record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
  record.writeUInt16BE(1, 2); // type A
  record.writeUInt16BE(1, 4); // class IN
  record.writeUInt32BE(60, 6); // TTL
  record.writeUInt16BE(4, 10);
  ipv4.split('.').forEach((octet, i) => record.writeUInt8(Number(octet), 12 + i));
  return Buffer.concat([header, question, ...(isA ? [record] : [])]);
}
