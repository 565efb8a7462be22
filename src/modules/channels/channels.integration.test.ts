import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhookBody } from '../../adapters/whatsapp-cloud/index.ts';
import { auditLog, channels, webhookEvents } from '../../db/schema/index.ts';
import { createTestContext, json, type TestContext } from '../../../test/support/context.ts';
import { addMember, call, createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { startWhatsAppHarness, type WhatsAppHarness } from '../../../test/support/whatsapp.ts';

const whatsappBody = (overrides: Record<string, unknown> = {}) => ({
  type: 'whatsapp',
  name: 'Ventas México',
  phoneNumberId: '106540352242922',
  wabaId: '102290129340398',
  appId: '987654321012',
  accessToken: 'EAAGm0PX4ZCpsBAKZAtoken-secret-7777',
  appSecret: 'f3a1c2d4e5b6a7980011223344556677',
  ...overrides,
});

describe('channels', () => {
  let ctx: TestContext;
  let org: TestOrg;
  let other: TestOrg;
  let wa: WhatsAppHarness;

  beforeAll(async () => {
    ctx = await createTestContext();
    org = await createOrg(ctx, { language: 'es' });
    other = await createOrg(ctx);
    wa = await startWhatsAppHarness(ctx);
  });
  afterAll(async () => {
    await wa.close();
    await ctx.close();
  });

  it('connects a WhatsApp number: callback URL and verify token returned, secrets never', async () => {
    const res = await call(ctx, org.owner, 'POST', '/api/v1/channels', whatsappBody());
    expect(res.statusCode).toBe(201);
    const ch = json<Record<string, unknown> & { id: string; credentials: Record<string, { isSet: boolean; last4: string | null }> }>(res);
    expect(ch.webhookUrl).toBe(`http://charla.test/webhooks/whatsapp/${ch.id}`);
    expect(ch.verifyToken).toMatch(/^[\w-]{20,}$/);
    expect(ch.credentials.accessToken).toEqual({ isSet: true, last4: '7777' });
    expect(ch.credentials.appSecret).toEqual({ isSet: true, last4: '6677' });
    expect(res.body).not.toContain('EAAGm0PX4ZCpsBAKZAtoken');
    expect(res.body).not.toContain('f3a1c2d4e5b6a7980011223344556677');
    expect(ch.graphApiVersion).toBe('v25.0');
    expect(ch.throughputMps).toBe(80);
    // Stored encrypted, bound to the organization.
    const [row] = await ctx.container.database.db.select().from(channels).where(eq(channels.id, ch.id));
    expect(row!.credentials).toMatch(/^v1\./);
    expect(row!.credentials).not.toContain('EAAG');
    const audits = await ctx.container.database.db.select().from(auditLog).where(eq(auditLog.targetId, ch.id));
    expect(JSON.stringify(audits)).not.toContain('EAAGm0PX');
  });

  it('rejects bad input with field errors and changes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [whatsappBody({ phoneNumberId: '+1 555 0100' }), 'phoneNumberId'],
      [whatsappBody({ accessToken: 'short' }), 'accessToken'],
      [whatsappBody({ extra: true }), 'body'],
      [whatsappBody({ graphApiUrl: 'ftp://graph.example' }), 'graphApiUrl'],
      [whatsappBody({ graphApiUrl: 'http://10.0.0.5' }), 'graphApiUrl'],
      [whatsappBody({ throughputMps: 5000 }), 'throughputMps'],
      [{ type: 'telegram', name: 'x' }, 'type'],
    ];
    for (const [body, field] of cases) {
      const res = await call(ctx, other.owner, 'POST', '/api/v1/channels', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(JSON.stringify(json(res))).toContain(field);
    }
    const list = json<{ items: unknown[] }>(await call(ctx, other.owner, 'GET', '/api/v1/channels'));
    expect(list.items).toHaveLength(0);
  });

  it('is for owners and managers only', async () => {
    const agent = await addMember(ctx, org, 'agent');
    const manager = await addMember(ctx, org, 'manager');
    expect((await call(ctx, agent.caller, 'GET', '/api/v1/channels')).statusCode).toBe(403);
    expect((await call(ctx, agent.caller, 'POST', '/api/v1/channels', { type: 'webchat', name: 'Web' })).statusCode).toBe(403);
    expect((await call(ctx, manager.caller, 'GET', '/api/v1/channels')).statusCode).toBe(200);
  });

  it('rejects a second channel with the same phone number id in one organization', async () => {
    const res = await call(ctx, org.owner, 'POST', '/api/v1/channels', whatsappBody());
    expect(res.statusCode).toBe(409);
    expect(json(res).code).toBe('channel_phone_number_taken');
    // Another organization may connect it (it is theirs to prove with the token).
    expect((await call(ctx, other.owner, 'POST', '/api/v1/channels', whatsappBody())).statusCode).toBe(201);
  });

  it('updates, regenerates the verify token, replaces secrets, and deletes (404 for other organizations)', async () => {
    const created = json<{ id: string; verifyToken: string }>(await call(ctx, org.owner, 'POST', '/api/v1/channels', whatsappBody({ phoneNumberId: '22334455667' })));
    const patched = await call(ctx, org.owner, 'PATCH', `/api/v1/channels/${created.id}`, {
      name: 'Soporte 🇧🇷 São Paulo',
      accessToken: 'EAAGnewtokenvalue-1234567890-abcd',
      regenerateVerifyToken: true,
      throughputMps: 1000,
    });
    expect(patched.statusCode).toBe(200);
    const p = json<{ name: string; verifyToken: string; throughputMps: number; credentials: { accessToken: { last4: string } } }>(patched);
    expect(p.name).toBe('Soporte 🇧🇷 São Paulo');
    expect(p.verifyToken).not.toBe(created.verifyToken);
    expect(p.credentials.accessToken.last4).toBe('abcd');
    expect(p.throughputMps).toBe(1000);
    const wrongField = await call(ctx, org.owner, 'PATCH', `/api/v1/channels/${created.id}`, { settings: { title: 'x' } });
    expect(wrongField.statusCode).toBe(400);
    expect(json(wrongField).code).toBe('field_not_applicable');

    for (const [method, url] of [
      ['GET', `/api/v1/channels/${created.id}`],
      ['PATCH', `/api/v1/channels/${created.id}`],
      ['DELETE', `/api/v1/channels/${created.id}`],
      ['POST', `/api/v1/channels/${created.id}/check`],
    ] as const) {
      const res = await call(ctx, other.owner, method, url, method === 'PATCH' ? { name: 'x' } : undefined);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect((await call(ctx, org.owner, 'GET', '/api/v1/channels/not-a-uuid')).statusCode).toBe(400);
    expect((await call(ctx, org.owner, 'DELETE', `/api/v1/channels/${created.id}`)).statusCode).toBe(204);
    expect((await call(ctx, org.owner, 'GET', `/api/v1/channels/${created.id}`)).statusCode).toBe(404);
    // Its webhooks are no longer accepted.
    expect((await ctx.app.inject({ method: 'GET', url: `/webhooks/whatsapp/${created.id}?hub.mode=subscribe&hub.verify_token=${p.verifyToken}&hub.challenge=1` })).statusCode).toBe(404);
  });

  it('answers Meta’s verification handshake with the raw challenge, 403 otherwise', async () => {
    const ch = json<{ id: string; verifyToken: string }>(await call(ctx, org.owner, 'POST', '/api/v1/channels', whatsappBody({ phoneNumberId: '99887766554' })));
    const ok = await ctx.app.inject({ method: 'GET', url: `/webhooks/whatsapp/${ch.id}?hub.mode=subscribe&hub.verify_token=${ch.verifyToken}&hub.challenge=1158201444` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    for (const q of [`hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`, `hub.mode=unsubscribe&hub.verify_token=${ch.verifyToken}&hub.challenge=1`, `hub.mode=subscribe&hub.challenge=1`]) {
      expect((await ctx.app.inject({ method: 'GET', url: `/webhooks/whatsapp/${ch.id}?${q}` })).statusCode).toBe(403);
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/webhooks/whatsapp/00000000-0000-7000-8000-000000000000?hub.mode=subscribe' })).statusCode).toBe(404);
    const got = json<{ webhookVerifiedAt: string | null }>(await call(ctx, org.owner, 'GET', `/api/v1/channels/${ch.id}`));
    expect(got.webhookVerifiedAt).not.toBeNull();
  });

  it('refuses unsigned or wrongly signed notifications with 401 and stores nothing', async () => {
    const appSecret = 'a-very-secret-app-secret-000';
    const ch = json<{ id: string }>(await call(ctx, org.owner, 'POST', '/api/v1/channels', whatsappBody({ phoneNumberId: '55443322110', appSecret })));
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
    const post = (headers: Record<string, string>, payload = body) =>
      ctx.app.inject({ method: 'POST', url: `/webhooks/whatsapp/${ch.id}`, headers: { 'content-type': 'application/json', ...headers }, payload });
    expect((await post({})).statusCode).toBe(401);
    expect((await post({ 'x-hub-signature-256': signWebhookBody(body, 'another-secret') })).statusCode).toBe(401);
    expect((await post({ 'x-hub-signature-256': 'sha256=zz' })).statusCode).toBe(401);
    // Signed over different bytes (re-serialized) → refused.
    expect((await post({ 'x-hub-signature-256': signWebhookBody(body, appSecret) }, `${body} `)).statusCode).toBe(401);
    const stored = await ctx.container.database.db.select().from(webhookEvents).where(eq(webhookEvents.channelId, ch.id));
    expect(stored).toHaveLength(0);
    // Correctly signed → 200 and stored once, even when delivered twice.
    const sig = signWebhookBody(body, appSecret);
    expect((await post({ 'x-hub-signature-256': sig })).statusCode).toBe(200);
    expect((await post({ 'x-hub-signature-256': sig })).statusCode).toBe(200);
    const after = await ctx.container.database.db.select().from(webhookEvents).where(eq(webhookEvents.channelId, ch.id));
    expect(after).toHaveLength(1);
    expect(after[0]!.receivedCount).toBe(2);
    // Signed garbage is a clear 400, not a crash.
    const garbage = 'not json {';
    const bad = await post({ 'x-hub-signature-256': signWebhookBody(garbage, appSecret) }, garbage);
    expect(bad.statusCode).toBe(400);
  });

  it('accepts a 3 MB signed notification', async () => {
    const appSecret = 'big-payload-app-secret-000';
    const ch = json<{ id: string }>(await call(ctx, org.owner, 'POST', '/api/v1/channels', whatsappBody({ phoneNumberId: '55443322999', appSecret })));
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [], padding: 'x'.repeat(3 * 1024 * 1024 - 100) });
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/webhooks/whatsapp/${ch.id}`,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, appSecret) },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
  });

  it('checks the connection against the Graph API and explains failures in words', async () => {
    const number = await wa.connect(org);
    const ok = await call(ctx, org.owner, 'POST', `/api/v1/channels/${number.channelId}/check`);
    expect(ok.statusCode).toBe(200);
    const result = json<{ ok: boolean; message: string; phoneNumber: { verifiedName: string } }>(ok);
    expect(result.ok).toBe(true);
    expect(result.phoneNumber.verifiedName).toBe('Loja Aurora');
    expect(result.message).toContain('Conexión correcta');

    await call(ctx, org.owner, 'PATCH', `/api/v1/channels/${number.channelId}`, { accessToken: 'EAAG-revoked-token-0000000000' });
    const bad = json<{ ok: boolean; message: string; errorCode: number }>(await call(ctx, org.owner, 'POST', `/api/v1/channels/${number.channelId}/check`));
    expect(bad.ok).toBe(false);
    expect(bad.errorCode).toBe(190);
    expect(bad.message).toMatch(/token/i);
    const got = json<{ lastCheck: { ok: boolean; message: string } }>(await call(ctx, org.owner, 'GET', `/api/v1/channels/${number.channelId}`));
    expect(got.lastCheck.ok).toBe(false);
  });

  it('creates a web chat channel with a public id and an embed snippet', async () => {
    const res = await call(ctx, org.owner, 'POST', '/api/v1/channels', {
      type: 'webchat',
      name: 'Sitio web',
      settings: { primaryColor: '#112233', preChatForm: { enabled: true, emailRequired: true }, allowedOrigins: ['https://Shop.Example.com'] },
    });
    expect(res.statusCode).toBe(201);
    const ch = json<{ publicId: string; embedSnippet: string; settings: { primaryColor: string; greeting: string; allowedOrigins: string[]; preChatForm: { enabled: boolean; nameRequired: boolean; emailRequired: boolean } }; webhookUrl: null }>(res);
    expect(ch.publicId).toMatch(/^wc_/);
    expect(ch.embedSnippet).toBe(`<script src="http://charla.test/webchat/${ch.publicId}/widget.js" async></script>`);
    expect(ch.settings.primaryColor).toBe('#112233');
    expect(ch.settings.greeting).toContain('¿En qué podemos ayudarte?');
    expect(ch.settings.allowedOrigins).toEqual(['https://shop.example.com']);
    expect(ch.settings.preChatForm).toEqual({ enabled: true, nameRequired: true, emailRequired: true });
    expect(ch.webhookUrl).toBeNull();
  });
});
