import { z } from 'zod';

const probability = z.number().min(0).max(1);
const ms = z.number().int().min(0).max(7 * 24 * 3600_000);

/** The emulator's behaviour knobs; every field can be changed at run time with `POST /_emulator/config`. */
export const emulatorConfigSchema = z.strictObject({
  /** Delay after the send before each status webhook (sent, delivered, read, played). */
  statusDelaysMs: z.strictObject({ sent: ms, delivered: ms, read: ms, played: ms }),
  /** Customers "read" business messages on their own after `statusDelaysMs.read`; off: only the phone page reads them. */
  autoRead: z.boolean(),
  /** Probability that a message's statuses are delivered in reverse order (read before delivered before sent). */
  reorderProbability: probability,
  /** Probability that each webhook is delivered twice (Meta delivers at least once). */
  duplicateProbability: probability,
  /** Probability that `delivered` is skipped when `read` follows (Meta omits it when both happen at once). */
  skipDeliveredProbability: probability,
  /** Webhook delivery: only HTTP 200 counts; otherwise retried with exponential backoff. */
  webhookRetry: z.strictObject({
    baseMs: ms,
    factor: z.number().min(1).max(10),
    maxAttempts: z.number().int().min(1).max(50),
    timeoutMs: z.number().int().min(100).max(120_000),
  }),
  /**
   * Webhook deliveries in flight per receiving URL at most; the others wait their turn, in order. Meta
   * delivers concurrently and expects a median answer within 250 ms: 3,000 status webhooks a second
   * (a 1,000 mps campaign) at that latency are 750 in flight.
   */
  webhookConcurrency: z.number().int().min(1).max(10_000),
  /** Messages per second per phone number (Meta: 80 by default, up to 1,000); above it → 130429. */
  throughputMps: z.number().int().min(1).max(100_000),
  /** Pair rate limit (≈1 message / 6 s to the same user, bursts of 45) → 131056. Off by default. */
  pairRateLimit: z.strictObject({ enabled: z.boolean(), burst: z.number().int().min(1).max(1000), intervalMs: ms }),
  /** Added latency for every Graph API answer. */
  latencyMs: ms,
  /** Template review: how long PENDING lasts, and names that get rejected. */
  templateReview: z.strictObject({ delayMs: ms, rejectNamePattern: z.string().max(200) }),
  /** Lifetime of media download URLs (Meta: 5 minutes). */
  mediaUrlTtlMs: ms,
  /** Length of the customer-service window (Meta: 24 hours). */
  windowMs: ms,
  /** Graph version whose webhook shape is emulated: ≤ v23.0 includes `conversation` on statuses. */
  webhookVersion: z.string().regex(/^v\d+\.\d+$/),
  /** Memory bounds: the oldest messages, deliveries and media are forgotten beyond these. */
  maxMessages: z.number().int().min(10).max(1_000_000),
  maxMediaBytes: z.number().int().min(1024).max(4 * 1024 ** 3),
});

/** The emulator's configuration. */
export type EmulatorConfig = z.infer<typeof emulatorConfigSchema>;

/** A partial update of the configuration (nested objects may be partial too). */
export const emulatorConfigPatchSchema = z.strictObject({
  statusDelaysMs: emulatorConfigSchema.shape.statusDelaysMs.partial().optional(),
  autoRead: z.boolean().optional(),
  reorderProbability: probability.optional(),
  duplicateProbability: probability.optional(),
  skipDeliveredProbability: probability.optional(),
  webhookRetry: emulatorConfigSchema.shape.webhookRetry.partial().optional(),
  webhookConcurrency: emulatorConfigSchema.shape.webhookConcurrency.optional(),
  throughputMps: emulatorConfigSchema.shape.throughputMps.optional(),
  pairRateLimit: emulatorConfigSchema.shape.pairRateLimit.partial().optional(),
  latencyMs: ms.optional(),
  templateReview: emulatorConfigSchema.shape.templateReview.partial().optional(),
  mediaUrlTtlMs: ms.optional(),
  windowMs: ms.optional(),
  webhookVersion: emulatorConfigSchema.shape.webhookVersion.optional(),
  maxMessages: emulatorConfigSchema.shape.maxMessages.optional(),
  maxMediaBytes: emulatorConfigSchema.shape.maxMediaBytes.optional(),
});
/** A partial configuration. */
export type EmulatorConfigPatch = z.infer<typeof emulatorConfigPatchSchema>;

/** Defaults: Meta's documented limits, and delays short enough for a person watching the phone page. */
export const DEFAULT_EMULATOR_CONFIG: EmulatorConfig = {
  statusDelaysMs: { sent: 100, delivered: 600, read: 2500, played: 4000 },
  autoRead: true,
  reorderProbability: 0,
  duplicateProbability: 0,
  skipDeliveredProbability: 0,
  webhookRetry: { baseMs: 1000, factor: 2, maxAttempts: 10, timeoutMs: 10_000 },
  webhookConcurrency: 1000,
  throughputMps: 80,
  pairRateLimit: { enabled: false, burst: 45, intervalMs: 6000 },
  latencyMs: 0,
  templateReview: { delayMs: 1500, rejectNamePattern: 'reject' },
  mediaUrlTtlMs: 5 * 60_000,
  windowMs: 24 * 3600_000,
  webhookVersion: 'v25.0',
  maxMessages: 20_000,
  maxMediaBytes: 512 * 1024 * 1024,
};

/**
 * Applies a partial update on top of a configuration, merging the nested objects. Absent keys keep
 * their value (parsed JSON has no explicit `undefined`).
 */
export function mergeConfig(base: EmulatorConfig, patch: EmulatorConfigPatch): EmulatorConfig {
  const { statusDelaysMs, webhookRetry, pairRateLimit, templateReview, ...flat } = patch;
  return {
    ...base,
    ...flat,
    statusDelaysMs: { ...base.statusDelaysMs, ...statusDelaysMs },
    webhookRetry: { ...base.webhookRetry, ...webhookRetry },
    pairRateLimit: { ...base.pairRateLimit, ...pairRateLimit },
    templateReview: { ...base.templateReview, ...templateReview },
  };
}
