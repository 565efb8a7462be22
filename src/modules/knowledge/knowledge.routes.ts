import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission, requirePrincipal } from '../../http/auth.ts';
import { answerFromKnowledge, type KnowledgeAnswer } from './answer.ts';
import { actorOf, registerDocumentRoutes } from './documents.routes.ts';
import { registerImprovementRoutes } from './improvement.routes.ts';
import { settingsBody, settingsSchema, settingsTestSchema } from './improvement.schemas.ts';
import { answerSchema, askBody, searchQuery, searchResponseSchema } from './knowledge.schemas.ts';
import { searchKnowledge } from './search/search.ts';
import { presentSettings, readSettings, testEmbeddings, updateSettings } from './settings.service.ts';

const tags = ['Knowledge'];

/** Every knowledge route: documents, search, the test panel's ask, settings, gaps and saved tests. */
export function registerKnowledgeRoutes(app: App, deps: Deps) {
  registerDocumentRoutes(app, deps);

  app.get(
    '/api/v1/knowledge/search',
    {
      schema: {
        tags,
        summary: 'Search the knowledge base',
        description:
          'Hybrid search: full-text (per document language, accents folded), trigram similarity (typos) and, when an embeddings provider is configured, vector similarity, fused by reciprocal rank. Each result carries its document, chunk, score, confidence and — for Q&A chunks — the matched question and the answer. Any member may search.',
        querystring: searchQuery,
        response: { 200: searchResponseSchema },
      },
    },
    async (req) => {
      const p = requirePrincipal(req);
      return searchKnowledge(deps, p.organizationId, req.query.q, { limit: req.query.limit, language: req.query.language });
    },
  );

  app.post(
    '/api/v1/knowledge/ask',
    {
      schema: {
        tags,
        summary: 'Ask the knowledge base',
        description: 'What the assistant would answer from the knowledge base ("Test your knowledge"): the answer with its sources and confidence, or `unknown` when nothing reaches the threshold, plus every retrieved chunk with its scores.',
        body: askBody,
        response: { 200: answerSchema },
      },
    },
    async (req) => {
      const p = requirePrincipal(req);
      return presentAnswer(await answerFromKnowledge(deps, p.organizationId, req.body.question, { language: req.body.language, limit: 8 }));
    },
  );

  app.get(
    '/api/v1/knowledge/settings',
    { schema: { tags, summary: 'Get knowledge settings', description: 'Embeddings provider (the API key is never returned) and answer threshold.', response: { 200: settingsSchema } } },
    async (req) => {
      const p = requirePermission(req, 'knowledge.manage');
      return presentSettings(deps, await readSettings(deps.database.db, p.organizationId));
    },
  );

  app.put(
    '/api/v1/knowledge/settings',
    {
      schema: {
        tags,
        summary: 'Change knowledge settings',
        description: 'Changing the provider, base URL, model or dimensions re-embeds every chunk in the background; search stays lexical for chunks not yet embedded.',
        body: settingsBody,
        response: { 200: settingsSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'knowledge.manage');
      const saved = await updateSettings(deps, p.organizationId, req.body, actorOf(req));
      return presentSettings(deps, saved);
    },
  );

  app.post(
    '/api/v1/knowledge/settings/test',
    { schema: { tags, summary: 'Test the embeddings provider', description: 'Embeds a short text with the saved settings and reports the outcome.', response: { 200: settingsTestSchema } } },
    async (req) => {
      const p = requirePermission(req, 'knowledge.manage');
      return testEmbeddings(deps, p.organizationId);
    },
  );

  registerImprovementRoutes(app, deps);
}

/** An answer in the API's shape. */
export function presentAnswer(a: KnowledgeAnswer) {
  return {
    status: a.status,
    answer: a.status === 'answered' ? a.answer : null,
    reason: a.status === 'unknown' ? a.reason : null,
    confidence: a.confidence,
    threshold: a.threshold,
    matchedQuestion: a.status === 'answered' ? a.matchedQuestion : null,
    sources: a.sources,
    results: a.results,
  };
}
