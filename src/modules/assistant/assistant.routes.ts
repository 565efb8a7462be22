import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { buildLanguageModel } from '../../adapters/llm/language-model.ts';
import type { Deps } from '../../container.ts';
import { channels } from '../../db/schema/index.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { notFound } from '../../shared/errors.ts';
import { pageOf, pageQuery } from '../../shared/pagination.ts';
import { actorOf } from '../identity/team.routes.ts';
import { assistantSettingsBody, assistantSettingsSchema, connectionTestResult, playgroundBody, playgroundResult } from './assistant.schemas.ts';
import {
  assertValidInput,
  automatedReplyBody,
  automatedReplySchema,
  createAutomatedReply,
  deleteAutomatedReply,
  getAutomatedReply,
  listAutomatedReplies,
  matchAutomatedReply,
  ruleReplyForPlayground,
  updateAutomatedReply,
} from './automated-replies.service.ts';
import { loadSession } from './session.repository.ts';
import { runTurn } from './run-turn.ts';
import { brainOf, loadAssistantSettings, presentSettings, providerKey, updateAssistantSettings } from './settings.service.ts';

const tags = ['Assistant'];

/** `/api/v1/assistant/*` and `/api/v1/automated-replies`. */
export function registerAssistantRoutes(app: App, deps: Deps) {
  const db = deps.database.db;

  app.get('/api/v1/assistant/settings', { schema: { tags, summary: 'Get the AI settings', response: { 200: assistantSettingsSchema } } }, async (req) => {
    const p = requirePermission(req, 'assistant.manage');
    return presentSettings(await loadAssistantSettings(db, p.organizationId));
  });

  app.put(
    '/api/v1/assistant/settings',
    {
      schema: {
        tags,
        summary: 'Change the AI settings',
        description: 'Any subset of the settings. The provider API key is write-only: it is encrypted and only `isSet`/`last4` come back. Audited.',
        body: assistantSettingsBody,
        response: { 200: assistantSettingsSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      return updateAssistantSettings(deps, p.organizationId, req.body, actorOf(p, req.ip));
    },
  );

  app.post(
    '/api/v1/assistant/settings/test',
    { schema: { tags, summary: 'Test the model connection', description: 'Sends a one-word prompt to the configured provider and model.', response: { 200: connectionTestResult } } },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      const s = await loadAssistantSettings(db, p.organizationId);
      const started = performance.now();
      const base = { provider: s.provider, model: s.model };
      if (!s.provider || !s.model) return { ok: false, ...base, latencyMs: 0, error: 'Choose a provider and a model first' };
      try {
        const model = await buildLanguageModel({ provider: s.provider, model: s.model, apiKey: providerKey(deps, s), baseUrl: s.baseUrl });
        const { generateText } = await import('ai');
        await generateText({ model, prompt: 'Reply with the word OK.', maxRetries: 0, abortSignal: AbortSignal.timeout(20_000) });
        return { ok: true, ...base, latencyMs: Math.round(performance.now() - started), error: null };
      } catch (err) {
        return { ok: false, ...base, latencyMs: Math.round(performance.now() - started), error: err instanceof Error ? err.message.slice(0, 500) : 'The provider did not answer' };
      }
    },
  );

  app.post(
    '/api/v1/assistant/playground',
    {
      schema: {
        tags,
        summary: 'Talk to the assistant',
        description:
          'Runs one turn of the same assistant that answers customers — brain, tools, confirmations, hand-off, knowledge — with no channel. Tools run for real (logged with source `playground`). Returns the replies and what happened.',
        body: playgroundBody,
        response: { 200: playgroundResult },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      const buttonId = /^(confirm|cancel):[0-9a-f-]{36}$/.test(req.body.text) ? req.body.text : null;
      // Automated replies answer first, as in real conversations (rules limited to channels do not
      // apply here: the playground has no channel).
      const rule = buttonId ? null : await matchAutomatedReply(db, p.organizationId, { text: req.body.text, channelId: null });
      if (rule) {
        const loaded = await loadSession(db, p.organizationId, { kind: 'playground', sessionId: req.body.sessionId });
        if (!loaded) throw notFound('Playground session');
        const settings = await loadAssistantSettings(db, p.organizationId);
        return { sessionId: loaded.session.id, brain: brainOf(settings), replies: [ruleReplyForPlayground(rule)], events: [{ type: 'automated_reply' as const, ruleId: rule.id, name: rule.name }] };
      }
      const result = await runTurn(deps, {
        organizationId: p.organizationId,
        session: { kind: 'playground', sessionId: req.body.sessionId },
        text: req.body.text,
        buttonId,
        contact: req.body.contact ?? null,
        channelType: null,
      });
      return { sessionId: result.sessionId, brain: result.brain, replies: result.replies, events: result.events };
    },
  );

  const rtags = ['Automated replies'];
  const channelIdsOf = async (organizationId: string) =>
    new Set((await db.select({ id: channels.id }).from(channels).where(and(eq(channels.organizationId, organizationId), isNull(channels.deletedAt)))).map((c) => c.id));

  app.get('/api/v1/automated-replies', { schema: { tags: rtags, summary: 'List automated replies', querystring: pageQuery, response: { 200: pageOf(automatedReplySchema) } } }, async (req) => {
    const p = requirePermission(req, 'assistant.manage');
    return listAutomatedReplies(db, p.organizationId, req.query);
  });
  app.post(
    '/api/v1/automated-replies',
    {
      schema: {
        tags: rtags,
        summary: 'Create an automated reply',
        description: 'A keyword rule (exact, contains, starts-with or regex; case- and accent-insensitive) answered before the assistant.',
        body: automatedReplyBody,
        response: { 201: automatedReplySchema },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'assistant.manage');
      assertValidInput(req.body, await channelIdsOf(p.organizationId));
      return reply.status(201).send(await createAutomatedReply(db, p.organizationId, req.body, actorOf(p, req.ip)));
    },
  );
  app.get('/api/v1/automated-replies/:id', { schema: { tags: rtags, summary: 'Get an automated reply', params: idParams, response: { 200: automatedReplySchema } } }, async (req) => {
    const p = requirePermission(req, 'assistant.manage');
    return getAutomatedReply(db, p.organizationId, req.params.id);
  });
  app.put(
    '/api/v1/automated-replies/:id',
    { schema: { tags: rtags, summary: 'Replace an automated reply', params: idParams, body: automatedReplyBody, response: { 200: automatedReplySchema } } },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      await getAutomatedReply(db, p.organizationId, req.params.id);
      assertValidInput(req.body, await channelIdsOf(p.organizationId));
      return updateAutomatedReply(db, p.organizationId, req.params.id, req.body, actorOf(p, req.ip));
    },
  );
  app.delete('/api/v1/automated-replies/:id', { schema: { tags: rtags, summary: 'Delete an automated reply', params: idParams, response: { 204: z.null() } } }, async (req, reply) => {
    const p = requirePermission(req, 'assistant.manage');
    await deleteAutomatedReply(db, p.organizationId, req.params.id, actorOf(p, req.ip));
    return reply.status(204).send(null);
  });
}
