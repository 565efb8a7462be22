import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
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
import type { App } from './app-types.ts';
import { authHook } from './auth.ts';
import { registerDocs } from './docs.ts';
import { registerHealthRoutes } from './health.ts';
import { registerMetrics } from './metrics.ts';
import { API_TAGS } from './api-tags.ts';
import { errorHandler, sendProblem } from './problem.ts';
import { apiRateKey } from './rate-limits.ts';
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
    const line = { method: req.method, url: req.url, statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime * 100) / 100 };
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
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    done();
  });
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionContext', null);

  await app.register(cookie);
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

  // Authentication runs before rate limiting (which counts per principal) and before validation.
  app.addHook('onRequest', authHook(deps));
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: deps.config.rateLimits.apiPerMinute,
    timeWindow: 60_000,
    keyGenerator: apiRateKey,
    allowList: (req) => !req.url.startsWith('/api/'),
    errorResponseBuilder: (_req, ctx) => {
      const err = new Error(`Rate limit exceeded; retry in ${Math.ceil(ctx.ttl / 1000)} s`) as Error & { statusCode: number };
      err.statusCode = 429;
      return err;
    },
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
