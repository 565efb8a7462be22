import { randomInt, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { emulatorConfigPatchSchema, mergeConfig } from './config.ts';
import type { EmulatorContext } from './context.ts';
import { seedTemplate, setTemplateStatus } from './graph-templates.routes.ts';
import { InboundError, inboundSchema, receiveInbound } from './inbound.ts';
import type { PhoneNumber } from './state.ts';
import { TEMPLATE_STATUS_EVENTS, validateTemplateCreate } from './templates.ts';

const str = z.string();

const phoneSchema = z.strictObject({
  phoneNumberId: str.regex(/^\d{1,20}$/, 'must be digits'),
  wabaId: str.regex(/^\d{1,20}$/, 'must be digits'),
  accessToken: str.min(8),
  appSecret: str.min(8),
  webhookUrl: z.url({ protocol: /^https?$/ }),
  verifyToken: str.min(1).optional(),
  displayPhoneNumber: str.regex(/^\+?\d{7,15}$/).optional(),
  verifiedName: str.min(1).max(256).optional(),
});

const failureSchema = z
  .strictObject({
    phoneNumberId: str.optional(),
    to: str.optional(),
    code: z.number().int().optional(),
    httpStatus: z.number().int().min(400).max(599).optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    details: str.max(1000).optional(),
    times: z.number().int().min(1).optional(),
  })
  .refine((f) => f.code !== undefined || f.httpStatus !== undefined || f.latencyMs !== undefined, 'give code, httpStatus or latencyMs');

const seedTemplateSchema = z.strictObject({
  wabaId: str,
  name: str,
  language: str,
  category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']).default('UTILITY'),
  parameterFormat: z.enum(['POSITIONAL', 'NAMED']).default('POSITIONAL'),
  components: z.array(z.unknown()).min(1),
  status: z.enum(TEMPLATE_STATUS_EVENTS).default('APPROVED'),
});

/** A control-API failure: `{ error: { message, issues? } }`. */
function fail(reply: FastifyReply, status: number, message: string, issues?: unknown) {
  return reply.status(status).send({ error: issues === undefined ? { message } : { message, issues } });
}

function parse<T extends z.ZodType>(schema: T, value: unknown, reply: FastifyReply): z.output<T> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  void fail(reply, 400, 'Invalid request', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return undefined;
}

/** Phone numbers as the phone page may see them (no secrets). */
const publicPhone = (p: PhoneNumber) => ({ phoneNumberId: p.phoneNumberId, wabaId: p.wabaId, displayPhoneNumber: p.displayPhoneNumber, verifiedName: p.verifiedName, webhookUrl: p.webhookUrl });

/** The control API under `/_emulator`: set up numbers, play the customer, inspect, inject faults. */
export function registerControlRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const { state } = ctx;

  app.post('/_emulator/phone-numbers', async (req, reply) => {
    const input = parse(phoneSchema, req.body, reply);
    if (!input) return reply;
    if (input.verifyToken !== undefined) {
      const problem = await verifyHandshake(input.webhookUrl, input.verifyToken);
      if (problem) {
        return fail(reply, 400, `The callback URL or verify token couldn't be validated. Please verify the provided information or try again later. (${problem})`);
      }
    }
    const existing = state.phones.get(input.phoneNumberId);
    const phone: PhoneNumber = {
      ...input,
      displayPhoneNumber: (input.displayPhoneNumber ?? existing?.displayPhoneNumber ?? `1555${input.phoneNumberId.slice(-7).padStart(7, '0')}`).replace(/^\+/, ''),
      verifiedName: input.verifiedName ?? existing?.verifiedName ?? 'Charla Demo',
      qualityRating: existing?.qualityRating ?? 'GREEN',
      createdAt: existing?.createdAt ?? state.now(),
    };
    state.phones.set(phone.phoneNumberId, phone);
    // Every new WABA starts with Meta's approved `hello_world` sample template.
    if (![...state.templates.values()].some((t) => t.wabaId === phone.wabaId)) seedHelloWorld(ctx, phone.wabaId);
    return reply.status(existing ? 200 : 201).send({ ...publicPhone(phone), verified: input.verifyToken !== undefined });
  });

  app.get('/_emulator/phone-numbers', async () => ({ data: [...state.phones.values()].map(publicPhone) }));

  app.delete<{ Params: { id: string } }>('/_emulator/phone-numbers/:id', async (req, reply) => {
    if (!state.phones.delete(req.params.id)) return fail(reply, 404, 'Unknown phone number');
    return { success: true };
  });

  app.post('/_emulator/inbound', async (req, reply) => {
    const input = parse(inboundSchema, req.body, reply);
    if (!input) return reply;
    const phone = state.phones.get(input.phoneNumberId);
    if (!phone) return fail(reply, 404, `Unknown phone number ${input.phoneNumberId}; register it with POST /_emulator/phone-numbers`);
    try {
      const record = receiveInbound(ctx, phone, input);
      return { messageId: record.wamid };
    } catch (err) {
      if (err instanceof InboundError) return fail(reply, 400, err.message);
      throw err;
    }
  });

  app.get<{ Querystring: { phoneNumberId?: string; to?: string } }>('/_emulator/outbox', async (req) => {
    const to = req.query.to?.replace(/\D/g, '');
    const data = [...state.outbound.values()]
      .filter((m) => (!req.query.phoneNumberId || m.phoneNumberId === req.query.phoneNumberId) && (!to || m.to === to))
      .map((m) => ({
        id: m.wamid,
        phoneNumberId: m.phoneNumberId,
        to: m.to,
        type: m.type,
        body: m.request,
        preview: m.preview,
        status: m.status,
        statuses: m.statuses.map((s) => ({ status: s.status, at: s.at.toISOString() })),
        errors: m.errors,
        createdAt: m.createdAt.toISOString(),
      }));
    return { data };
  });

  app.get<{ Querystring: { phoneNumberId?: string; customer?: string } }>('/_emulator/conversation', async (req, reply) => {
    const { phoneNumberId, customer } = req.query;
    if (!phoneNumberId || !customer) return fail(reply, 400, 'phoneNumberId and customer are required');
    return { data: state.conversation(phoneNumberId, customer.replace(/\D/g, '')) };
  });

  app.get('/_emulator/config', async () => state.config);
  app.post('/_emulator/config', async (req, reply) => {
    const patch = parse(emulatorConfigPatchSchema, req.body, reply);
    if (!patch) return reply;
    state.config = mergeConfig(state.config, patch);
    return state.config;
  });

  app.post('/_emulator/failures', async (req, reply) => {
    const f = parse(failureSchema, req.body, reply);
    if (!f) return reply;
    const rule = { id: randomUUID(), phoneNumberId: f.phoneNumberId, to: f.to, code: f.code, httpStatus: f.httpStatus, latencyMs: f.latencyMs, details: f.details, remaining: f.times ?? null };
    state.failures.push(rule);
    return reply.status(201).send(rule);
  });
  app.get('/_emulator/failures', async () => ({ data: state.failures }));
  app.delete('/_emulator/failures', async () => {
    state.failures.length = 0;
    return { success: true };
  });

  app.post('/_emulator/reset', async () => {
    state.reset();
    ctx.limits.reset();
    ctx.webhooks.resetStats();
    return { success: true };
  });

  app.post('/_emulator/clock', async (req, reply) => {
    const body = parse(z.strictObject({ advanceMs: z.number().int().min(0).max(400 * 24 * 3600_000) }), req.body, reply);
    if (!body) return reply;
    state.advanceClock(body.advanceMs);
    return { now: state.now().toISOString() };
  });

  app.get<{ Querystring: { wabaId?: string } }>('/_emulator/templates', async (req) => ({
    data: [...state.templates.values()]
      .filter((t) => !req.query.wabaId || t.wabaId === req.query.wabaId)
      .map((t) => ({ ...t, createdAt: t.createdAt.toISOString() })),
  }));

  app.post('/_emulator/templates', async (req, reply) => {
    const input = parse(seedTemplateSchema, req.body, reply);
    if (!input) return reply;
    const { status, parameterFormat, ...rest } = input;
    const components = validateTemplateCreate({ ...rest, parameter_format: parameterFormat });
    const t = seedTemplate(ctx, { ...rest, parameterFormat, components, status });
    return reply.status(201).send({ id: t.id, status: t.status });
  });

  app.post<{ Params: { id: string } }>('/_emulator/templates/:id/status', async (req, reply) => {
    const body = parse(z.strictObject({ status: z.enum(TEMPLATE_STATUS_EVENTS), reason: str.optional() }), req.body, reply);
    if (!body) return reply;
    const t = state.templates.get(req.params.id);
    if (!t) return fail(reply, 404, 'Unknown template');
    const otherInfo = body.status === 'PAUSED' ? { title: 'FIRST_PAUSE', description: 'Your template has been paused because of low quality.' } : undefined;
    setTemplateStatus(ctx, t, body.status, { reason: body.reason, otherInfo });
    return { id: t.id, status: t.status };
  });

  // The delivery backlog at "Meta": a server that answers slowly makes deliveries wait here, as they would at Meta.
  app.get('/_emulator/webhooks/stats', async () => ctx.webhooks.stats());

  app.get<{ Querystring: { phoneNumberId?: string; state?: string } }>('/_emulator/webhooks', async (req) => ({
    data: [...state.deliveries.values()]
      .filter((d) => (!req.query.phoneNumberId || d.phoneNumberId === req.query.phoneNumberId) && (!req.query.state || d.state === req.query.state))
      .map((d) => ({ ...d, createdAt: d.createdAt.toISOString(), deliveredAt: d.deliveredAt?.toISOString() })),
  }));

  app.post('/_emulator/read', async (req, reply) => {
    const body = parse(z.strictObject({ phoneNumberId: str, customer: str }), req.body, reply);
    if (!body) return reply;
    return { read: ctx.statuses.markReadByCustomer(body.phoneNumberId, body.customer.replace(/\D/g, '')) };
  });

  app.get<{ Params: { id: string } }>('/_emulator/media/:id', async (req, reply) => {
    const media = state.media.get(req.params.id);
    if (!media) return fail(reply, 404, 'Unknown media');
    return reply.header('content-type', media.mimeType).header('cache-control', 'private, max-age=300').send(media.data);
  });

  app.get<{ Querystring: { phoneNumberId?: string; customer?: string } }>('/_emulator/events', (req, reply) => {
    const { phoneNumberId, customer } = req.query;
    if (!phoneNumberId || !customer) return fail(reply, 400, 'phoneNumberId and customer are required');
    const key = `${phoneNumberId}:${customer.replace(/\D/g, '')}`;
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    reply.raw.write(': connected\n\n');
    const listener = (event: unknown) => reply.raw.write(`data: ${JSON.stringify(event)}\n\n`);
    const ping = setInterval(() => reply.raw.write(': ping\n\n'), 15_000);
    state.events.on(key, listener);
    req.raw.on('close', () => {
      clearInterval(ping);
      state.events.off(key, listener);
    });
  });
}

/** Meta's "Verify and save": GET the callback with hub.* params; only 200 + the exact challenge passes. */
async function verifyHandshake(webhookUrl: string, verifyToken: string): Promise<string | undefined> {
  const challenge = String(randomInt(1_000_000_000, 2_000_000_000));
  const url = new URL(webhookUrl);
  url.searchParams.set('hub.mode', 'subscribe');
  url.searchParams.set('hub.challenge', challenge);
  url.searchParams.set('hub.verify_token', verifyToken);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000), headers: { 'user-agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' } });
    const text = await response.text();
    if (response.status !== 200) return `the callback answered HTTP ${response.status}`;
    if (text !== challenge) return `the callback answered "${text.slice(0, 60)}" instead of the challenge ${challenge}`;
    return undefined;
  } catch (err) {
    return `the callback could not be reached: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function seedHelloWorld(ctx: EmulatorContext, wabaId: string): void {
  seedTemplate(ctx, {
    wabaId,
    name: 'hello_world',
    language: 'en_US',
    category: 'UTILITY',
    parameterFormat: 'POSITIONAL',
    status: 'APPROVED',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      {
        type: 'BODY',
        text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.',
      },
      { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
    ],
  });
}
