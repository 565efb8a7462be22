import net from 'node:net';
import { expect, it } from 'vitest';
import { createTestContext } from '../../test/support/context.ts';
import { createOrg } from '../../test/support/factories.ts';

/**
 * A request already running when the server starts closing (a webhook delivery, a reverse proxy's
 * upstream request) is answered, and its keep-alive connection is ended with the response, so
 * closing does not wait for the keep-alive timeout (72 s, longer than the shutdown deadline).
 */
it('answers a request in flight at close and ends its keep-alive connection', async () => {
  const ctx = await createTestContext();
  const base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const body = JSON.stringify({ email: 'nobody@example.test', password: 'not-the-password' });
  // A warm keep-alive connection first, as a webhook sender or proxy has.
  const warm = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await warm.text();
  expect(warm.headers.get('connection')).toBe('keep-alive');

  // Then a request whose headers arrive before the close and whose body arrives after it.
  let sendRest!: () => void;
  const rest = new Promise<void>((resolve) => {
    sendRest = resolve;
  });
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(body.slice(0, 10)));
      await rest;
      controller.enqueue(encoder.encode(body.slice(10)));
      controller.close();
    },
  });
  let routed!: () => void;
  const reachedRoute = new Promise<void>((resolve) => {
    routed = resolve;
  });
  ctx.app.server.once('request', () => routed());
  const response = fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: stream,
    duplex: 'half',
  } as RequestInit);
  await reachedRoute;

  const closed = ctx.close();
  // The close has begun (new requests are refused) while the first one is still being read.
  await expect.poll(async () => (await fetch(`${base}/health`).catch(() => undefined))?.status ?? 'refused').not.toBe(200);
  sendRest();
  const res = await response;
  expect(res.status).toBe(401);
  expect(res.headers.get('connection')).toBe('close');
  await res.text();
  // Would wait for the connection's keep-alive timeout (beyond the test timeout) without the fix.
  await closed;
});

/** Open dashboards hold event streams; closing ends them instead of waiting for the browsers to leave. */
it('ends the open event streams when closing', async () => {
  const ctx = await createTestContext();
  const base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const org = await createOrg(ctx, { name: 'Streams' });
  const res = await fetch(`${base}/api/v1/events`, { headers: { authorization: `Bearer ${org.apiKey}` } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let received = '';
  while (!received.includes('event: ready')) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the stream ended before "ready"');
    received += decoder.decode(value, { stream: true });
  }
  const closed = ctx.close();
  // The stream ends (instead of the close waiting for the client to go away).
  for (;;) {
    const { done } = await reader.read();
    if (done) break;
  }
  await closed;
});

/**
 * A client that connected and never sent a request (or a webhook delivery aborted before its first
 * byte) is neither idle nor busy for Node: without ending it, closing waited for the headers timeout
 * (~70 s), past the shutdown deadline, and the job runner was never stopped cleanly.
 */
it('ends connections that never sent a request when closing', async () => {
  const ctx = await createTestContext();
  const base = new URL(await ctx.app.listen({ port: 0, host: '127.0.0.1' }));
  const silent = net.connect(Number(base.port), base.hostname);
  await new Promise<void>((resolve, reject) => silent.once('connect', resolve).once('error', reject));
  const ended = new Promise<void>((resolve) => silent.once('close', () => resolve()));
  const started = performance.now();
  await ctx.close();
  await ended;
  // Without the fix this takes the server's headers timeout; well under a second with it.
  expect(performance.now() - started).toBeLessThan(10_000);
});
