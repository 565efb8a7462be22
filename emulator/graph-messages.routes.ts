import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { checkVersion, configuredLatency, ownedPhone, requireToken } from './graph-auth.ts';
import { newWamid } from './ids.ts';
import { ASYNC_ERROR_CODES, fromZodIssues, metaError, titleOf } from './meta-errors.ts';
import { markReadSchema, sendBodySchema } from './send-schemas.ts';
import type { FailureRule, OutboundRecord, PhoneNumber } from './state.ts';
import { resolveRecipient, validateSend } from './validate-send.ts';

const WINDOW_CLOSED_DETAILS = 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.';

/**
 * `POST /{version}/{phone-number-id}/messages`: sends (validated like Meta, rate limited, with the
 * 24-hour window and injected failures) and, with `status: "read"`, mark-as-read and typing.
 */
export function registerMessageRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post<{ Params: { version: string; phoneNumberId: string } }>('/:version/:phoneNumberId/messages', async (req, reply) => {
    checkVersion(req.params.version);
    const token = requireToken(ctx, req);
    const phone = ownedPhone(ctx, token, req.params.phoneNumberId);
    await configuredLatency(ctx);
    const raw: unknown = req.body;
    if (typeof raw === 'object' && raw !== null && 'status' in raw) return markRead(ctx, phone, raw);

    // Throughput counts every send attempt against the number, valid or not (Meta: 80 mps default).
    if (!ctx.limits.takeThroughput(phone.phoneNumberId, ctx.state.config)) {
      throw metaError(130429, 'Cloud API message throughput has been reached.', { subcode: 2494055 });
    }
    const parsed = sendBodySchema.safeParse(raw);
    if (!parsed.success) throw fromZodIssues(parsed.error.issues);
    const body = parsed.data;
    const waId = resolveRecipient(body.to, phone);

    const rule = takeFailure(ctx, phone.phoneNumberId, waId);
    if (rule?.latencyMs) await new Promise((resolve) => setTimeout(resolve, rule.latencyMs));
    const injected = rule && injectedError(rule);
    if (injected && !injected.async) throw injected.error;

    const valid = validateSend(body, ctx.state, phone);
    if (!ctx.limits.takePair(phone.phoneNumberId, valid.waId, ctx.state.config)) {
      throw metaError(131056, 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.');
    }

    const now = ctx.state.now();
    const record: OutboundRecord = {
      wamid: newWamid(valid.waId, 'out'),
      phoneNumberId: phone.phoneNumberId,
      to: valid.waId,
      input: body.to,
      type: body.type,
      request: typeof raw === 'object' && raw !== null ? { ...raw } : {},
      preview: valid.preview,
      category: valid.category,
      status: 'accepted',
      statuses: [],
      createdAt: now,
    };
    if (body.biz_opaque_callback_data !== undefined) record.bizOpaqueCallbackData = body.biz_opaque_callback_data;
    ctx.state.addOutbound(record);

    // Failures Meta reports only later, as a `failed` status: 131026, 131047, 131049, 131050…
    let asyncFailure: { code: number; details: string } | undefined;
    if (injected?.async) asyncFailure = { code: injected.code, details: injected.details };
    else if (!valid.isTemplate && !windowOpen(ctx, phone, valid.waId, now)) asyncFailure = { code: 131047, details: WINDOW_CLOSED_DETAILS };
    ctx.statuses.scheduleAfterSend(record, phone, asyncFailure);

    const message: Record<string, string> = { id: record.wamid };
    if (valid.isTemplate) message.message_status = 'accepted';
    return reply.send({ messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: valid.waId }], messages: [message] });
  });
}

function markRead(ctx: EmulatorContext, phone: PhoneNumber, raw: object) {
  const parsed = markReadSchema.safeParse(raw);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  if (parsed.data.messaging_product !== 'whatsapp') throw metaError(100, 'The parameter messaging_product must be "whatsapp".');
  const target = ctx.state.inbound.get(parsed.data.message_id);
  if (!target || target.phoneNumberId !== phone.phoneNumberId) {
    throw metaError(100, `Invalid parameter: message ${parsed.data.message_id} was not found.`);
  }
  // Reading a message also reads every earlier message of that customer.
  const read: string[] = [];
  for (const m of ctx.state.inbound.values()) {
    if (m.phoneNumberId === phone.phoneNumberId && m.from === target.from && !m.readByBusiness && m.createdAt <= target.createdAt) {
      m.readByBusiness = true;
      read.push(m.wamid);
    }
  }
  if (read.length) ctx.state.emit(phone.phoneNumberId, target.from, { type: 'read', wamids: read });
  if (parsed.data.typing_indicator) {
    // Dismissed when the business replies or after 25 seconds.
    ctx.state.emit(phone.phoneNumberId, target.from, { type: 'typing', untilMs: ctx.state.now().getTime() + 25_000 });
  }
  return { success: true };
}

function windowOpen(ctx: EmulatorContext, phone: PhoneNumber, waId: string, now: Date): boolean {
  const last = ctx.state.lastInboundAt.get(`${phone.phoneNumberId}:${waId}`);
  return last !== undefined && now.getTime() - last.getTime() <= ctx.state.config.windowMs;
}

/** The first failure rule matching this send; consumes one of its `remaining` uses. */
function takeFailure(ctx: EmulatorContext, phoneNumberId: string, waId: string): FailureRule | undefined {
  const rules = ctx.state.failures;
  const index = rules.findIndex((r) => (!r.phoneNumberId || r.phoneNumberId === phoneNumberId) && (!r.to || r.to.replace(/\D/g, '') === waId));
  const rule = rules[index];
  if (!rule) return undefined;
  if (rule.remaining !== null) {
    rule.remaining--;
    if (rule.remaining <= 0) rules.splice(index, 1);
  }
  return rule;
}

function injectedError(rule: FailureRule) {
  if (rule.code === undefined && rule.httpStatus === undefined) return undefined;
  const code = rule.code ?? (rule.httpStatus === 500 ? 131000 : (rule.httpStatus ?? 500) >= 500 ? 131016 : 100);
  const details = rule.details ?? titleOf(code);
  return { code, details, async: ASYNC_ERROR_CODES.has(code) && rule.httpStatus === undefined, error: metaError(code, details, { httpStatus: rule.httpStatus }) };
}
