import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from './context.ts';
import { checkVersion, configuredLatency, requireToken, tokenCanUseWaba } from './graph-auth.ts';
import { newNumericId } from './ids.ts';
import { fromZodIssues, metaError, unknownObject } from './meta-errors.ts';
import type { TemplateRecord } from './state.ts';
import { createTemplateSchema, MAX_TEMPLATES_PER_WABA, reviewTemplate, validateTemplateCreate } from './templates.ts';
import { envelope } from './webhooks.ts';

const REUSE_BLOCK_MS = 30 * 24 * 3600_000;

/** A template as Graph lists it. */
export function presentTemplate(t: TemplateRecord, fields?: string): Record<string, unknown> {
  const all: Record<string, unknown> = {
    name: t.name,
    parameter_format: t.parameterFormat,
    components: t.components,
    language: t.language,
    status: t.status,
    category: t.category,
    id: t.id,
    rejected_reason: t.rejectedReason ?? 'NONE',
  };
  if (!fields) return all;
  const out: Record<string, unknown> = {};
  for (const f of [...fields.split(',').map((x) => x.trim()), 'id']) if (f in all) out[f] = all[f];
  return out;
}

/** Moves a template to a new status and tells the business with a signed `message_template_status_update`. */
export function setTemplateStatus(
  ctx: EmulatorContext,
  t: TemplateRecord,
  status: string,
  extra: { reason?: string; recommendation?: string; otherInfo?: { title: string; description: string } } = {},
): void {
  t.status = status;
  t.rejectedReason = status === 'REJECTED' ? (extra.reason ?? 'INVALID_FORMAT') : undefined;
  const value: Record<string, unknown> = {
    event: status,
    message_template_id: Number(t.id),
    message_template_name: t.name,
    message_template_language: t.language,
    reason: extra.reason ?? (status === 'REJECTED' ? 'INVALID_FORMAT' : 'NONE'),
    message_template_category: t.category,
  };
  if (status === 'REJECTED') value.rejection_info = { reason: extra.reason ?? 'INVALID_FORMAT', recommendation: extra.recommendation ?? '' };
  if (extra.otherInfo) value.other_info = extra.otherInfo;
  const payload = envelope(t.wabaId, 'message_template_status_update', value, Math.floor(ctx.state.now().getTime() / 1000));
  // One delivery per webhook URL subscribed to the WABA (several numbers may share an app).
  const seen = new Set<string>();
  for (const phone of ctx.state.phonesOfWaba(t.wabaId)) {
    if (seen.has(phone.webhookUrl)) continue;
    seen.add(phone.webhookUrl);
    ctx.webhooks.deliver(phone, 'template', payload);
  }
}

/** PENDING now; APPROVED or REJECTED after the configured review delay. */
function scheduleReview(ctx: EmulatorContext, t: TemplateRecord): void {
  ctx.state.schedule(ctx.state.config.templateReview.delayMs, () => {
    if (t.status !== 'PENDING' || ctx.state.templates.get(t.id) !== t) return;
    const outcome = reviewTemplate(t, ctx.state.config.templateReview);
    if (outcome.status === 'APPROVED') setTemplateStatus(ctx, t, 'APPROVED');
    else setTemplateStatus(ctx, t, 'REJECTED', { reason: outcome.reason, recommendation: outcome.recommendation });
  });
}

const editSchema = z.object({ components: z.array(z.unknown()).min(1).optional(), category: z.string().optional() });

/** `POST /{template-id}`: only APPROVED, REJECTED or PAUSED templates; sends it back to review. */
export function updateTemplate(ctx: EmulatorContext, t: TemplateRecord, body: unknown): void {
  const parsed = editSchema.safeParse(body);
  if (!parsed.success) throw fromZodIssues(parsed.error.issues);
  if (!['APPROVED', 'REJECTED', 'PAUSED'].includes(t.status)) {
    throw metaError(100, 'This template is being reviewed and cannot be edited.', { subcode: 2388039, userTitle: 'Template cannot be edited' });
  }
  const category = parsed.data.category?.toUpperCase() ?? t.category;
  if (t.status === 'APPROVED' && category !== t.category) throw metaError(100, 'The category of an approved template cannot be changed.');
  const components = validateTemplateCreate({
    name: t.name,
    language: t.language,
    category,
    components: parsed.data.components ?? t.components,
  });
  t.components = components;
  t.category = category;
  t.status = 'PENDING';
  t.rejectedReason = undefined;
  scheduleReview(ctx, t);
}

/** Adds an approved template directly (the `hello_world` every WABA starts with, and control API seeds). */
export function seedTemplate(ctx: EmulatorContext, input: Omit<TemplateRecord, 'id' | 'createdAt'>): TemplateRecord {
  const t: TemplateRecord = { ...input, id: newNumericId(), createdAt: ctx.state.now() };
  ctx.state.templates.set(t.id, t);
  return t;
}

/** `GET|POST|DELETE /{version}/{waba-id}/message_templates`. */
export function registerTemplateRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get<{
    Params: { version: string; wabaId: string };
    Querystring: { fields?: string; limit?: string; after?: string; name?: string; status?: string; language?: string; category?: string };
  }>('/:version/:wabaId/message_templates', async (req) => {
    checkVersion(req.params.version);
    const token = requireToken(ctx, req);
    if (!tokenCanUseWaba(ctx, token, req.params.wabaId)) throw unknownObject(req.params.wabaId, 'get');
    await configuredLatency(ctx);
    const q = req.query;
    const all = [...ctx.state.templates.values()].filter(
      (t) =>
        t.wabaId === req.params.wabaId &&
        (!q.name || t.name.includes(q.name.toLowerCase())) &&
        (!q.status || q.status.toUpperCase().split(',').includes(t.status)) &&
        (!q.language || t.language === q.language) &&
        (!q.category || t.category === q.category.toUpperCase()),
    );
    const limit = Math.min(Math.max(Number(q.limit) || 25, 1), 1000);
    const start = q.after ? Number(Buffer.from(q.after, 'base64url').toString()) || 0 : 0;
    const page = all.slice(start, start + limit);
    const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
    const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + page.length) } };
    if (start + page.length < all.length) {
      paging.next = `${req.protocol}://${req.host}/${req.params.version}/${req.params.wabaId}/message_templates?limit=${limit}&after=${cursor(start + page.length)}`;
    }
    return { data: page.map((t) => presentTemplate(t, q.fields)), paging };
  });

  app.post<{ Params: { version: string; wabaId: string } }>('/:version/:wabaId/message_templates', async (req) => {
    checkVersion(req.params.version);
    const token = requireToken(ctx, req);
    const wabaId = req.params.wabaId;
    if (!tokenCanUseWaba(ctx, token, wabaId)) throw unknownObject(wabaId, 'post');
    await configuredLatency(ctx);
    const parsed = createTemplateSchema.safeParse(req.body);
    if (!parsed.success) throw fromZodIssues(parsed.error.issues);
    const input = parsed.data;
    const components = validateTemplateCreate(input);
    const ofWaba = [...ctx.state.templates.values()].filter((t) => t.wabaId === wabaId);
    if (ofWaba.some((t) => t.name === input.name && t.language === input.language)) {
      throw metaError(100, `Content in ${input.language} already exists for the template ${input.name}.`, { subcode: 2388024, userTitle: 'Content in this language already exists' });
    }
    const deletedAt = ctx.state.deletedTemplateNames.get(`${input.name}\0${wabaId}`);
    if (deletedAt && ctx.state.now().getTime() - deletedAt.getTime() < REUSE_BLOCK_MS) {
      throw metaError(100, `The name ${input.name} belonged to a deleted template and cannot be reused for 30 days.`, { subcode: 2388023, userTitle: 'Message template name is being deleted' });
    }
    if (ofWaba.length >= MAX_TEMPLATES_PER_WABA) {
      throw metaError(100, `A WhatsApp Business account can have up to ${MAX_TEMPLATES_PER_WABA} message templates.`, { subcode: 2388019, userTitle: 'Message template limit reached' });
    }
    const t = seedTemplate(ctx, {
      wabaId,
      name: input.name,
      language: input.language,
      category: input.category,
      parameterFormat: input.parameter_format ?? 'POSITIONAL',
      components,
      status: 'PENDING',
    });
    scheduleReview(ctx, t);
    return { id: t.id, status: t.status, category: t.category };
  });

  app.delete<{ Params: { version: string; wabaId: string }; Querystring: { name?: string; hsm_id?: string } }>('/:version/:wabaId/message_templates', async (req) => {
    checkVersion(req.params.version);
    const token = requireToken(ctx, req);
    const wabaId = req.params.wabaId;
    if (!tokenCanUseWaba(ctx, token, wabaId)) throw unknownObject(wabaId, 'delete');
    await configuredLatency(ctx);
    const { name, hsm_id: hsmId } = req.query;
    if (!name) throw metaError(131008, 'The parameter name is required.');
    // By name: every language of that name; with hsm_id: only that one template.
    const targets = [...ctx.state.templates.values()].filter((t) => t.wabaId === wabaId && t.name === name && (!hsmId || t.id === hsmId));
    if (!targets.length) throw metaError(100, `Message template "${name}" was not found.`, { userTitle: 'Message template not found' });
    for (const t of targets) {
      if (t.status === 'APPROVED') ctx.state.deletedTemplateNames.set(`${t.name}\0${wabaId}`, ctx.state.now());
      ctx.state.templates.delete(t.id);
    }
    return { success: true };
  });
}
