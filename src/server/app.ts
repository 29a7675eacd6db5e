import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { authHook } from './auth-hook.js';
import { csrfHook } from './csrf.js';
import { rejectNulCharacters } from './nul-characters.js';
import type { Deps } from './deps.js';
import { errorHandler, frameworkErrorHandler, notFoundHandler } from './error-handler.js';
import type { App } from './route.js';
import { registerRoutes } from './routes/index.js';
import { hubFor } from '../domain/dashboard/hub.js';
import { logSerializers, requestId } from './request-log.js';
import { OneLinePerRequest, prettyLogStream } from './log-format.js';
import { registerSecurityHeaders } from './security-headers.js';
import { gzippedAsset } from './static-gzip.js';
import { lifecycleHooks } from './shutdown.js';
import { createMetrics, type MetricsSources } from './metrics.js';

export interface AppOptions {
  /** Folder of the built web apps (vite build output); omitted in API-only tests. */
  webDir?: string;
  logger?: boolean;
  /** Where the logger writes (default stdout); tests capture the log lines with it. */
  logStream?: { write(line: string): void };
  /** Where /metrics reads the pool and job figures of this process. */
  metrics?: MetricsSources;
}

const JSON_BODY_LIMIT = 1024 * 1024;

/** Builds the Fastify app without listening, so tests can use app.inject(). */
export async function buildApp(deps: Deps, opts: AppOptions = {}): Promise<App> {
  const pretty = deps.config.logFormat === 'pretty';
  const stream = pretty ? prettyLogStream(opts.logStream ?? process.stdout) : opts.logStream;
  const app = Fastify({
    logger: opts.logger ? { level: deps.config.logLevel, serializers: logSerializers, ...(stream ? { stream } : {}) } : false,
    // One record per request, written after the answer (method, route, status, time, request id),
    // not Fastify's incoming/completed pair: half the lines to write and to store, in both forms.
    logController: new OneLinePerRequest(),
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: JSON_BODY_LIMIT,
    // X-Forwarded-For is believed only from the configured reverse proxies (default: none), so a
    // client cannot choose its own address and escape the per-address sign-in limit.
    trustProxy: deps.config.trustedProxies.length ? deps.config.trustedProxies : false,
    // Fastify answers requests arriving while it closes itself (lifecycleHooks adds Retry-After).
    return503OnClosing: false,
    ajv: undefined,
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  await registerSecurityHeaders(app, deps.config);
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: deps.config.uploadMaxBytes, files: 10, fields: 50 } });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'closeloop API',
        description: '闭环 — waste-sorting supervision. Errors: { "error": { "code", "message", "details" } }.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'cl_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  if (deps.lifecycle) lifecycleHooks(app, deps.lifecycle);
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('tokenScopes', null);
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  app.addHook('onRequest', csrfHook);
  app.addHook('onRequest', authHook(deps));
  app.addHook('preValidation', rejectNulCharacters);

  const metrics = createMetrics(app, deps, opts.metrics);
  app.decorate('metrics', metrics);
  registerRoutes(app, { ...deps, metrics });
  // Open dashboard streams never end by themselves: end them so close() does not wait on them.
  app.addHook('preClose', async () => hubFor(deps.db).closeAll());
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  if (opts.webDir && fs.existsSync(opts.webDir)) {
    const webDir = path.resolve(opts.webDir);
    // Built JS/CSS go gzipped to clients that accept it (a phone on a slow link), made once per file.
    app.addHook('onRequest', async (req, reply) => {
      if (req.method !== 'GET' || !req.url.startsWith('/assets/')) return;
      const rel = decodeURIComponent(req.url.split('?')[0]!).replace(/^\/+/, '');
      if (rel.includes('..') || !fs.existsSync(path.join(webDir, rel))) return;
      const gz = gzippedAsset(webDir, rel, req.headers['accept-encoding']);
      if (!gz) return;
      const type = rel.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('content-encoding', 'gzip')
        .header('vary', 'accept-encoding')
        .type(type)
        .send(gz);
    });
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: false });
    const shell = (file: string) => fs.readFileSync(path.join(webDir, file), 'utf8');
    const sendShell = (file: string) => async (_req: unknown, reply: { type: (t: string) => { send: (b: string) => unknown } }) =>
      reply.type('text/html; charset=utf-8').send(shell(file));
    app.get('/', { schema: { hide: true } }, sendShell('index.html'));
    app.get('/m', { schema: { hide: true } }, sendShell('m.html'));
    app.get('/m/*', { schema: { hide: true } }, sendShell('m.html'));
    app.get('/console/*', { schema: { hide: true } }, sendShell('index.html'));
    app.get('/report', { schema: { hide: true } }, sendShell('report.html'));
    app.get('/report/*', { schema: { hide: true } }, sendShell('report.html'));
    // 一网通办 public pages: a service point's page, a booking's link and the 好差评 page a QR code opens.
    app.get('/point/*', { schema: { hide: true } }, sendShell('point.html'));
    app.get('/rate/*', { schema: { hide: true } }, sendShell('point.html'));
    app.get('/booking/*', { schema: { hide: true } }, sendShell('point.html'));
    app.get('/*', { schema: { hide: true } }, async (req, reply) => {
      const rel = decodeURIComponent(req.url.split('?')[0] ?? '/').replace(/^\/+/, '');
      const file = path.join(webDir, rel);
      if (file.startsWith(webDir) && rel && fs.existsSync(file) && fs.statSync(file).isFile()) {
        if (rel.startsWith('assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
        return reply.sendFile(rel);
      }
      if (rel.startsWith('api/') || rel.startsWith('assets/')) return notFoundHandler(req, reply);
      return reply.type('text/html; charset=utf-8').send(shell('index.html'));
    });
  }
  return app;
}
