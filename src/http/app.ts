import fs from 'node:fs';
import path from 'node:path';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController, type onRequestHookHandler } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../container.ts';
import { registerAuditRoutes } from '../modules/audit/audit.routes.ts';
import { registerChannelsRoutes } from '../modules/channels/index.ts';
import { registerContactsRoutes } from '../modules/contacts/index.ts';
import { registerApiKeyRoutes } from '../modules/identity/api-keys.routes.ts';
import { registerInboxRoutes } from '../modules/inbox/index.ts';
import { registerIntegrationsRoutes } from '../modules/integrations/index.ts';
import { registerAssistantRoutes } from '../modules/assistant/index.ts';
import { registerKnowledgeRoutes } from '../modules/knowledge/index.ts';
import { registerTemplatesRoutes } from '../modules/templates/index.ts';
import { registerCampaignsRoutes } from '../modules/campaigns/index.ts';
import { registerIdentityRoutes } from '../modules/identity/identity.routes.ts';
import { registerTeamRoutes } from '../modules/identity/team.routes.ts';
import { registerMailRoutes } from '../modules/mail/mail.routes.ts';
import { registerOrganizationRoutes } from '../modules/organizations/organizations.routes.ts';
import { randomToken } from '../shared/ids.ts';
import { logRequestCompleted } from '../shared/logger.ts';
import type { App } from './app-types.ts';
import { authHook } from './auth.ts';
import { registerDocs } from './docs.ts';
import { registerHealthRoutes } from './health.ts';
import { registerMetrics } from './metrics.ts';
import { API_TAGS } from './api-tags.ts';
import { errorHandler, sendProblem } from './problem.ts';
import { ApiRateLimiter } from './rate-limits.ts';
import { RequestLogger, requestLoggerFactory } from './request-logger.ts';
import { serializerCompiler } from './serializer.ts';
import { rejectBadText } from './text-guard.ts';

/** Where `vite build` puts the dashboard. */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** Route modules, in the order their tags appear in the reference. */
const ROUTES: ((app: App, deps: Deps) => void)[] = [
  registerIdentityRoutes,
  registerOrganizationRoutes,
  registerTeamRoutes,
  registerApiKeyRoutes,
  registerAuditRoutes,
  registerMailRoutes,
  registerContactsRoutes,
  registerChannelsRoutes,
  registerInboxRoutes,
  registerTemplatesRoutes,
  registerCampaignsRoutes,
  registerKnowledgeRoutes,
  registerIntegrationsRoutes,
  registerAssistantRoutes,
];

// Request ids: a random per-process prefix and a counter — unique across processes, and far cheaper
// than a UUID per request (see bench/foundation.bench.ts). A caller's own `X-Request-Id` is kept.
const REQUEST_ID_PREFIX = `${randomToken(6).replace(/[-_]/g, 'x')}-`;
let requestCounter = 0;
const nextRequestId = () => REQUEST_ID_PREFIX + (++requestCounter).toString(36);

/** One log line per request (when it completes), instead of Fastify's two; errors keep their own lines. */
class OneLineRequestLog extends LogController {
  override incomingRequest() {}
  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply) {
    const responseTime = Math.round(reply.elapsedTime * 100) / 100;
    // Through the server's logger with the request id first when the request has no child logger of
    // its own (see RequestLogger): the same line, without creating one for it.
    const direct = reply.log instanceof RequestLogger ? reply.log.direct : undefined;
    if (direct) {
      if (error) direct.error({ reqId: req.id, method: req.method, url: req.url, statusCode: reply.statusCode, responseTime, err: error }, 'request errored');
      else logRequestCompleted(direct, req.id, req.method, req.url, reply.statusCode, responseTime);
      return;
    }
    const line = { method: req.method, url: req.url, statusCode: reply.statusCode, responseTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

/** Builds the HTTP app: JSON API with OpenAPI, the reference at /docs, health, metrics and the dashboard. */
export async function buildApp(deps: Deps, options: { serveWeb?: boolean } = {}): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : nextRequestId();
    },
    requestIdHeader: false,
    logController: new OneLineRequestLog(),
    childLoggerFactory: requestLoggerFactory,
    bodyLimit: deps.config.bodyLimitBytes,
    trustProxy: deps.config.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  // The API speaks JSON only: other bodies get 415 instead of reaching validation as a string.
  // (Routes that take other formats register their own parsers in their scope.)
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', rejectBadText);
  // Closing waits for every open connection, and only the connections idle when close() starts are
  // reaped: a keep-alive connection whose request was still running (a webhook delivery, a reverse
  // proxy's upstream) would stay open for the whole keep-alive timeout (72 s) after its response,
  // beyond the shutdown deadline, so the job runner would never be stopped cleanly. Responses sent
  // while closing end their connection instead.
  //
  // Connections that never sent a request (a client that connected and went quiet, a webhook delivery
  // aborted before its first byte) count for Node as neither idle nor busy: the server would wait for
  // them until its headers timeout (~70 s). They are tracked per connection (nothing per request) and
  // ended when closing starts, like the idle ones; a connection whose request is being read or answered
  // has a response attached and is left to finish.
  let closing = false;
  const connections = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  app.addHook('preClose', (done) => {
    closing = true;
    for (const socket of connections) if (!(socket as Socket & { _httpMessage?: unknown })._httpMessage) socket.destroy();
    done();
  });
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionContext', null);

  // Cookies are parsed by the one `onRequest` hook below, not by a hook of the plugin's own.
  await app.register(cookie, { hook: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Charla API',
        version: '1.0.0',
        description: [
          'The REST API of Charla. Everything the dashboard does goes through it.',
          '',
          '**Authentication.** Create an API key in *Settings → Developer tools* and send it as `Authorization: Bearer <key>`.',
          '**Errors** are `application/problem+json` documents with a stable `code`; validation errors list each field in `errors`.',
          '**Pagination.** Lists return `{ items, nextCursor }`; pass `cursor=<nextCursor>` for the next page.',
          '**Rate limits.** Each key may make a configurable number of requests per minute; beyond it the API answers 429 with `Retry-After`.',
        ].join('\n'),
      },
      servers: [{ url: deps.config.publicUrl }],
      tags: API_TAGS.map((t) => ({ ...t })),
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key: `chk_…`' },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'charla_session', description: 'Dashboard session (with the `X-CSRF-Token` header on writes).' },
        },
      },
      security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    },
    transform: jsonSchemaTransform,
    // Puts schemas registered with an id (recursive ones such as JsonValue) in components.schemas.
    transformObject: jsonSchemaTransformObject,
  });

  // One `onRequest` hook for every request (each hook is a visible part of a small request's cost):
  // the request id header, the cookies, then authentication — before rate limiting (which counts per
  // principal) and before validation.
  const authenticate = authHook(deps);
  app.addHook('onRequest', function (this: unknown, req, reply, done) {
    reply.header('x-request-id', req.id);
    const cookieHeader = req.headers.cookie;
    req.cookies = cookieHeader ? app.parseCookie(cookieHeader) : {};
    return authenticate.call(this as App, req, reply, done);
  } as onRequestHookHandler);

  // Rate limits. API routes: per API key / user / IP (`ApiRateLimiter`). Routes with their own
  // `config.rateLimit` (credential endpoints, the web chat) have the plugin's per-route limiter instead.
  await app.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    errorResponseBuilder: (_req, ctx) => {
      const err = new Error(`Rate limit exceeded; retry in ${Math.ceil(ctx.ttl / 1000)} s`) as Error & { statusCode: number };
      err.statusCode = 429;
      return err;
    },
  });
  const apiLimiter = new ApiRateLimiter(deps.config.rateLimits.apiPerMinute, 60_000);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.config?.rateLimit != null) return;
    const existing = route.preHandler;
    route.preHandler = [...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]), apiLimiter.hook];
  });

  for (const register of ROUTES) register(app, deps);

  app.get('/api/v1/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());
  registerDocs(app);

  registerHealthRoutes(app, deps);
  registerMetrics(app, deps);

  const serveWeb = options.serveWeb ?? true;
  const webReady = serveWeb && fs.existsSync(path.join(WEB_DIST, 'index.html'));
  if (webReady) {
    // Imported only when there is a dashboard to serve (API-only and worker processes skip it).
    const { default: fastifyStatic } = await import('@fastify/static');
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: false, maxAge: '1h' });
  }
  app.setNotFoundHandler((req, reply) => {
    const isPage = req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/webhooks/');
    if (isPage && webReady) {
      return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
    }
    return sendProblem(reply, 404, 'route_not_found', `No route for ${req.method} ${req.url.split('?')[0]}`);
  });
  return app;
}
