import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { pageOf, pageQuery } from '../../shared/pagination.ts';
import { actorOf, presentDocument } from './documents.routes.ts';
import { getDocumentRow } from './documents.repository.ts';
import { addAnswerToGap, getGapGroup, listGapGroups, recordKnowledgeGap, resolveGapGroup } from './gaps.service.ts';
import {
  addAnswerBody,
  createTestBody,
  gapGroupDetailSchema,
  gapGroupSchema,
  gapListQuery,
  recordGapBody,
  resolveGapBody,
  testRunSchema,
  testSchema,
  updateTestBody,
} from './improvement.schemas.ts';
import { documentSchema } from './knowledge.schemas.ts';
import { createTest, deleteTest, getTest, listTestRuns, listTests, runTests, type TestRow, updateTest } from './knowledge-tests.service.ts';

const gapTags = ['Knowledge gaps'];
const testTags = ['Knowledge tests'];

type Group = Awaited<ReturnType<typeof getGapGroup>>;
const presentGap = (g: Group['examples'][number]) => ({ ...g, createdAt: g.createdAt.toISOString() });
const presentGroup = (g: Omit<Group, 'gaps'>) => ({
  id: g.group.id,
  question: g.group.question,
  status: g.group.status,
  count: g.group.gapCount,
  trend: g.trend,
  reasons: g.reasons,
  examples: g.examples.map(presentGap),
  resolution: (g.group.resolution as 'answer_added' | 'resolved' | null) ?? null,
  resolutionNote: g.group.resolutionNote,
  resolvedDocumentId: g.group.resolvedDocumentId,
  resolvedAt: g.group.resolvedAt?.toISOString() ?? null,
  firstSeenAt: g.group.firstSeenAt.toISOString(),
  lastSeenAt: g.group.lastSeenAt.toISOString(),
});
const presentGroupDetail = (g: Group) => ({ ...presentGroup(g), gaps: g.gaps.map(presentGap) });
const presentTest = (t: TestRow) => ({
  id: t.id,
  question: t.question,
  expectedAnswer: t.expectedAnswer,
  expectedDocumentId: t.expectedDocumentId,
  expectNoAnswer: t.expectNoAnswer,
  lastRunAt: t.lastRunAt?.toISOString() ?? null,
  lastPassed: t.lastPassed,
  lastConfidence: t.lastConfidence,
  lastAnswer: t.lastAnswer,
  lastDocumentId: t.lastDocumentId,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

/** The improvement loop: knowledge gaps (grouped, resolved, answered) and saved tests with their runs. */
export function registerImprovementRoutes(app: App, deps: Deps) {
  app.get(
    '/api/v1/knowledge/gaps',
    { schema: { tags: gapTags, summary: 'List knowledge gaps', description: 'Similar questions grouped, with counts, a 7-day trend, reasons and the latest examples.', querystring: gapListQuery, response: { 200: pageOf(gapGroupSchema) } } },
    async (req) => {
      const p = requirePermission(req, 'knowledge.manage');
      const page = await listGapGroups(deps.database.db, p.organizationId, req.query);
      return { items: page.items.map(presentGroup), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/knowledge/gaps',
    {
      schema: {
        tags: gapTags,
        summary: 'Log a knowledge gap',
        description: 'For integrations; the assistant logs unanswered questions, low-confidence answers, hand-offs and negative reactions itself. The gap joins the open group of similar questions.',
        body: recordGapBody,
        response: { 201: gapGroupDetailSchema },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'knowledge.manage');
      const { groupId } = await recordKnowledgeGap(deps, { organizationId: p.organizationId, ...req.body });
      return reply.status(201).send(presentGroupDetail(await getGapGroup(deps.database.db, p.organizationId, groupId)));
    },
  );

  app.get(
    '/api/v1/knowledge/gaps/:id',
    { schema: { tags: gapTags, summary: 'Get a group of gaps', params: idParams, response: { 200: gapGroupDetailSchema } } },
    async (req) => {
      const p = requirePermission(req, 'knowledge.manage');
      return presentGroupDetail(await getGapGroup(deps.database.db, p.organizationId, req.params.id));
    },
  );

  app.post(
    '/api/v1/knowledge/gaps/:id/resolve',
    { schema: { tags: gapTags, summary: 'Mark a group resolved', params: idParams, body: resolveGapBody, response: { 200: gapGroupDetailSchema } } },
    async (req) => {
      const p = requirePermission(req, 'knowledge.manage');
      return presentGroupDetail(await resolveGapGroup(deps, p.organizationId, req.params.id, req.body.note, actorOf(req)));
    },
  );

  app.post(
    '/api/v1/knowledge/gaps/:id/answer',
    {
      schema: {
        tags: gapTags,
        summary: 'Add an answer',
        description: 'Creates a Q&A entry (by default with the customers\' own phrasings as the questions) and marks the group resolved, in one step. The entry is processed like any document.',
        params: idParams,
        body: addAnswerBody,
        response: { 201: z.object({ group: gapGroupDetailSchema.describe('The group, now resolved.'), document: documentSchema.describe('The entry created (processed in the background).') }) },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'knowledge.manage');
      const { group, documentId } = await addAnswerToGap(deps, p.organizationId, req.params.id, req.body, actorOf(req));
      const document = await getDocumentRow(deps.database.db, p.organizationId, documentId);
      return reply.status(201).send({ group: presentGroupDetail(group), document: presentDocument(document) });
    },
  );

  app.get(
    '/api/v1/knowledge/tests',
    { schema: { tags: testTags, summary: 'List saved tests', querystring: pageQuery, response: { 200: pageOf(testSchema) } } },
    async (req) => {
      const p = requirePermission(req, 'knowledge.manage');
      const page = await listTests(deps.database.db, p.organizationId, req.query);
      return { items: page.items.map(presentTest), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/knowledge/tests',
    { schema: { tags: testTags, summary: 'Save a test', description: 'A question and what a good answer contains, the document it must come from, or that the right answer is "I don\'t know".', body: createTestBody, response: { 201: testSchema } } },
    async (req, reply) => {
      const p = requirePermission(req, 'knowledge.manage');
      return reply.status(201).send(presentTest(await createTest(deps.database.db, p.organizationId, req.body)));
    },
  );

  app.post(
    '/api/v1/knowledge/tests/run',
    { schema: { tags: testTags, summary: 'Run every test', description: 'Asks each saved question and returns the pass rate; each test keeps its latest outcome.', response: { 200: testRunSchema } } },
    async (req) => {
      const p = requirePermission(req, 'knowledge.manage');
      const run = await runTests(deps, p.organizationId);
      return { ...run, createdAt: run.createdAt.toISOString() };
    },
  );

  app.get(
    '/api/v1/knowledge/tests/runs',
    { schema: { tags: testTags, summary: 'List test runs', description: 'The latest 20 runs, newest first.', response: { 200: z.object({ items: z.array(testRunSchema.omit({ results: true })).describe('Runs, newest first.') }) } } },
    async (req) => {
      const p = requirePermission(req, 'knowledge.manage');
      const runs = await listTestRuns(deps.database.db, p.organizationId);
      return { items: runs.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) };
    },
  );

  app.get(
    '/api/v1/knowledge/tests/:id',
    { schema: { tags: testTags, summary: 'Get a test', params: idParams, response: { 200: testSchema } } },
    async (req) => {
      const p = requirePermission(req, 'knowledge.manage');
      return presentTest(await getTest(deps.database.db, p.organizationId, req.params.id));
    },
  );

  app.patch(
    '/api/v1/knowledge/tests/:id',
    { schema: { tags: testTags, summary: 'Change a test', params: idParams, body: updateTestBody, response: { 200: testSchema } } },
    async (req) => {
      const p = requirePermission(req, 'knowledge.manage');
      return presentTest(await updateTest(deps.database.db, p.organizationId, req.params.id, req.body));
    },
  );

  app.delete(
    '/api/v1/knowledge/tests/:id',
    { schema: { tags: testTags, summary: 'Delete a test', params: idParams, response: { 204: z.null().describe('Deleted.') } } },
    async (req, reply) => {
      const p = requirePermission(req, 'knowledge.manage');
      await deleteTest(deps.database.db, p.organizationId, req.params.id);
      return reply.status(204).send(null);
    },
  );
}
