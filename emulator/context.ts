import type { FastifyBaseLogger } from 'fastify';
import type { RateLimits } from './rate-limits.ts';
import type { EmulatorState } from './state.ts';
import type { StatusEmitter } from './statuses.ts';
import type { WebhookDispatcher } from './webhooks.ts';

/** What every route of the emulator works with; built once by `buildEmulatorApp`. */
export interface EmulatorContext {
  state: EmulatorState;
  webhooks: WebhookDispatcher;
  statuses: StatusEmitter;
  limits: RateLimits;
  /** Key of the signed lookaside (media download) URLs; random per emulator instance. */
  urlSigningKey: Buffer;
  logger?: FastifyBaseLogger;
}
