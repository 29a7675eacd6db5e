// Child process of scripts/bench-dashboard.ts: opens N dashboard streams (SSE) to the server under
// test and reports when each one first sees a given case. The clients live here, not in the
// server's process, so the server's RSS and CPU are its own.
import http from 'node:http';

interface Start {
  kind: 'start';
  port: number;
  cookie: string;
  clients: number;
}
interface Expect {
  kind: 'expect';
  caseId: string;
  /** wall-clock ms (performance.timeOrigin + now) when the case was written */
  sentAt: number;
  timeoutMs: number;
}

const now = () => performance.timeOrigin + performance.now();
/** per client: case id → first time seen */
let seen: Map<string, number>[] = [];
const reqs: http.ClientRequest[] = [];
const CASE_ID = /"caseId":"([^"]+)"/g;

function start(m: Start) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: m.clients + 10 });
  seen = Array.from({ length: m.clients }, () => new Map<string, number>());
  let ready = 0;
  for (let i = 0; i < m.clients; i++) {
    const mine = seen[i]!;
    let counted = false;
    const req = http.get({ port: m.port, host: '127.0.0.1', path: '/api/dashboard/stream', headers: { cookie: m.cookie }, agent }, (res) => {
      // An answer that is not a stream (401, 503 …) is reported, not waited on for ever.
      if (res.statusCode !== 200) {
        process.send!({ kind: 'error', message: `client ${i}: the stream answered ${res.statusCode}` });
        res.resume();
        return;
      }
      let tail = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const t = now();
        const text = tail + chunk;
        for (const x of text.matchAll(CASE_ID)) if (!mine.has(x[1]!)) mine.set(x[1]!, t);
        if (!counted && text.includes('event: ready')) {
          counted = true;
          if (++ready === m.clients) process.send!({ kind: 'ready' });
        }
        tail = text.slice(-200);
      });
    });
    req.on('error', (e) => process.send!({ kind: 'error', message: `client ${i}: ${String(e)}` }));
    reqs.push(req);
  }
}

async function expect(m: Expect) {
  const deadline = now() + m.timeoutMs;
  while (now() < deadline && seen.some((s) => !s.has(m.caseId))) await new Promise((r) => setTimeout(r, 5));
  const latencies = seen.map((s) => (s.has(m.caseId) ? s.get(m.caseId)! - m.sentAt : null));
  process.send!({ kind: 'result', caseId: m.caseId, latencies });
}

process.on('message', (m: Start | Expect | { kind: 'stop' }) => {
  if (m.kind === 'start') start(m);
  else if (m.kind === 'expect') void expect(m);
  else {
    for (const r of reqs) r.destroy();
    process.exit(0);
  }
});
