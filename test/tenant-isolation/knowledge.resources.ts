/**
 * Tenant-isolation registry entries of the knowledge module (spread into RESOURCES in ./resources.ts):
 * documents (and their chunks, re-upload and reprocessing), gap groups and saved tests.
 */
import { expect } from 'vitest';
import { json } from '../support/context.ts';
import { call, type TestOrg } from '../support/factories.ts';
import type { IsolationEnv, ResourceEntry } from './resources.ts';

const entry = { title: 'Isolated entry', content: 'Pregunta: ¿Código de la bodega?\nRespuesta: 4471.' };

async function makeDocument({ ctx }: IsolationEnv, org: TestOrg): Promise<Record<string, string>> {
  const res = await call(ctx, org.owner, 'POST', '/api/v1/knowledge/documents', entry);
  expect(res.statusCode, res.body).toBe(202);
  return { id: json<{ id: string }>(res).id };
}

const readDocument = async ({ ctx }: IsolationEnv, org: TestOrg, { id }: Record<string, string>) => json(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/documents/${id}`));

async function makeGap({ ctx }: IsolationEnv, org: TestOrg): Promise<Record<string, string>> {
  const res = await call(ctx, org.owner, 'POST', '/api/v1/knowledge/gaps', { question: '¿Aceptan Bitcoin?', reason: 'unanswered' });
  expect(res.statusCode, res.body).toBe(201);
  return { id: json<{ id: string }>(res).id };
}

const readGap = async ({ ctx }: IsolationEnv, org: TestOrg, { id }: Record<string, string>) => json(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/gaps/${id}`));

/** Every knowledge path with parameters. */
export const KNOWLEDGE_RESOURCES: Record<string, ResourceEntry> = {
  '/api/v1/knowledge/documents/{id}': { create: makeDocument, read: readDocument, bodies: { PATCH: { title: 'Taken over' } } },
  '/api/v1/knowledge/documents/{id}/chunks': { create: makeDocument, read: readDocument },
  '/api/v1/knowledge/documents/{id}/reprocess': { create: makeDocument, read: readDocument },
  '/api/v1/knowledge/documents/{id}/content': { create: makeDocument, read: readDocument, bodies: { PUT: { title: 'Taken over', content: 'Pregunta: ¿x?\nRespuesta: y.' } } },
  '/api/v1/knowledge/gaps/{id}': { create: makeGap, read: readGap },
  '/api/v1/knowledge/gaps/{id}/resolve': { create: makeGap, read: readGap, bodies: { POST: { note: 'not yours' } } },
  '/api/v1/knowledge/gaps/{id}/answer': { create: makeGap, read: readGap, bodies: { POST: { answer: 'Injected answer' } } },
  '/api/v1/knowledge/tests/{id}': {
    async create({ ctx }, org) {
      const res = await call(ctx, org.owner, 'POST', '/api/v1/knowledge/tests', { question: '¿Código?', expectedAnswer: '4471' });
      expect(res.statusCode, res.body).toBe(201);
      return { id: json<{ id: string }>(res).id };
    },
    read: async ({ ctx }, org, { id }) => json(await call(ctx, org.owner, 'GET', `/api/v1/knowledge/tests/${id}`)),
    bodies: { PATCH: { question: 'Taken over' } },
  },
};
