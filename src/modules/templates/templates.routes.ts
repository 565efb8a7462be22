import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { pageOf } from '../../shared/pagination.ts';
import { actorOf } from '../identity/team.routes.ts';
import { requestLocale } from '../inbox/inbox-settings.ts';
import { presentTemplate } from './present-template.ts';
import { syncTemplates } from './sync-templates.ts';
import { findTemplate, listTemplateRows } from './templates.repository.ts';
import {
  createTemplateBody,
  lintResultSchema,
  listTemplatesQuery,
  syncResultSchema,
  syncTemplatesBody,
  templateSchema,
  updateTemplateBody,
} from './templates.schemas.ts';
import { createTemplate, deleteTemplate, lintDraft, updateTemplate } from './templates.service.ts';

const tags = ['Templates'];

/** Message templates: build, check against Meta's rules, submit, sync, edit and delete. */
export function registerTemplateRoutes(app: App, deps: Deps) {
  const db = deps.database.db;
  const localeOf = (organizationId: string, sessionLocale: string | null | undefined) => requestLocale(db, organizationId, sessionLocale);

  app.get(
    '/api/v1/templates',
    {
      schema: {
        tags,
        summary: 'List templates',
        description: 'Most recently changed first, with a preview rendered from the examples. Filter by status, category, language or channel; `q` searches name and text.',
        querystring: listTemplatesQuery,
        response: { 200: pageOf(templateSchema) },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'templates.read');
      const locale = await localeOf(p.organizationId, req.sessionContext?.locale);
      const page = await listTemplateRows(db, p.organizationId, req.query);
      return { items: page.items.map((row) => presentTemplate(row, locale)), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/api/v1/templates/lint',
    {
      schema: {
        tags,
        summary: 'Check a template without submitting it',
        description: 'Applies Meta\'s rules (name, lengths, variables, examples, buttons, header media) and explains every problem in the caller\'s language, with the field it concerns. Also renders the preview and lists the parameters a send will need.',
        body: createTemplateBody,
        response: { 200: lintResultSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'templates.read');
      const { channelId: _, ...draft } = req.body;
      return lintDraft(db, p.organizationId, draft, await localeOf(p.organizationId, req.sessionContext?.locale));
    },
  );

  app.post(
    '/api/v1/templates',
    {
      schema: {
        tags,
        summary: 'Create and submit a template',
        description: [
          'Checks the template (400 `template_invalid` lists every problem under its field), submits it to Meta through the channel\'s WhatsApp Business Account and stores it as `pending`.',
          'The review result arrives by webhook (or `POST /api/v1/templates/sync`). Media headers need a sample file (`header.example.fileId`).',
          'Meta\'s refusals are 422 `whatsapp_rejected` with Meta\'s explanation.',
        ].join('\n\n'),
        body: createTemplateBody,
        response: { 201: templateSchema },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'templates.manage');
      const locale = await localeOf(p.organizationId, req.sessionContext?.locale);
      const row = await createTemplate(deps, p.organizationId, req.body, locale, actorOf(p, req.ip));
      return reply.status(201).send(presentTemplate(row, locale));
    },
  );

  app.post(
    '/api/v1/templates/sync',
    {
      schema: {
        tags,
        summary: 'Sync templates with Meta',
        description: 'Imports templates created elsewhere, updates statuses and removes those deleted at Meta. Also runs every hour by itself.',
        body: syncTemplatesBody,
        response: { 200: syncResultSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'templates.manage');
      return syncTemplates(deps, p.organizationId, req.body?.channelId);
    },
  );

  app.get(
    '/api/v1/templates/:id',
    { schema: { tags, summary: 'Get a template', description: 'Its content, Meta\'s review status explained in words, the parameters a send needs and a preview.', params: idParams, response: { 200: templateSchema } } },
    async (req) => {
      const p = requirePermission(req, 'templates.read');
      return presentTemplate(await findTemplate(db, p.organizationId, req.params.id), await localeOf(p.organizationId, req.sessionContext?.locale));
    },
  );

  app.patch(
    '/api/v1/templates/:id',
    {
      schema: {
        tags,
        summary: 'Edit a template',
        description: 'Meta allows editing approved, rejected or paused templates; an approved one keeps its category and may be edited once per 24 hours and ten times per 30 days. The template goes back to review (`pending`).',
        params: idParams,
        body: updateTemplateBody,
        response: { 200: templateSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'templates.manage');
      const locale = await localeOf(p.organizationId, req.sessionContext?.locale);
      return presentTemplate(await updateTemplate(deps, p.organizationId, req.params.id, req.body, locale, actorOf(p, req.ip)), locale);
    },
  );

  app.delete(
    '/api/v1/templates/:id',
    {
      schema: {
        tags,
        summary: 'Delete a template',
        description: 'Deletes this language of the template at Meta and here. Meta blocks the name of a deleted approved template for 30 days. Refused (409 `template_in_use`) while a scheduled, running or paused campaign uses it.',
        params: idParams,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'templates.manage');
      await deleteTemplate(deps, p.organizationId, req.params.id, actorOf(p, req.ip));
      return reply.status(204).send(null);
    },
  );
}
