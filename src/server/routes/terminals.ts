import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { TERMINAL_STATES } from '../../db/schema.js';
import type { Db } from '../../db/index.js';
import { recordFault, recordHeartbeat } from '../../domain/service-terminals/health.js';
import { recordTerminalSession } from '../../domain/service-terminals/sessions.js';
import { FaultInput, HeartbeatInput, SessionInput } from '../../domain/service-terminals/terminal-input.js';
import { issueTerminalToken, listTerminals, TERMINALS_PAGE_DEFAULT, TERMINALS_PAGE_MAX } from '../../domain/service-terminals/terminals.js';
import { DomainError } from '../../domain/shared/errors.js';
import { audited } from '../audited.js';
import { servicesLimit } from '../services-rate-limit.js';
import { def } from '../route.js';
import { pageQuery } from './paging.js';
import type { Deps } from '../deps.js';

const Id = z.string().min(1).max(64);
const tags = ['services'];

function deviceToken(req: FastifyRequest): string {
  const header = req.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
  if (!token || token.length > 200) throw new DomainError('unauthenticated', "Send the terminal's device token as Authorization: Bearer …");
  return token;
}

/** A terminal's call: the shared per-address limit, its device token, then the write in one transaction. */
async function deviceCall<T>(req: FastifyRequest, deps: Deps, write: (trx: Db, token: string) => Promise<T>): Promise<T> {
  await servicesLimit(deps, req, 'terminal');
  const token = deviceToken(req);
  return deps.db.transaction().execute((trx) => write(trx, token));
}

export const heartbeat = def({
  access: 'public',
  schema: {
    tags, summary: "A self-service terminal's heartbeat (device token as Authorization: Bearer …); once up for the recovery time (TERMINAL_RECOVERY_MINUTES), ends its outage and closes its maintenance case",
    body: HeartbeatInput,
  },
  handler: ({ req, deps }) => deviceCall(req, deps, (trx, token) => recordHeartbeat(trx, deps.clock, token, req.body, { recoveryMs: deps.config.terminals.recoveryMs })),
});

export const fault = def({
  access: 'public',
  schema: {
    tags, summary: 'A self-service terminal reports a fault (code + text); opens a maintenance case once per outage',
    body: FaultInput,
  },
  handler: ({ req, deps }) => deviceCall(req, deps, (trx, token) => recordFault(trx, deps.clock, token, req.body)),
});

export const session = def({
  access: 'public',
  schema: {
    tags, summary: 'A self-service terminal reports a session a resident ran on it (item, start, end, completed or abandoned); a session id sent again is stored once',
    body: SessionInput,
  },
  handler: ({ req, deps }) => deviceCall(req, deps, (trx, token) => recordTerminalSession(trx, deps.clock, token, req.body)),
});

export const list = def({
  schema: {
    tags,
    summary: 'Self-service terminals and zones in my scope: up or down, last heartbeat and fault, the open maintenance case; '
      + 'in pages, down ones first then by code (after → nextCursor); the totals count the whole scope',
    querystring: z.strictObject({
      subdistrictId: Id.optional(), state: z.enum([...TERMINAL_STATES, 'unmonitored']).optional(),
      ...pageQuery(TERMINALS_PAGE_MAX, TERMINALS_PAGE_DEFAULT),
    }),
  },
  handler: async ({ req, deps, actor }) => {
    const { after, limit, ...filter } = req.query;
    return listTerminals(deps.db, actor, filter, { after, limit });
  },
});

export const issueToken = def({
  schema: {
    tags, summary: "Issue (or replace) a terminal's device token (administrators); the token is in this answer only",
    params: z.strictObject({ id: Id }),
  },
  handler: async ({ req, reply, deps, actor }) => {
    const out = await audited(
      { req, deps, actor },
      {
        action: 'service_terminal.issue_token', entity: 'service_point', entityId: req.params.id,
        after: async (trx: Db, r) => ({ ...(await listTerminals(trx, actor, { pointId: r.pointId })).items[0], tokenIssuedAt: r.issuedAt }),
      },
      (trx: Db) => issueTerminalToken(trx, deps.clock, actor, req.params.id),
    );
    reply.status(201);
    return out;
  },
});
