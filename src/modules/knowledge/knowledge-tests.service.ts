import { and, desc, eq, lt } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { knowledgeDocuments, knowledgeTestRuns, knowledgeTests } from '../../db/schema/index.ts';
import { notFound, validationError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { decodeCursor, paginate } from '../../shared/pagination.ts';
import { type KnowledgeAnswer, answerFromKnowledge } from './answer.ts';
import { foldText } from './chunking/normalize.ts';

/** A saved test row. */
export type TestRow = typeof knowledgeTests.$inferSelect;

/** What a test expects. */
export interface TestInput {
  question?: string;
  expectedAnswer?: string | null;
  expectedDocumentId?: string | null;
  expectNoAnswer?: boolean;
}

/** Saves a test (the expected document must be one of the organization's). */
export async function createTest(db: Db, organizationId: string, input: TestInput & { question: string }): Promise<TestRow> {
  await assertDocument(db, organizationId, input.expectedDocumentId);
  const [row] = await db
    .insert(knowledgeTests)
    .values({
      id: newId(),
      organizationId,
      question: input.question,
      expectedAnswer: input.expectedAnswer ?? null,
      expectedDocumentId: input.expectedDocumentId ?? null,
      expectNoAnswer: input.expectNoAnswer ?? false,
    })
    .returning();
  return row!;
}

/** Lists an organization's tests, oldest first (the order they were written in). */
export async function listTests(db: Db, organizationId: string, q: { cursor?: string; limit: number }) {
  const after = decodeCursor(q.cursor, 1);
  const rows = await db
    .select()
    .from(knowledgeTests)
    .where(and(eq(knowledgeTests.organizationId, organizationId), after ? lt(knowledgeTests.id, String(after[0])) : undefined))
    .orderBy(desc(knowledgeTests.id))
    .limit(q.limit + 1);
  return paginate(rows, q.limit, (r) => [r.id]);
}

/** One test. */
export async function getTest(db: Db, organizationId: string, id: string): Promise<TestRow> {
  const [row] = await db.select().from(knowledgeTests).where(and(eq(knowledgeTests.id, id), eq(knowledgeTests.organizationId, organizationId)));
  if (!row) throw notFound('Test', 'test_not_found');
  return row;
}

/** Changes a test; it must still expect something. */
export async function updateTest(db: Db, organizationId: string, id: string, patch: TestInput): Promise<TestRow> {
  const current = await getTest(db, organizationId, id);
  const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
  if (!next.expectNoAnswer && !next.expectedAnswer && !next.expectedDocumentId) {
    throw validationError('A test needs an expected answer, an expected document, or expectNoAnswer', [{ path: 'expectedAnswer', message: 'Required' }]);
  }
  await assertDocument(db, organizationId, patch.expectedDocumentId);
  const [row] = await db
    .update(knowledgeTests)
    .set({ question: next.question, expectedAnswer: next.expectedAnswer, expectedDocumentId: next.expectedDocumentId, expectNoAnswer: next.expectNoAnswer, updatedAt: new Date() })
    .where(and(eq(knowledgeTests.id, id), eq(knowledgeTests.organizationId, organizationId)))
    .returning();
  return row!;
}

/** Deletes a test. */
export async function deleteTest(db: Db, organizationId: string, id: string): Promise<void> {
  const rows = await db.delete(knowledgeTests).where(and(eq(knowledgeTests.id, id), eq(knowledgeTests.organizationId, organizationId))).returning({ id: knowledgeTests.id });
  if (!rows.length) throw notFound('Test', 'test_not_found');
}

/** Whether an answer satisfies a test (exported for unit tests). */
export function passes(test: Pick<TestRow, 'expectNoAnswer' | 'expectedAnswer' | 'expectedDocumentId'>, result: KnowledgeAnswer): boolean {
  if (test.expectNoAnswer) return result.status === 'unknown';
  if (result.status !== 'answered') return false;
  if (test.expectedDocumentId && result.results[0]?.documentId !== test.expectedDocumentId) return false;
  return test.expectedAnswer ? answerMatches(result.answer, test.expectedAnswer) : true;
}

/**
 * The expected text is in the answer (accents, case and punctuation ignored), or at least 70% of its
 * words (3+ letters) are — so "30 días para devolver" matches an answer worded a little differently.
 */
export function answerMatches(answer: string, expected: string): boolean {
  const norm = (s: string) => foldText(s).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const a = norm(answer);
  const e = norm(expected);
  if (!e || a.includes(e)) return true;
  const words = new Set(a.split(' '));
  const wanted = e.split(' ').filter((w) => w.length >= 3 || /\d/.test(w));
  if (wanted.length === 0) return false;
  return wanted.filter((w) => words.has(w)).length / wanted.length >= 0.7;
}

/** Runs every test of the organization, stores each outcome and the run, and returns the pass rate. */
export async function runTests(deps: Pick<Deps, 'database' | 'secrets' | 'config' | 'logger'>, organizationId: string) {
  const db = deps.database.db;
  const tests = await db.select().from(knowledgeTests).where(eq(knowledgeTests.organizationId, organizationId)).orderBy(knowledgeTests.id).limit(500);
  const titles = new Map<string, string>();
  const results = [];
  for (const test of tests) {
    const outcome = await answerFromKnowledge(deps, organizationId, test.question);
    const top = outcome.results[0];
    const passed = passes(test, outcome);
    if (top) titles.set(top.documentId, top.documentTitle);
    const answer = outcome.status === 'answered' ? outcome.answer : null;
    await db
      .update(knowledgeTests)
      .set({ lastRunAt: new Date(), lastPassed: passed, lastConfidence: outcome.confidence, lastAnswer: answer, lastDocumentId: outcome.status === 'answered' ? (top?.documentId ?? null) : null })
      .where(eq(knowledgeTests.id, test.id));
    results.push({ testId: test.id, question: test.question, passed, confidence: outcome.confidence, answer, documentId: outcome.status === 'answered' ? (top?.documentId ?? null) : null });
  }
  const passed = results.filter((r) => r.passed).length;
  const [run] = await db
    .insert(knowledgeTestRuns)
    .values({ id: newId(), organizationId, total: results.length, passed, results: results.map((r) => ({ testId: r.testId, passed: r.passed, confidence: r.confidence, documentId: r.documentId })) })
    .returning();
  return {
    id: run!.id,
    total: results.length,
    passed,
    passRate: results.length ? passed / results.length : 0,
    createdAt: run!.createdAt,
    results: results.map((r) => ({ ...r, documentTitle: r.documentId ? (titles.get(r.documentId) ?? null) : null })),
  };
}

/** The latest runs (pass rate over time). */
export async function listTestRuns(db: Db, organizationId: string, limit = 20) {
  const runs = await db.select().from(knowledgeTestRuns).where(eq(knowledgeTestRuns.organizationId, organizationId)).orderBy(desc(knowledgeTestRuns.id)).limit(limit);
  return runs.map((r) => ({ id: r.id, total: r.total, passed: r.passed, passRate: r.total ? r.passed / r.total : 0, createdAt: r.createdAt }));
}

async function assertDocument(db: Db, organizationId: string, documentId: string | null | undefined): Promise<void> {
  if (!documentId) return;
  const [doc] = await db
    .select({ id: knowledgeDocuments.id })
    .from(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.id, documentId), eq(knowledgeDocuments.organizationId, organizationId)));
  if (!doc) throw validationError('The expected document does not exist', [{ path: 'expectedDocumentId', message: 'Unknown document' }], 'document_not_found');
}
