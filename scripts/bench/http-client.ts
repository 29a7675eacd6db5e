import net from 'node:net';

/**
 * A lean HTTP/1.1 load generator over keep-alive sockets, in the manner of wrk or autocannon: each
 * request is one string written to an idle connection and each answer is read off the socket by
 * its Content-Length (or chunked framing), with no agent, no IncomingMessage stream and no events
 * per header. On a 2-core machine the generator's CPU is taken from the server under test, so it
 * should spend as little as it can: node:http costs it several times what this does per request,
 * and fetch about as much as the server itself.
 */
export interface HttpResponse {
  status: number;
  json: any;
}

interface Pending {
  resolve: (r: HttpResponse) => void;
  reject: (e: Error) => void;
}

const CRLF2 = Buffer.from('\r\n\r\n');

class Connection {
  readonly socket: net.Socket;
  private buf: Buffer = Buffer.alloc(0);
  pending: Pending | null = null;
  closed = false;

  constructor(host: string, port: number, private readonly onIdle: (c: Connection) => void) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.parse();
    });
    const fail = (err: Error) => {
      this.closed = true;
      const p = this.pending;
      this.pending = null;
      p?.reject(err);
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed before the answer was complete')));
  }

  send(head: string, body: string | undefined, pending: Pending): void {
    this.pending = pending;
    this.socket.write(body === undefined ? head : head + body);
  }

  private parse(): void {
    const end = this.buf.indexOf(CRLF2);
    if (end < 0) return;
    const head = this.buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const lower = head.toLowerCase();
    const cl = /\r\ncontent-length:\s*(\d+)/.exec(lower);
    let body: Buffer;
    let rest: Buffer;
    if (cl) {
      const len = Number(cl[1]);
      if (this.buf.length < end + 4 + len) return;
      body = this.buf.subarray(end + 4, end + 4 + len);
      rest = this.buf.subarray(end + 4 + len);
    } else if (/\r\ntransfer-encoding:\s*chunked/.test(lower)) {
      const parts: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const lineEnd = this.buf.indexOf('\r\n', at);
        if (lineEnd < 0) return;
        const size = parseInt(this.buf.toString('latin1', at, lineEnd), 16);
        if (this.buf.length < lineEnd + 2 + size + 2) return;
        if (size === 0) {
          rest = this.buf.subarray(lineEnd + 4);
          break;
        }
        parts.push(this.buf.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      body = Buffer.alloc(0);
      rest = this.buf.subarray(end + 4);
    }
    this.buf = rest.length === 0 ? Buffer.alloc(0) : Buffer.from(rest);
    const text = body.toString('utf8');
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    const p = this.pending;
    this.pending = null;
    if (/\r\nconnection:\s*close/.test(lower)) {
      this.closed = true;
      this.socket.destroy();
    } else this.onIdle(this);
    p?.resolve({ status, json });
  }
}

export function httpClient(base: string, maxSockets = 64) {
  const { hostname, port } = new URL(base);
  const idle: Connection[] = [];
  const all = new Set<Connection>();
  const waiting: ((c: Connection) => void)[] = [];
  const onIdle = (c: Connection) => {
    const next = waiting.shift();
    if (next) next(c);
    else idle.push(c);
  };
  const connection = (): Promise<Connection> => {
    for (;;) {
      const c = idle.pop();
      if (!c) break;
      if (!c.closed) return Promise.resolve(c);
      all.delete(c);
    }
    for (const c of all) if (c.closed) all.delete(c);
    if (all.size < maxSockets) {
      const c = new Connection(hostname, Number(port), onIdle);
      all.add(c);
      return Promise.resolve(c);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };

  async function request(method: string, url: string, opts: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpResponse> {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    let head = `${method} ${url} HTTP/1.1\r\nhost: ${hostname}:${port}\r\nconnection: keep-alive\r\n`;
    if (opts.cookie) head += `cookie: ${opts.cookie}\r\n`;
    for (const [k, v] of Object.entries(opts.headers ?? {})) head += `${k}: ${v}\r\n`;
    if (payload !== undefined) head += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n`;
    head += '\r\n';
    const c = await connection();
    return new Promise((resolve, reject) => c.send(head, payload, { resolve, reject }));
  }

  return {
    request,
    close: () => {
      for (const c of all) c.socket.destroy();
      all.clear();
      idle.length = 0;
    },
  };
}
