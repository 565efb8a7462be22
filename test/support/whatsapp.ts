/**
 * Charla wired to the WhatsApp Cloud API emulator for integration tests: Charla listens on a free
 * port (the emulator must reach its webhook URL), a WhatsApp channel is connected through the API
 * exactly as a person would, and the emulator registers the number with Meta's handshake.
 */
import type { EmulatorConfigPatch } from '../../emulator/config.ts';
import { signWebhookBody } from '../../src/adapters/whatsapp-cloud/index.ts';
import { type RunningEmulator, startEmulator } from '../../emulator/server.ts';
import type { JobRunner } from '../../src/jobs/pg-queue.ts';
import type { TestContext } from './context.ts';
import { json } from './context.ts';
import { type Caller, call, type TestOrg } from './factories.ts';

let numberCounter = 0;

/** A connected WhatsApp channel on the emulator. */
export interface EmulatedNumber {
  channelId: string;
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
  appSecret: string;
  webhookUrl: string;
}

/** Charla on a real port + an emulator + helpers to play the customer. */
export interface WhatsAppHarness {
  emulator: RunningEmulator;
  baseUrl: string;
  /** Connects a new WhatsApp number for an organization (API + emulator handshake). */
  connect(org: TestOrg, options?: { name?: string }): Promise<EmulatedNumber>;
  /** The customer writes; returns the wamid. */
  inbound(number: EmulatedNumber, body: Record<string, unknown>): Promise<string>;
  /** What the business sent through the emulator. */
  outbox(number: EmulatedNumber, to?: string): Promise<{ id: string; to: string; type: string; body: Record<string, unknown>; status: string }[]>;
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** A job runner working in the background (like a worker process). */
  startWorker(): Promise<JobRunner>;
  close(): Promise<void>;
}

/** Fast status webhooks and retries so tests run in milliseconds. */
export const FAST_EMULATOR: EmulatorConfigPatch = {
  statusDelaysMs: { sent: 10, delivered: 40, read: 80, played: 120 },
  webhookRetry: { baseMs: 30, factor: 2, maxAttempts: 6, timeoutMs: 5000 },
  templateReview: { delayMs: 50 },
};

/** Starts the harness; `config` tunes the emulator (reordering, duplicates, failures…). */
export async function startWhatsAppHarness(ctx: TestContext, config: EmulatorConfigPatch = {}): Promise<WhatsAppHarness> {
  const baseUrl = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const emulator = await startEmulator({ port: 0, config: { ...FAST_EMULATOR, ...config } });
  const workers: JobRunner[] = [];
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  return {
    emulator,
    baseUrl,
    control,
    async connect(org, options = {}) {
      const n = ++numberCounter;
      const phoneNumberId = String(1065403522000 + n * 7919 + (process.pid % 1000) * 100000);
      const wabaId = String(1022901293000 + n);
      const accessToken = `EAAG-test-token-${n}-${phoneNumberId}`;
      const appSecret = `app-secret-${n}-0123456789`;
      const created = await call(ctx, org.owner, 'POST', '/api/v1/channels', {
        type: 'whatsapp',
        name: options.name ?? `WhatsApp ${n}`,
        phoneNumberId,
        wabaId,
        appId: '1234567890',
        accessToken,
        appSecret,
        graphApiUrl: emulator.url,
      });
      if (created.statusCode !== 201) throw new Error(`channel creation failed: ${created.body}`);
      const channel = json<{ id: string; verifyToken: string }>(created);
      const webhookUrl = `${baseUrl}/webhooks/whatsapp/${channel.id}`;
      const registered = await control('POST', '/_emulator/phone-numbers', {
        phoneNumberId,
        wabaId,
        accessToken,
        appSecret,
        webhookUrl,
        verifyToken: channel.verifyToken,
        verifiedName: 'Loja Aurora',
      });
      if (registered.status !== 201) throw new Error(`emulator registration failed: ${JSON.stringify(registered.body)}`);
      return { channelId: channel.id, phoneNumberId, wabaId, accessToken, appSecret, webhookUrl };
    },
    async inbound(number, body) {
      const r = await control('POST', '/_emulator/inbound', { phoneNumberId: number.phoneNumberId, ...body });
      if (r.status !== 200) throw new Error(`inbound failed: ${JSON.stringify(r.body)}`);
      return String((r.body as { messageId: string }).messageId);
    },
    async outbox(number, to) {
      const q = new URLSearchParams({ phoneNumberId: number.phoneNumberId, ...(to ? { to } : {}) });
      const r = await control('GET', `/_emulator/outbox?${q}`);
      return (r.body as { data: { id: string; to: string; type: string; body: Record<string, unknown>; status: string }[] }).data;
    },
    async startWorker() {
      const runner = ctx.newRunner({ concurrency: 4 });
      await runner.start();
      workers.push(runner);
      return runner;
    },
    async close() {
      for (const w of workers) await w.stop(5_000);
      await emulator.close();
    },
  };
}

/** Polls `check` (async) until it returns something truthy, or fails with the last value after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false | null>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** GET a JSON resource as a caller. */
export async function getJson<T>(ctx: TestContext, caller: Caller, url: string): Promise<T> {
  const res = await call(ctx, caller, 'GET', url);
  if (res.statusCode !== 200) throw new Error(`GET ${url} → ${res.statusCode}: ${res.body}`);
  return json<T>(res);
}

/**
 * Connects a WhatsApp channel through the API without an emulator (for tests that post webhooks
 * themselves; nothing calls the Graph API) and returns its id.
 */
export async function connectChannelWithoutGraph(ctx: TestContext, owner: Caller, options: { phoneNumberId: string; appSecret: string; name?: string }): Promise<string> {
  const res = await call(ctx, owner, 'POST', '/api/v1/channels', {
    type: 'whatsapp',
    name: options.name ?? 'WhatsApp',
    phoneNumberId: options.phoneNumberId,
    wabaId: '102290129340398',
    accessToken: 'EAAG-test-token-0123456789',
    appSecret: options.appSecret,
  });
  if (res.statusCode !== 201) throw new Error(`could not connect the channel: ${res.statusCode} ${res.body}`);
  return json<{ id: string }>(res).id;
}

/** A notification as Meta sends it: one entry, one `messages` change carrying `value` for the number. */
export function notificationBody(phoneNumberId: string, value: Record<string, unknown>): string {
  const full = { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId }, ...value };
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ value: full, field: 'messages' }] }] });
}

/** Posts a delivery's exact bytes signed with the app secret (X-Hub-Signature-256), as Meta does. */
export function postSignedWebhook(ctx: TestContext, channelId: string, appSecret: string, body: string, signature = signWebhookBody(body, appSecret)) {
  return ctx.app.inject({
    method: 'POST',
    url: `/webhooks/whatsapp/${channelId}`,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    payload: body,
  });
}
