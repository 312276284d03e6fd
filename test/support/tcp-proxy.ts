import net from 'node:net';

/**
 * A loopback TCP proxy in front of a real service, so a test can cut the
 * network to it (a fault the real service cannot be asked to produce) and
 * restore it, without stopping the service other tests share.
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private cutOff = false;
  private stalled = false;
  private replyToLose: Buffer | undefined;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** A proxy in front of the host and port of a service URL (postgres://, redis://). */
  static inFrontOf(serviceUrl: string, defaultPort: number): TcpProxy {
    const url = new URL(serviceUrl);
    return new TcpProxy(url.hostname, Number(url.port || defaultPort));
  }

  /** A proxy in front of a host:port address, as MILVUS_ADDRESS gives Milvus. */
  static inFrontOfAddress(address: string): TcpProxy {
    const at = address.lastIndexOf(':');
    return new TcpProxy(address.slice(0, at), Number(address.slice(at + 1)));
  }

  /** The same service URL, through this proxy (after start()). */
  proxied(serviceUrl: string): string {
    const url = new URL(serviceUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  async start(): Promise<void> {
    this.server = net.createServer((client) => {
      if (this.cutOff) {
        client.destroy();
        return;
      }
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => undefined);
      // A hung service: the connection is accepted, and nothing ever answers.
      if (this.stalled) return;
      const upstream = net.connect(this.targetPort, this.targetHost);
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      upstream.on('error', () => undefined);
      let losing = false;
      client.on('data', (data: Buffer) => {
        if (this.replyToLose && data.includes(this.replyToLose)) {
          this.replyToLose = undefined;
          losing = true;
        }
        upstream.write(data);
      });
      upstream.on('data', (data: Buffer) => {
        // The request went through; its reply is dropped with the connection.
        if (losing) {
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(data);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as net.AddressInfo).port;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Drops every open connection and refuses new ones. */
  cut(): void {
    this.cutOff = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.cutOff = false;
    this.stalled = false;
  }

  /** Drops every open connection, then accepts new ones and never answers them (a hung service). */
  stall(): void {
    for (const socket of this.sockets) socket.destroy();
    this.stalled = true;
  }

  /**
   * The next request whose bytes contain `marker` reaches the service, and its
   * reply is lost: the connection drops before the client reads it (a lost
   * COMMIT acknowledgement, when the marker is PostgreSQL's `COMMIT`).
   */
  loseReplyTo(marker: string): void {
    this.replyToLose = Buffer.from(marker);
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
