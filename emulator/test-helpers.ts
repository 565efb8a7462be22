/**
 * Test helpers for the emulator's tests: a webhook receiver playing Charla's part (exact raw bytes,
 * Meta's GET handshake, configurable answers) and a registered phone number with a client.
 */
import Fastify from 'fastify';
import { WhatsAppCloudClient } from '../src/adapters/whatsapp-cloud/graph-client.ts';
import { parseWebhook } from '../src/adapters/whatsapp-cloud/parse-webhook.ts';
import type { ParsedWebhook } from '../src/adapters/whatsapp-cloud/types.ts';
import { verifyWebhookSignature } from '../src/adapters/whatsapp-cloud/verify-signature.ts';
import type { EmulatorConfigPatch } from './config.ts';
import { type RunningEmulator, startEmulator } from './server.ts';

/** One webhook POST as the receiver got it. */
export interface ReceivedWebhook {
  raw: Buffer;
  signature: string | undefined;
  signatureValid: boolean;
  parsed: ParsedWebhook;
  at: number;
}

/** A webhook endpoint on port 0. `answer` decides the HTTP status of each POST (default 200). */
export async function startReceiver(appSecret: string, verifyToken = 'verify-me') {
  const received: ReceivedWebhook[] = [];
  const state = { answer: (_n: number): number => 200, posts: 0 };
  const app = Fastify();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.get<{ Querystring: Record<string, string> }>('/webhook', async (req, reply) => {
    const q = req.query;
    if (q['hub.mode'] === 'subscribe' && q['hub.verify_token'] === verifyToken) return reply.type('text/plain').send(q['hub.challenge']);
    return reply.status(403).send('Forbidden');
  });
  app.post('/webhook', async (req, reply) => {
    state.posts++;
    const status = state.answer(state.posts);
    if (status !== 200) return reply.status(status).send({ error: 'try later' });
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const header = req.headers['x-hub-signature-256'];
    const signature = typeof header === 'string' ? header : undefined;
    received.push({ raw, signature, signatureValid: verifyWebhookSignature(raw, signature, appSecret), parsed: parseWebhook(JSON.parse(raw.toString('utf8'))), at: Date.now() });
    return reply.send('ok');
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/webhook`, received, state, close: () => app.close() };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

export const PHONE = { phoneNumberId: '106540352242922', wabaId: '102290129340398', displayPhoneNumber: '15550783881' };
export const CUSTOMER = '5511987654321';

/** Emulator + receiver + registered number + client, with fast status delays. */
export async function setup(config: EmulatorConfigPatch = {}) {
  const appSecret = 'test-app-secret-0123';
  const accessToken = 'EAAG-test-access-token';
  const receiver = await startReceiver(appSecret);
  const emulator: RunningEmulator = await startEmulator({
    port: 0,
    config: { statusDelaysMs: { sent: 10, delivered: 40, read: 80, played: 120 }, webhookRetry: { baseMs: 30, factor: 2, maxAttempts: 5, timeoutMs: 10_000 }, templateReview: { delayMs: 50 }, ...config },
  });
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const registered = await control('POST', '/_emulator/phone-numbers', { ...PHONE, accessToken, appSecret, webhookUrl: receiver.url, verifyToken: 'verify-me', verifiedName: 'Loja Aurora' });
  if (registered.status !== 201) throw new Error(`registration failed: ${JSON.stringify(registered.body)}`);
  const client = new WhatsAppCloudClient({ ...PHONE, accessToken, appSecret, graphApiUrl: emulator.url });
  /** The customer writes (opens the 24-hour window). */
  const customerSays = async (text: string, from = CUSTOMER) => {
    const r = await control('POST', '/_emulator/inbound', { phoneNumberId: PHONE.phoneNumberId, from, name: 'Ana Souza', type: 'text', text });
    return String(r.body.messageId);
  };
  const close = async () => {
    await emulator.close();
    await receiver.close();
  };
  return { emulator, receiver, client, control, customerSays, appSecret, accessToken, close };
}
