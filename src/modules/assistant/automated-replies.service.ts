import { and, asc, desc, eq, inArray, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { type AutomatedReply, automatedReplies } from '../../db/schema/index.ts';
import { notFound, validationError } from '../../shared/errors.ts';
import { isUuid, newId } from '../../shared/ids.ts';
import { decodeCursor, paginate } from '../../shared/pagination.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { getOrganization } from '../organizations/organizations.service.ts';
import type { AssistantReply } from './assistant.schemas.ts';
import { documented } from './field-docs.ts';
import { checkRegex, matchesKeyword } from './text-match.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use HH:MM (24 h)');

/** The reply a rule sends. */
export const automatedReplyContent = z.discriminatedUnion('type', [
  z.strictObject(documented({ type: z.literal('text').describe('Answer with a text.'), text: z.string().trim().min(1).max(4096).describe('The text to send (up to 4,096 characters).') })),
  z.strictObject(documented({
    type: z.literal('media').describe('Answer with an image, video, audio or document.'),
    mediaType: z.enum(['image', 'video', 'audio', 'document']).describe('The kind of media: `image`, `video`, `audio` or `document`.'),
    link: z.url({ protocol: /^https$/ }).max(2000).describe('A public https URL.'),
    caption: z.string().max(1024).optional(),
  })),
  z.strictObject(documented({ type: z.literal('template').describe('Answer with an approved WhatsApp template.'), name: z.string().min(1).max(512).describe('The template\'s name.'), language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/), preview: z.string().max(4096).optional() })),
]);

/** A rule as created. */
export const automatedReplyBody = z
  .strictObject(documented({
    name: z.string().trim().min(1).max(200).describe('A name for the team, e.g. "Opening hours".'),
    keywords: z.array(z.string().trim().min(1).max(200)).min(1).max(50).describe('Matched ignoring case and accents.'),
    match: z.enum(['exact', 'contains', 'starts_with', 'regex']).default('contains'),
    priority: z.number().int().min(-1000).max(1000).default(0).describe('Higher runs first.'),
    channelIds: z.array(z.uuid()).max(50).default([]).describe('Only on these channels (empty: all).'),
    activeFrom: hhmm.nullable().default(null).describe('Start of the active hours in the organization\'s time zone.'),
    activeTo: hhmm.nullable().default(null),
    activeDays: z.array(z.number().int().min(0).max(6)).max(7).default([]).describe('0 = Sunday; empty: every day.'),
    reply: automatedReplyContent,
    enabled: z.boolean().default(true).describe('A disabled rule never answers.'),
  }))
  .superRefine((b, ctx) => {
    if ((b.activeFrom === null) !== (b.activeTo === null)) ctx.addIssue({ code: 'custom', path: ['activeTo'], message: 'Give both activeFrom and activeTo, or neither' });
    if (b.match === 'regex') {
      b.keywords.forEach((k, i) => {
        const problem = checkRegex(k);
        if (problem) ctx.addIssue({ code: 'custom', path: ['keywords', i], message: problem });
      });
    }
  });
export type AutomatedReplyInput = z.output<typeof automatedReplyBody>;

/** The API view of a rule. */
export const automatedReplySchema = z.object(documented({
  id: z.string().describe('The rule\'s id.'),
  name: z.string().describe('The rule\'s name.'),
  keywords: z.array(z.string()),
  match: z.enum(['exact', 'contains', 'starts_with', 'regex']),
  priority: z.number(),
  channelIds: z.array(z.string()),
  activeFrom: z.string().nullable(),
  activeTo: z.string().nullable(),
  activeDays: z.array(z.number()),
  reply: automatedReplyContent,
  enabled: z.boolean().describe('Whether the rule answers.'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
}));
export type AutomatedReplyView = z.infer<typeof automatedReplySchema>;

const present = (r: AutomatedReply): AutomatedReplyView => ({ ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() });

/** Lists rules, highest priority first. */
export async function listAutomatedReplies(db: Db, organizationId: string, query: { cursor?: string; limit: number }) {
  const after = decodeCursor(query.cursor, 1);
  const rows = await db
    .select()
    .from(automatedReplies)
    .where(and(eq(automatedReplies.organizationId, organizationId), after ? lt(automatedReplies.id, String(after[0])) : undefined))
    .orderBy(desc(automatedReplies.id))
    .limit(query.limit + 1);
  const page = paginate(rows, query.limit, (r) => [r.id]);
  return { items: page.items.map(present), nextCursor: page.nextCursor };
}

async function findRule(db: Db, organizationId: string, id: string): Promise<AutomatedReply> {
  if (!isUuid(id)) throw notFound('Automated reply');
  const [row] = await db.select().from(automatedReplies).where(and(eq(automatedReplies.id, id), eq(automatedReplies.organizationId, organizationId)));
  if (!row) throw notFound('Automated reply');
  return row;
}

/** One rule. */
export const getAutomatedReply = async (db: Db, organizationId: string, id: string) => present(await findRule(db, organizationId, id));

/** Creates a rule. */
export async function createAutomatedReply(db: Db, organizationId: string, input: AutomatedReplyInput, actor: AuditActor): Promise<AutomatedReplyView> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(automatedReplies).values({ id: newId(), organizationId, ...input }).returning();
    await audit(tx, organizationId, actor, 'automated_reply.created', row!);
    return present(row!);
  });
}

const audit = (db: Db, organizationId: string, actor: AuditActor, action: string, rule: Pick<AutomatedReply, 'id' | 'name'>) =>
  recordAudit(db, { organizationId, actor, action, targetType: 'automated_reply', targetId: rule.id, data: { name: rule.name } });

/** Replaces a rule's definition. */
export async function updateAutomatedReply(db: Db, organizationId: string, id: string, input: AutomatedReplyInput, actor: AuditActor): Promise<AutomatedReplyView> {
  return db.transaction(async (tx) => {
    await findRule(tx, organizationId, id);
    const [row] = await tx
      .update(automatedReplies)
      .set({ ...input, updatedAt: new Date() })
      .where(and(eq(automatedReplies.id, id), eq(automatedReplies.organizationId, organizationId)))
      .returning();
    await audit(tx, organizationId, actor, 'automated_reply.updated', row!);
    return present(row!);
  });
}

/** Deletes a rule. */
export async function deleteAutomatedReply(db: Db, organizationId: string, id: string, actor: AuditActor): Promise<void> {
  await db.transaction(async (tx) => {
    const rule = await findRule(tx, organizationId, id);
    await tx.delete(automatedReplies).where(and(eq(automatedReplies.id, id), eq(automatedReplies.organizationId, organizationId)));
    await audit(tx, organizationId, actor, 'automated_reply.deleted', rule);
  });
}

/**
 * A rule's answer as the playground shows it: text and media as they are; a template as its preview
 * text (the playground has no channel to send a template through).
 */
export function ruleReplyForPlayground(rule: Pick<AutomatedReply, 'reply'>): AssistantReply {
  const r = rule.reply;
  if (r.type === 'text') return { type: 'text', text: r.text };
  if (r.type === 'media') return { type: 'media', mediaType: r.mediaType, link: r.link, text: r.caption ?? '' };
  return { type: 'text', text: r.preview ?? `${r.name} (${r.language})` };
}

/** Minutes since midnight and weekday at `at` in a time zone. */
function localTime(at: Date, timeZone: string): { minutes: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hour12: false, hour: '2-digit', minute: '2-digit', weekday: 'short' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '0';
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { minutes: (Number(get('hour')) % 24) * 60 + Number(get('minute')), day };
}

const toMinutes = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/** Whether a rule is active at a local time (ranges may wrap past midnight, e.g. 22:00–06:00). */
export function isActiveAt(rule: Pick<AutomatedReply, 'activeFrom' | 'activeTo' | 'activeDays'>, local: { minutes: number; day: number }): boolean {
  if (rule.activeDays.length && !rule.activeDays.includes(local.day)) return false;
  if (!rule.activeFrom || !rule.activeTo) return true;
  const from = toMinutes(rule.activeFrom);
  const to = toMinutes(rule.activeTo);
  return from <= to ? local.minutes >= from && local.minutes < to : local.minutes >= from || local.minutes < to;
}

/**
 * The rule that answers a message, if any: enabled, for this channel, active now in the organization's
 * time zone, with a matching keyword — the highest priority wins. Evaluated before the assistant.
 */
export async function matchAutomatedReply(db: Db, organizationId: string, message: { text: string; channelId: string | null; at?: Date }): Promise<AutomatedReply | null> {
  const rules = (await enabledAutomatedReplies(db, [organizationId])).get(organizationId) ?? [];
  return pickAutomatedReply(db, rules, organizationId, message);
}

/**
 * The enabled rules of several organizations in one statement, each organization's highest priority
 * first (the assistant's turn job loads them for every message the runner claimed together).
 */
export async function enabledAutomatedReplies(db: Db, organizationIds: string[]): Promise<Map<string, AutomatedReply[]>> {
  const unique = [...new Set(organizationIds)];
  const rows = await db
    .select()
    .from(automatedReplies)
    .where(and(inArray(automatedReplies.organizationId, unique), eq(automatedReplies.enabled, true)))
    .orderBy(desc(automatedReplies.priority), asc(automatedReplies.id));
  const byOrganization = new Map<string, AutomatedReply[]>();
  for (const row of rows) {
    const list = byOrganization.get(row.organizationId);
    if (list) list.push(row);
    else byOrganization.set(row.organizationId, [row]);
  }
  return byOrganization;
}

/** {@link matchAutomatedReply} over rules already loaded (enabled, highest priority first). */
export async function pickAutomatedReply(
  db: Db,
  rules: AutomatedReply[],
  organizationId: string,
  message: { text: string; channelId: string | null; at?: Date },
): Promise<AutomatedReply | null> {
  if (!rules.length) return null;
  const org = await getOrganization(db, organizationId);
  const local = localTime(message.at ?? new Date(), org.timezone);
  for (const rule of rules) {
    if (message.channelId && rule.channelIds.length && !rule.channelIds.includes(message.channelId)) continue;
    if (!message.channelId && rule.channelIds.length) continue;
    if (!isActiveAt(rule, local)) continue;
    if (matchesKeyword(message.text, rule.keywords, rule.match)) return rule;
  }
  return null;
}

/** Rejects channel ids that are not the organization's (a rule for a foreign channel would never fire, and leak ids). */
export function assertValidInput(input: AutomatedReplyInput, channelIds: Set<string>): void {
  const foreign = input.channelIds.findIndex((id) => !channelIds.has(id));
  if (foreign >= 0) throw validationError('Unknown channel', [{ path: `channelIds.${foreign}`, message: 'Not a channel of this organization' }], 'unknown_channel');
}
