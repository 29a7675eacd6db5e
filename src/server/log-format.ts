import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import pc from 'picocolors';
import { redactText, redactUrl } from './request-log.js';

/**
 * The terminal form of the logs (LOG_FORMAT=pretty): one short line per request —
 * time, level, request id, method, route (or the path without its query string), status, ms —
 * and one line per other message. It formats the same records the JSON form writes, after
 * the request-log serializers have redacted them, and masks phone and ID numbers once more.
 */
export type LogFormat = 'json' | 'pretty';

interface Sink {
  write(line: string): void;
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };

/** A pino destination that turns each JSON record into one readable line on `out`. */
export function prettyLogStream(out: Sink & { isTTY?: boolean } = process.stdout, colour = Boolean(out.isTTY)): Sink {
  const c = pc.createColors(colour);
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.trim()) out.write(`${formatLogLine(line, c)}\n`);
    },
  };
}

type Colours = ReturnType<typeof pc.createColors>;

/** One JSON log record as a terminal line (a line that is not JSON is masked and passed on). */
export function formatLogLine(json: string, c: Colours = pc.createColors(false)): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return redactText(json);
  }
  const time = typeof rec.time === 'number' ? new Date(rec.time).toISOString().slice(11, 23) : '--:--:--.---';
  const levelNum = typeof rec.level === 'number' ? rec.level : 30;
  const levelText = LEVELS[levelNum] ?? String(levelNum);
  const level = levelNum >= 50 ? c.red(levelText) : levelNum >= 40 ? c.yellow(levelText) : c.green(levelText);
  const reqId = typeof rec.reqId === 'string' ? ` ${c.dim(rec.reqId)}` : '';
  const req = rec.req as { method?: string; url?: string } | undefined;
  const res = rec.res as { statusCode?: number } | undefined;
  const parts: string[] = [c.dim(time), level + reqId];
  if (req && res) {
    // The route pattern (/api/sites/:id) unless it is a catch-all; then the redacted path.
    const where = typeof rec.route === 'string' && rec.route && !rec.route.includes('*') ? rec.route : redactUrl(req.url ?? '').split('?')[0]!;
    const status = res.statusCode ?? 0;
    const statusText = status >= 500 ? c.red(String(status)) : status >= 400 ? c.yellow(String(status)) : String(status);
    const ms = typeof rec.responseTime === 'number' ? `${rec.responseTime.toFixed(1)}ms` : '';
    parts.push(req.method ?? '', where, statusText, ms);
  } else {
    parts.push(redactText(String(rec.msg ?? '')));
  }
  const err = rec.err as { code?: string; message?: string } | undefined;
  if (err) parts.push(c.red(redactText([err.code, err.message].filter(Boolean).join(' '))));
  return parts.filter(Boolean).join(' ');
}

/** Fastify's request log as one record per request, written when the answer is sent. */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    const rec = { req, res: reply, responseTime: reply.elapsedTime, route: req.routeOptions.url };
    if (error) reply.log.error({ ...rec, err: error }, 'request errored');
    else reply.log.info(rec, 'request completed');
  }
}
