import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../src/adapters/whatsapp-cloud/verify-signature.ts';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator } from './server.ts';
import { CUSTOMER, PHONE, setup, startReceiver, waitFor } from './test-helpers.ts';

let env: Awaited<ReturnType<typeof setup>>;
beforeEach(async () => {
  env = await setup();
});
afterEach(async () => {
  await env.close();
});

const statusesOf = (wamid: string) =>
  env.receiver.received.flatMap((r) => r.parsed.statuses).filter((s) => s.wamid === wamid).map((s) => s.status);

describe('webhooks to the business', () => {
  it('signs the exact bytes, escaping non-ASCII like Meta', async () => {
    const id = await env.customerSays('Olá, ¿dónde está mi pedido? 😮 https://x.example/a');
    const hook = await waitFor(() => env.receiver.received.find((r) => r.parsed.messages.some((m) => m.wamid === id)));
    expect(hook.signatureValid).toBe(true);
    expect(hook.raw.toString('utf8')).toContain('Ol\\u00e1');
    expect(hook.raw.toString('utf8')).toContain('\\ud83d\\ude2e');
    expect(hook.raw.toString('utf8')).toContain('https:\\/\\/x.example');
    expect(verifyWebhookSignature(hook.raw, hook.signature, 'another-secret')).toBe(false);
    expect(verifyWebhookSignature(JSON.stringify(JSON.parse(hook.raw.toString('utf8'))), hook.signature, env.appSecret)).toBe(false);
    expect(hook.parsed.messages[0]).toMatchObject({ from: CUSTOMER, profileName: 'Ana Souza', text: 'Olá, ¿dónde está mi pedido? 😮 https://x.example/a', phoneNumberId: PHONE.phoneNumberId });
  });

  it('delivers interactive replies, template button taps, reactions and locations with context', async () => {
    await env.customerSays('hi');
    const { wamid: prompt } = await env.client.sendMessage(CUSTOMER, { type: 'buttons', body: 'Confirm?', buttons: [{ id: 'yes', title: 'Yes' }] });
    const base = { phoneNumberId: PHONE.phoneNumberId, from: CUSTOMER, name: 'Ana' };
    await env.control('POST', '/_emulator/inbound', { ...base, type: 'interactive', interactive: { type: 'button_reply', id: 'yes', title: 'Yes' } });
    await env.control('POST', '/_emulator/inbound', { ...base, type: 'interactive', interactive: { type: 'list_reply', id: 'express', title: 'Express', description: 'Tomorrow' } });
    await env.control('POST', '/_emulator/inbound', { ...base, type: 'button', button: { payload: 'STOP', text: 'Stop' }, context: { messageId: prompt } });
    await env.control('POST', '/_emulator/inbound', { ...base, type: 'reaction', reaction: { messageId: prompt, emoji: '❤️' } });
    await env.control('POST', '/_emulator/inbound', { ...base, type: 'location', location: { latitude: 40.4168, longitude: -3.7038, name: 'Sol' } });
    await env.control('POST', '/_emulator/inbound', { ...base, type: 'unsupported' });
    const messages = await waitFor(() => {
      const all = env.receiver.received.flatMap((r) => r.parsed.messages);
      return all.length >= 7 && all;
    });
    // Meta (and the emulator) deliver webhooks concurrently: find each by its content, not by position.
    const buttonReply = messages.find((m) => m.interactive?.kind === 'button_reply');
    expect(buttonReply).toMatchObject({ type: 'interactive', interactive: { id: 'yes' }, context: { messageId: prompt } });
    expect(messages.find((m) => m.interactive?.kind === 'list_reply')?.interactive).toMatchObject({ id: 'express', description: 'Tomorrow' });
    expect(messages.find((m) => m.type === 'button')).toMatchObject({ button: { payload: 'STOP', text: 'Stop' }, context: { messageId: prompt } });
    expect(messages.find((m) => m.type === 'reaction')?.reaction).toEqual({ messageId: prompt, emoji: '❤️' });
    expect(messages.find((m) => m.type === 'location')?.location).toMatchObject({ latitude: 40.4168, name: 'Sol' });
    expect(messages.find((m) => m.type === 'unsupported')?.errors?.[0]?.code).toBe(131051);
    const bad = await env.control('POST', '/_emulator/inbound', { ...base, type: 'text' });
    expect(bad.status).toBe(400);
  });

  it('sends sent → delivered → read in order, with pricing on sent and delivered only', async () => {
    // Webhooks travel concurrently; gaps wider than any scheduling jitter keep this test about order.
    await env.control('POST', '/_emulator/config', { statusDelaysMs: { sent: 10, delivered: 200, read: 400 } });
    await env.customerSays('hi');
    const { wamid } = await env.client.sendMessage(CUSTOMER, { type: 'text', body: 'hello', bizOpaqueCallbackData: 'm:1' });
    await waitFor(() => statusesOf(wamid).includes('read'));
    expect(statusesOf(wamid)).toEqual(['sent', 'delivered', 'read']);
    const statuses = env.receiver.received.flatMap((r) => r.parsed.statuses).filter((s) => s.wamid === wamid);
    expect(statuses.map((s) => s.pricing?.type)).toEqual(['free_customer_service', 'free_customer_service', undefined]);
    expect(statuses.every((s) => s.bizOpaqueCallbackData === 'm:1' && s.conversation === undefined)).toBe(true);
    const outbox = await env.control('GET', `/_emulator/outbox?to=${CUSTOMER}`);
    expect(outbox.body.data[0].status).toBe('read');
  });

  it('reorders and duplicates statuses when configured', async () => {
    await env.control('POST', '/_emulator/config', { reorderProbability: 1, duplicateProbability: 1 });
    await env.customerSays('hi');
    const { wamid } = await env.client.sendMessage(CUSTOMER, { type: 'text', body: 'hello' });
    // Each status twice; a slow acknowledgement under load may add a retry, so count at least.
    await waitFor(() => statusesOf(wamid).length >= 6 && statusesOf(wamid).filter((s) => s === 'sent').length >= 2);
    const seen = statusesOf(wamid);
    expect(seen.indexOf('read')).toBeLessThan(seen.indexOf('sent'));
    expect(seen.filter((s) => s === 'delivered').length).toBeGreaterThanOrEqual(2);
    const outbox = await env.control('GET', `/_emulator/outbox?to=${CUSTOMER}`);
    expect(outbox.body.data[0].status).toBe('read');
  });

  it('keeps at most webhookConcurrency deliveries in flight to a slow receiver; the rest wait their turn and all arrive', async () => {
    const LIMIT = 40;
    await env.control('POST', '/_emulator/config', { webhookConcurrency: LIMIT });
    // The receiver holds every answer until released: deliveries pile up at the emulator's limit.
    let inFlight = 0;
    let peak = 0;
    let connections = 0;
    let delivered = 0;
    let released = false;
    const held: (() => void)[] = [];
    const slow = http.createServer((req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      req.resume();
      req.on('end', () => {
        const answer = () => {
          inFlight--;
          delivered++;
          res.end('ok');
        };
        if (released) answer();
        else held.push(answer);
      });
    });
    slow.on('connection', () => connections++);
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/webhook`;
      await env.control('POST', '/_emulator/phone-numbers', { ...PHONE, accessToken: env.accessToken, appSecret: env.appSecret, webhookUrl: url, verifiedName: 'Loja Aurora' });
      const count = LIMIT * 2 + 50;
      await Promise.all(
        Array.from({ length: count }, (_, i) => env.control('POST', '/_emulator/inbound', { phoneNumberId: PHONE.phoneNumberId, from: CUSTOMER, name: 'Ana', type: 'text', text: `m${i}` })),
      );
      await waitFor(() => inFlight === LIMIT, 15_000);
      // A moment later still no more than the limit: the other deliveries wait at the emulator.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(inFlight).toBe(LIMIT);
      const waiting = await env.control('GET', '/_emulator/webhooks/stats');
      expect(waiting.body).toMatchObject({ inFlight: LIMIT, waiting: count - LIMIT });
      released = true;
      for (const answer of held.splice(0)) answer();
      await waitFor(() => delivered >= count, 30_000);
      expect(peak).toBe(LIMIT);
      expect(connections).toBeLessThanOrEqual(LIMIT);
      // The emulator counts them delivered as their answers arrive.
      const stats = await waitFor(async () => {
        const { body } = await env.control('GET', '/_emulator/webhooks/stats');
        return body.delivered >= count && body;
      });
      expect(stats).toMatchObject({ waiting: 0, inFlight: 0 });
    } finally {
      released = true;
      for (const answer of held.splice(0)) answer();
      await env.control('POST', '/_emulator/config', { webhookConcurrency: 1000 });
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  it('retries with backoff until the business answers 200', async () => {
    env.receiver.state.answer = (n) => (n <= 2 ? 500 : 200);
    const id = await env.customerSays('are you there?');
    await waitFor(() => env.receiver.received.some((r) => r.parsed.messages.some((m) => m.wamid === id)));
    expect(env.receiver.state.posts).toBe(3);
    // The answer reaches the emulator's log a moment after the business has sent it (the requests run on a thread).
    const delivered = await waitFor(async () => {
      const log = await env.control('GET', `/_emulator/webhooks?phoneNumberId=${PHONE.phoneNumberId}`);
      return log.body.data[0]?.state === 'delivered' && log.body.data[0];
    });
    expect(delivered).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 200 });

    env.receiver.state.answer = () => 401;
    const before = env.receiver.state.posts;
    await env.customerSays('never acknowledged');
    // maxAttempts is 5 in the test setup; after that the delivery is abandoned.
    await waitFor(() => env.receiver.state.posts >= before + 5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(env.receiver.state.posts).toBe(before + 5);
    const failed = await waitFor(async () => {
      const log = await env.control('GET', '/_emulator/webhooks?state=failed');
      return log.body.data.length > 0 && log.body.data;
    });
    expect(failed).toEqual([expect.objectContaining({ attempts: 5, lastStatus: 401, kind: 'message' })]);
  });

  it('gives up on an attempt the business does not answer within the time limit, and retries it', async () => {
    // A business that reads the request and never answers.
    let posts = 0;
    const silent = http.createServer((req) => {
      posts++;
      req.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/webhook`;
      await env.control('POST', '/_emulator/phone-numbers', { ...PHONE, accessToken: env.accessToken, appSecret: env.appSecret, webhookUrl: url, verifiedName: 'Loja Aurora' });
      await env.control('POST', '/_emulator/config', { webhookRetry: { baseMs: 20, factor: 1, maxAttempts: 2, timeoutMs: 300 } });
      const started = Date.now();
      await env.control('POST', '/_emulator/inbound', { phoneNumberId: PHONE.phoneNumberId, from: CUSTOMER, name: 'Ana', type: 'text', text: 'hola' });
      const failed = await waitFor(async () => {
        const log = await env.control('GET', '/_emulator/webhooks?state=failed');
        return log.body.data.length > 0 && log.body.data[0];
      }, 10_000);
      expect(failed).toMatchObject({ attempts: 2, lastError: 'The webhook request timed out' });
      expect(posts).toBe(2);
      // Two attempts of 300 ms each: with the default limit (10 s) the two would take 20 s.
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('reads statuses only when the customer opens the chat, if auto-read is off', async () => {
    await env.control('POST', '/_emulator/config', { autoRead: false });
    await env.customerSays('hi');
    const { wamid } = await env.client.sendMessage(CUSTOMER, { type: 'text', body: 'hello' });
    await waitFor(() => statusesOf(wamid).includes('delivered'));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(new Set(statusesOf(wamid))).toEqual(new Set(['sent', 'delivered']));
    const read = await env.control('POST', '/_emulator/read', { phoneNumberId: PHONE.phoneNumberId, customer: CUSTOMER });
    expect(read.body.read).toEqual([wamid]);
    await waitFor(() => statusesOf(wamid).includes('read'));
  });
});

describe('phone number registration', () => {
  it('performs the verification handshake and refuses a callback that does not echo the challenge', async () => {
    const receiver = await startReceiver('secret-12345', 'right-token');
    const emulator = await startEmulator({ port: 0 });
    try {
      const register = (verifyToken: string) =>
        fetch(`${emulator.url}/_emulator/phone-numbers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ phoneNumberId: '1', wabaId: '2', accessToken: 'token-123456', appSecret: 'secret-12345', webhookUrl: receiver.url, verifyToken }),
        });
      const wrong = await register('wrong-token');
      expect(wrong.status).toBe(400);
      expect((await wrong.json()).error.message).toMatch(/couldn't be validated.*HTTP 403/);
      const right = await register('right-token');
      expect(right.status).toBe(201);
      expect(await right.json()).toMatchObject({ phoneNumberId: '1', verified: true });
    } finally {
      await emulator.close();
      await receiver.close();
    }
  });
});
