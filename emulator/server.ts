/**
 * The WhatsApp Cloud API emulator: a local stand-in for Meta's Graph API that Charla cannot tell
 * apart from the real one (reference §9), with a control API for tests and a phone page at `/`.
 * Start it in-process with `startEmulator()` or from the CLI with `charla emulator`.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { DEFAULT_EMULATOR_CONFIG, type EmulatorConfigPatch, emulatorConfigPatchSchema, mergeConfig } from './config.ts';
import type { EmulatorContext } from './context.ts';
import { registerControlRoutes } from './control.routes.ts';
import { MAX_UPLOAD_BYTES, registerMediaRoutes } from './graph-media.routes.ts';
import { registerMessageRoutes } from './graph-messages.routes.ts';
import { registerObjectRoutes } from './graph-objects.routes.ts';
import { registerTemplateRoutes } from './graph-templates.routes.ts';
import { registerUploadRoutes } from './graph-uploads.routes.ts';
import { MetaError, metaError } from './meta-errors.ts';
import { RateLimits } from './rate-limits.ts';
import { registerShopRoutes } from './shop.routes.ts';
import { EmulatorState } from './state.ts';
import { StatusEmitter } from './statuses.ts';
import { WebhookDispatcher } from './webhooks.ts';

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** Port to listen on; 0 picks a free one (tests). Default 4010. */
  port?: number;
  /** Interface to bind, default 127.0.0.1. */
  host?: string;
  /** A pino-compatible logger; silent when absent. */
  logger?: FastifyBaseLogger;
  /** Behaviour overrides on top of the defaults (see `config.ts`). */
  config?: EmulatorConfigPatch;
}

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:4010`: use it as Charla's `graphApiUrl`. */
  url: string;
  /** Stops listening and cancels every pending webhook. */
  close(): Promise<void>;
  /** The emulator's memory, for assertions in tests. */
  state: EmulatorState;
  app: FastifyInstance;
}

const PUBLIC_FILES: Record<string, string> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/i18n.js': 'i18n.js',
  '/style.css': 'style.css',
};
const CONTENT_TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** Builds the emulator's Fastify app without listening (for `inject` in tests). */
export async function buildEmulatorApp(options: Pick<EmulatorOptions, 'logger' | 'config'> = {}): Promise<{ app: FastifyInstance; ctx: EmulatorContext }> {
  const patch = emulatorConfigPatchSchema.parse(options.config ?? {});
  const state = new EmulatorState(mergeConfig(DEFAULT_EMULATOR_CONFIG, patch));
  const webhooks = new WebhookDispatcher(state, options.logger);
  const ctx: EmulatorContext = {
    state,
    webhooks,
    statuses: new StatusEmitter(state, webhooks),
    limits: new RateLimits(),
    urlSigningKey: randomBytes(32),
    logger: options.logger,
  };
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // Inbound media arrives base64 in JSON through the control API; allow files up to ~30 MB.
    bodyLimit: 40 * 1024 * 1024,
    // The CLI logs what matters (webhook failures); per-request lines would drown it.
    logController: new LogController({ disableRequestLogging: true }),
    // Phone pages hold SSE streams open; closing must not wait for them.
    forceCloseConnections: true,
  });
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 20 } });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof MetaError) return reply.status(err.httpStatus).send(err.body);
    const status = typeof err === 'object' && err !== null && 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
    const message = err instanceof Error ? err.message : String(err);
    if (status >= 500) options.logger?.error({ err }, 'emulator error');
    if (req.url.startsWith('/_emulator') || req.url.startsWith('/shop')) {
      return reply.status(status).send({ error: { message: status >= 500 ? 'Internal error' : message } });
    }
    // Graph answers every failure in Meta's shape, including malformed JSON.
    const meta = status >= 500 ? metaError(131000, 'Internal error in the emulator.') : metaError(100, `Invalid parameter: ${message}`);
    return reply.status(meta.httpStatus).send(meta.body);
  });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/_emulator') || req.url.startsWith('/shop')) return reply.status(404).send({ error: { message: 'Not found' } });
    const meta = metaError(100, `Unknown path components: ${req.url.split('?')[0]}`);
    return reply.status(400).send(meta.body);
  });

  for (const [path, file] of Object.entries(PUBLIC_FILES)) {
    app.get(path, async (_req, reply) => {
      const body = await readFile(new URL(`./public/${file}`, import.meta.url), 'utf8');
      const ext = file.split('.').pop() ?? 'html';
      return reply.header('content-type', CONTENT_TYPES[ext] ?? 'text/plain').header('cache-control', 'no-cache').send(body);
    });
  }
  registerControlRoutes(app, ctx);
  registerShopRoutes(app);
  registerMessageRoutes(app, ctx);
  registerMediaRoutes(app, ctx);
  registerTemplateRoutes(app, ctx);
  registerUploadRoutes(app, ctx);
  registerObjectRoutes(app, ctx);
  app.addHook('onClose', async () => {
    state.close();
    webhooks.close();
  });
  return { app, ctx };
}

/** Starts the emulator and resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { app, ctx } = await buildEmulatorApp(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 4010, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 4010);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    state: ctx.state,
    app,
    close: async () => {
      ctx.state.close();
      ctx.webhooks.close();
      await app.close();
    },
  };
}
