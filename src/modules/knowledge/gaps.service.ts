import { and, desc, eq, sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { knowledgeGapGroups, knowledgeGaps, organizations } from '../../db/schema/index.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { notFound } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { resolveLocale } from '../../shared/i18n.ts';
import { decodeCursor, encodeCursor } from '../../shared/pagination.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { normalizeQuestion } from './chunking/normalize.ts';
import { createEntryInTransaction, type KnowledgeActor } from './documents.service.ts';
import { knowledgeText } from './knowledge.i18n.ts';

/** Why a question is a knowledge gap. */
export type GapReason = 'unanswered' | 'low_confidence' | 'handoff_after_ai' | 'negative_reaction';

/** A gap to log, as the assistant or the inbox sees it. */
export interface NewKnowledgeGap {
  organizationId: string;
  /** The customer's words. */
  question: string;
  /** What the assistant answered, if it answered. */
  answerGiven?: string | null;
  reason: GapReason;
  conversationId?: string | null;
  confidence?: number | null;
}

/** Trigram similarity from which two questions count as the same gap. */
export const GAP_GROUP_SIMILARITY = 0.5;

/**
 * Logs a knowledge gap — an unanswered question, a low-confidence answer, a hand-off right after an AI
 * answer, or a negative reaction — and files it under the open group of similar questions (trigram
 * similarity ≥ 0.5), or opens a new group. Serialized per organization so concurrent gaps do not split a group.
 */
export async function recordKnowledgeGap(deps: Pick<Deps, 'database'>, gap: NewKnowledgeGap): Promise<{ gapId: string; groupId: string }> {
  const question = gap.question.replace(/\s+/g, ' ').trim().slice(0, 2000);
  if (!question) throw new Error('A knowledge gap needs the question');
  return deps.database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`knowledge-gaps:${gap.organizationId}`}))`);
    const [match] = await rowsOf<{ id: string }>(
      tx,
      sql`select id from knowledge_gap_groups
           where organization_id = ${gap.organizationId} and status = 'open'
             and norm % lower(charla_unaccent(${question})) and similarity(norm, lower(charla_unaccent(${question}))) >= ${GAP_GROUP_SIMILARITY}
           order by similarity(norm, lower(charla_unaccent(${question}))) desc limit 1`,
    );
    let groupId = match?.id;
    if (!groupId) {
      groupId = newId();
      await tx.execute(sql`insert into knowledge_gap_groups (id, organization_id, question, norm) values (${groupId}, ${gap.organizationId}, ${question}, lower(charla_unaccent(${question})))`);
    }
    const gapId = newId();
    await tx.insert(knowledgeGaps).values({
      id: gapId,
      organizationId: gap.organizationId,
      groupId,
      question,
      answerGiven: gap.answerGiven?.slice(0, 4000) ?? null,
      reason: gap.reason,
      confidence: gap.confidence ?? null,
      conversationId: gap.conversationId ?? null,
    });
    await tx
      .update(knowledgeGapGroups)
      .set({ gapCount: sql`${knowledgeGapGroups.gapCount} + 1`, lastSeenAt: new Date(), updatedAt: new Date() })
      .where(eq(knowledgeGapGroups.id, groupId));
    return { gapId, groupId };
  });
}

type GroupRow = typeof knowledgeGapGroups.$inferSelect;
interface RawGap {
  id: string;
  group_id: string;
  question: string;
  answer_given: string | null;
  reason: GapReason;
  confidence: number | null;
  conversation_id: string | null;
  created_at: string | Date;
}

/** The groups of an organization with counts, trend, reasons and latest examples. */
export async function listGapGroups(db: Db, organizationId: string, q: { status: 'open' | 'resolved'; sort: 'recent' | 'count'; cursor?: string; limit: number }) {
  const after = decodeCursor(q.cursor, 2);
  const order = q.sort === 'count' ? sql`g.gap_count desc, g.id desc` : sql`g.last_seen_at desc, g.id desc`;
  const keyset = !after
    ? sql``
    : q.sort === 'count'
      ? sql`and (g.gap_count, g.id) < (${Number(after[0])}, ${String(after[1])}::uuid)`
      : sql`and (g.last_seen_at, g.id) < (${String(after[0])}::timestamptz, ${String(after[1])}::uuid)`;
  const rows = await rowsOf<{ id: string; last_seen_at: string | Date; gap_count: number }>(
    db,
    sql`select g.id, g.last_seen_at, g.gap_count from knowledge_gap_groups g
         where g.organization_id = ${organizationId} and g.status = ${q.status} ${keyset}
         order by ${order} limit ${q.limit + 1}`,
  );
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > q.limit && last ? encodeCursor(q.sort === 'count' ? [last.gap_count, last.id] : [new Date(last.last_seen_at).toISOString(), last.id]) : null;
  return { items: await describeGroups(db, organizationId, page.map((r) => r.id), 3), nextCursor };
}

/** One group with all its gaps (latest 200). */
export async function getGapGroup(db: Db, organizationId: string, id: string) {
  const [group] = await describeGroups(db, organizationId, [id], 200);
  if (!group) throw notFound('Knowledge gap', 'gap_not_found');
  return { ...group, gaps: group.examples };
}

/** Marks a group resolved (e.g. the answer was fixed in a document). */
export async function resolveGapGroup(deps: Pick<Deps, 'database'>, organizationId: string, id: string, note: string | undefined, actor: KnowledgeActor) {
  await deps.database.db.transaction(async (tx) => {
    const rows = await tx
      .update(knowledgeGapGroups)
      .set({ status: 'resolved', resolution: 'resolved', resolutionNote: note ?? null, resolvedAt: new Date(), resolvedByUserId: actor.userId, updatedAt: new Date() })
      .where(and(eq(knowledgeGapGroups.id, id), eq(knowledgeGapGroups.organizationId, organizationId)))
      .returning({ id: knowledgeGapGroups.id });
    if (!rows.length) throw notFound('Knowledge gap', 'gap_not_found');
    await recordAudit(tx, { organizationId, actor, action: 'knowledge.gap_resolved', targetType: 'knowledge_gap_group', targetId: id, data: { note: note ?? null } });
  });
  return getGapGroup(deps.database.db, organizationId, id);
}

/**
 * "Add answer": creates a Q&A entry from the group — by default with the customers' own distinct phrasings
 * as the questions, labelled in the organization's language — and marks the group resolved, in one transaction.
 */
export async function addAnswerToGap(
  deps: Pick<Deps, 'database' | 'queue'>,
  organizationId: string,
  id: string,
  input: { answer: string; questions?: string[]; title?: string },
  actor: KnowledgeActor,
) {
  const documentId = await deps.database.db.transaction(async (tx) => {
    const [group] = await tx
      .select()
      .from(knowledgeGapGroups)
      .where(and(eq(knowledgeGapGroups.id, id), eq(knowledgeGapGroups.organizationId, organizationId)))
      .for('update');
    if (!group) throw notFound('Knowledge gap', 'gap_not_found');
    const questions = input.questions ?? (await customerPhrasings(tx, group));
    const [org] = await tx.select({ locale: organizations.locale }).from(organizations).where(eq(organizations.id, organizationId));
    const locale = resolveLocale(org?.locale);
    const labels = { q: knowledgeText(locale, 'entryQuestionLabel'), a: knowledgeText(locale, 'entryAnswerLabel') };
    const content = `${questions.map((q) => `**${labels.q}:** ${q}`).join('\n')}\n${labels.a}: ${input.answer}\n`;
    const document = await createEntryInTransaction(tx, deps, organizationId, { title: input.title ?? group.question.slice(0, 120), content }, actor);
    await tx
      .update(knowledgeGapGroups)
      .set({ status: 'resolved', resolution: 'answer_added', resolvedDocumentId: document.id, resolvedAt: new Date(), resolvedByUserId: actor.userId, updatedAt: new Date() })
      .where(eq(knowledgeGapGroups.id, id));
    await recordAudit(tx, { organizationId, actor, action: 'knowledge.gap_answered', targetType: 'knowledge_gap_group', targetId: id, data: { documentId: document.id } });
    return document.id;
  });
  return { group: await getGapGroup(deps.database.db, organizationId, id), documentId };
}

async function customerPhrasings(tx: Db, group: GroupRow): Promise<string[]> {
  const gaps = await tx.select({ question: knowledgeGaps.question }).from(knowledgeGaps).where(eq(knowledgeGaps.groupId, group.id)).orderBy(desc(knowledgeGaps.createdAt)).limit(100);
  const seen = new Map<string, string>();
  for (const g of [{ question: group.question }, ...gaps]) {
    const key = normalizeQuestion(g.question);
    if (key && !seen.has(key)) seen.set(key, g.question);
  }
  return [...seen.values()].slice(0, 10);
}

async function describeGroups(db: Db, organizationId: string, ids: string[], examples: number) {
  if (ids.length === 0) return [];
  const idList = `{${ids.join(',')}}`;
  const groups = await db
    .select()
    .from(knowledgeGapGroups)
    .where(and(eq(knowledgeGapGroups.organizationId, organizationId), sql`${knowledgeGapGroups.id} = any(${idList}::uuid[])`));
  const stats = await rowsOf<{ group_id: string; last7: number; prev7: number; reasons: Record<string, number> | string }>(
    db,
    sql`select group_id,
               count(*) filter (where created_at > now() - interval '7 days')::int as last7,
               count(*) filter (where created_at <= now() - interval '7 days' and created_at > now() - interval '14 days')::int as prev7,
               (select json_object_agg(reason, n) from (select reason, count(*)::int as n from knowledge_gaps r where r.group_id = g.group_id group by reason) x) as reasons
          from knowledge_gaps g where organization_id = ${organizationId} and group_id = any(${idList}::uuid[]) group by group_id`,
  );
  const latest = await rowsOf<RawGap>(
    db,
    sql`select * from (select k.*, row_number() over (partition by group_id order by created_at desc) as n
                         from knowledge_gaps k where organization_id = ${organizationId} and group_id = any(${idList}::uuid[])) r
         where n <= ${examples} order by created_at desc`,
  );
  const byId = new Map(groups.map((g) => [g.id, g]));
  return ids
    .map((id) => byId.get(id))
    .filter((g): g is GroupRow => Boolean(g))
    .map((g) => {
      const s = stats.find((x) => x.group_id === g.id);
      return {
        group: g,
        trend: { last7Days: s?.last7 ?? 0, previous7Days: s?.prev7 ?? 0 },
        reasons: (typeof s?.reasons === 'string' ? JSON.parse(s.reasons) : s?.reasons) ?? {},
        examples: latest
          .filter((x) => x.group_id === g.id)
          .map((x) => ({ id: x.id, question: x.question, answerGiven: x.answer_given, reason: x.reason, confidence: x.confidence === null ? null : Number(x.confidence), conversationId: x.conversation_id, createdAt: new Date(x.created_at) })),
      };
    });
}
