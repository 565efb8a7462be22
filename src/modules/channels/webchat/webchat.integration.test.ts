import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, json, type TestContext } from '../../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../../test/support/factories.ts';
import { eventually, getJson } from '../../../../test/support/whatsapp.ts';

interface Channel {
  id: string;
  publicId: string;
}

/** Reads server-sent events from a URL into an array until closed. */
function collectEvents(url: string, headers: Record<string, string> = {}) {
  const events: { event: string; data: Record<string, unknown> }[] = [];
  const controller = new AbortController();
  const done = (async () => {
    const res = await fetch(url, { headers, signal: controller.signal });
    if (!res.ok || !res.body) throw new Error(`stream ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done: finished } = await reader.read();
      if (finished) return;
      buffer += decoder.decode(value, { stream: true });
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
        cut = buffer.indexOf('\n\n');
      }
    }
  })().catch((err: unknown) => {
    if (!(err instanceof Error && err.name === 'AbortError')) throw err;
  });
  return { events, close: () => controller.abort(), done };
}

describe('web chat channel', () => {
  let ctx: TestContext;
  let org: TestOrg;
  let base: string;
  let channel: Channel;

  const visitor = (token?: string, origin = 'https://shop.example.com') => ({
    origin,
    ...(token ? { 'x-charla-visitor': token } : {}),
  });
  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    ctx.app.inject({ method: 'POST', url: `/webchat/${channel.publicId}${path}`, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
  const get = (path: string, headers: Record<string, string>) => ctx.app.inject({ method: 'GET', url: `/webchat/${channel.publicId}${path}`, headers });

  beforeAll(async () => {
    ctx = await createTestContext();
    base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    org = await createOrg(ctx, { language: 'es' });
    const res = await call(ctx, org.owner, 'POST', '/api/v1/channels', {
      type: 'webchat',
      name: 'Sitio',
      settings: { preChatForm: { enabled: true, nameRequired: true, emailRequired: false }, allowedOrigins: ['https://shop.example.com'] },
    });
    channel = json<Channel>(res);
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('serves the widget script and its public settings, only to allowed sites', async () => {
    const script = await ctx.app.inject({ method: 'GET', url: `/webchat/${channel.publicId}/widget.js` });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.body).toContain('attachShadow');
    const config = await get('/config', visitor());
    expect(config.statusCode).toBe(200);
    expect(config.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    expect(json<{ preChatForm: { enabled: boolean } }>(config).preChatForm.enabled).toBe(true);
    expect((await get('/config', visitor(undefined, 'https://evil.example'))).statusCode).toBe(403);
    const preflight = await ctx.app.inject({ method: 'OPTIONS', url: `/webchat/${channel.publicId}/messages`, headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toContain('x-charla-visitor');
    expect((await ctx.app.inject({ method: 'GET', url: '/webchat/wc_doesnotexist123/widget.js' })).statusCode).toBe(404);
  });

  it('enforces the pre-chat form, then chats both ways through the inbox with receipts and a live stream', async () => {
    const refused = await post('/session', {}, visitor());
    expect(refused.statusCode).toBe(400);
    expect(json(refused).code).toBe('prechat_required');
    const session = json<{ token: string }>(await post('/session', { name: 'Lucía Gómez', email: 'lucia@example.com' }, visitor()));
    expect(session.token).toMatch(/\./);

    const stream = collectEvents(`${base}/webchat/${channel.publicId}/stream?token=${encodeURIComponent(session.token)}`, { origin: 'https://shop.example.com' });
    const clientMessageId = '0190a4b2-1111-7000-8000-000000000001';
    const sent = await post('/messages', { text: '¿Tienen envío a Monterrey? 🚚', clientMessageId }, visitor(session.token));
    expect(sent.statusCode).toBe(201);
    // A retry of the same message is not stored twice.
    expect((await post('/messages', { text: '¿Tienen envío a Monterrey? 🚚', clientMessageId }, visitor(session.token))).statusCode).toBe(201);

    const list = await getJson<{ items: { id: string; channel: { type: string }; contact: { name: string; email: string } }[] }>(ctx, org.owner, '/api/v1/conversations');
    const conv = list.items.find((c) => c.channel.type === 'webchat')!;
    expect(conv.contact.name).toBe('Lucía Gómez');
    expect(conv.contact.email).toBe('lucia@example.com');
    const inbox = await getJson<{ items: { body: string }[] }>(ctx, org.owner, `/api/v1/conversations/${conv.id}/messages`);
    expect(inbox.items.map((m) => m.body)).toEqual(['¿Tienen envío a Monterrey? 🚚']);

    const reply = json<{ id: string; status: string }>(await call(ctx, org.owner, 'POST', `/api/v1/conversations/${conv.id}/messages`, { type: 'text', text: '¡Sí! Llega en 2 días.' }));
    expect(reply.status).toBe('sent');
    await call(ctx, org.owner, 'POST', `/api/v1/conversations/${conv.id}/messages`, { type: 'text', text: 'nota interna', private: true });

    const streamed = await eventually(async () => stream.events.find((e) => e.event === 'message.created' && e.data.text === '¡Sí! Llega en 2 días.'), 5000, 'reply on the stream');
    expect(streamed.data.direction).toBe('out');
    expect(stream.events.some((e) => JSON.stringify(e.data).includes('nota interna'))).toBe(false);

    const seen = json<{ items: { text: string; direction: string }[] }>(await get('/messages', visitor(session.token)));
    expect(seen.items.map((m) => m.text)).toEqual(['¿Tienen envío a Monterrey? 🚚', '¡Sí! Llega en 2 días.']);
    expect(JSON.stringify(seen)).not.toContain('nota interna');

    expect(json<{ read: number }>(await post('/read', {}, visitor(session.token))).read).toBe(1);
    await eventually(async () => {
      const items = (await getJson<{ items: { id: string; status: string }[] }>(ctx, org.owner, `/api/v1/conversations/${conv.id}/messages`)).items;
      return items.find((m) => m.id === reply.id)?.status === 'read';
    }, 5000, 'read receipt');
    stream.close();
  });

  it('rejects forged tokens and tokens of another channel', async () => {
    const session = json<{ token: string }>(await post('/session', { name: 'Ana' }, visitor()));
    const forged = `${session.token.split('.')[0]}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    expect((await get('/messages', visitor(forged))).statusCode).toBe(401);
    expect((await post('/messages', { text: 'x' }, visitor('garbage'))).statusCode).toBe(401);
    const other = json<Channel>(await call(ctx, org.owner, 'POST', '/api/v1/channels', { type: 'webchat', name: 'Otro' }));
    const res = await ctx.app.inject({ method: 'GET', url: `/webchat/${other.publicId}/messages`, headers: { 'x-charla-visitor': session.token } });
    expect(res.statusCode).toBe(401);
    // A disabled channel disappears.
    await call(ctx, org.owner, 'PATCH', `/api/v1/channels/${other.id}`, { status: 'disabled' });
    expect((await ctx.app.inject({ method: 'GET', url: `/webchat/${other.publicId}/config` })).statusCode).toBe(404);
  });

  it('streams inbox events to the dashboard with the notification settings', async () => {
    const stream = collectEvents(`${base}/api/v1/events`, { authorization: `Bearer ${org.apiKey}` });
    await eventually(async () => stream.events.find((e) => e.event === 'ready'), 5000, 'ready');
    const ready = stream.events.find((e) => e.event === 'ready')!;
    expect(ready.data.notifications).toMatchObject({ soundEnabled: true });
    const session = json<{ token: string }>(await post('/session', { name: 'Pedro' }, visitor()));
    await post('/messages', { text: 'Hola desde la web' }, visitor(session.token));
    const created = await eventually(async () => stream.events.find((e) => e.event === 'message.created'), 5000, 'message.created');
    expect((created.data.data as { body: string }).body).toBe('Hola desde la web');
    expect(stream.events.some((e) => e.event === 'conversation.updated')).toBe(true);
    stream.close();
  });
});
