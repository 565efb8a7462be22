import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { pageOf, pageQuery } from '../../shared/pagination.ts';
import { actorOf } from '../identity/team.routes.ts';
import { importOpenApi } from './import-openapi.ts';
import { integrationCreateBody, integrationPatchBody, integrationSchema } from './integrations.schemas.ts';
import { createIntegration, deleteIntegration, getIntegration, listIntegrations, updateIntegration } from './integrations.service.ts';
import { syncMcpTools } from './sync-mcp-tools.ts';
import { toolCreateBody, toolSchema } from './tools.schemas.ts';

const tags = ['Integrations'];

const importBody = z.strictObject({
  document: z.string().min(1).max(2 * 1024 * 1024).describe('An OpenAPI 3.x document as JSON or YAML text.'),
  operations: z.array(z.string().min(1).max(300)).max(200).optional().describe('operationIds or `METHOD /path` keys to create tools from. Omit to only preview.'),
  dryRun: z.boolean().default(false).describe('Check the selection without creating anything.'),
});
const operationSchema = z.object({
  key: z.string().describe('`METHOD /path`.'),
  operationId: z.string().nullable().describe('The operation\'s `operationId`; null when the document gives none.'),
  method: z.string().describe('The HTTP method, upper-case.'),
  path: z.string().describe('The path as the document writes it, e.g. `/orders/{id}`.'),
  summary: z.string().describe('The operation\'s summary (or description); may be empty.'),
  importable: z.boolean().describe('Whether it can become a tool (false when a required input cannot be expressed; see `warnings`).'),
  warnings: z.array(z.string()).describe('What the conversion left out or could not express, in words.'),
  tool: toolCreateBody.partial().nullable().describe('The tool definition it would become.'),
});
const importResult = z.object({
  title: z.string().describe('The document\'s `info.title`.'),
  version: z.string().describe('The document\'s `info.version`.'),
  servers: z.array(z.string()).describe('The server URLs the document lists.'),
  baseUrl: z.string().nullable().describe('The base URL the tools use (the integration\'s, or the document\'s first server).'),
  operations: z.array(operationSchema).describe('Every operation of the document.'),
  created: z.array(toolSchema).describe('The tools created (empty for a preview or a dry run).'),
});
const syncResult = z.object({
  added: z.array(z.string()).describe('Names of the tools the server has that were added.'),
  updated: z.array(z.string()).describe('Names of the existing tools refreshed from the server (parameters and input schema).'),
  removed: z.array(z.string()).describe('Names of the tools the server no longer has, now removed.'),
  tools: z.array(toolSchema).describe('The integration\'s tools after the sync.'),
});

/** `/api/v1/integrations`: CRUD, OpenAPI import and MCP tool sync. */
export function registerIntegrationRoutes(app: App, deps: Deps) {
  const db = deps.database.db;

  app.get(
    '/api/v1/integrations',
    { schema: { tags, summary: 'List integrations', description: 'Every HTTP and MCP integration with its tool count; secrets appear only as hints. Owners and managers.', querystring: pageQuery, response: { 200: pageOf(integrationSchema) } } },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      return listIntegrations(db, p.organizationId, req.query);
    },
  );

  app.post(
    '/api/v1/integrations',
    {
      schema: {
        tags,
        summary: 'Create an integration',
        description:
          'An HTTP API (base URL, auth, headers, secrets) whose tools are request templates, or an MCP server (`kind: "mcp"`, its streamable-HTTP URL in `baseUrl`). Secrets are encrypted and never returned; responses show only `isSet` and the last four characters. Audited.',
        body: integrationCreateBody,
        response: { 201: integrationSchema },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'assistant.manage');
      return reply.status(201).send(await createIntegration(deps, p.organizationId, req.body, actorOf(p, req.ip)));
    },
  );

  app.get(
    '/api/v1/integrations/:id',
    { schema: { tags, summary: 'Get an integration', description: 'Its settings, secret hints (never the secrets), circuit breaker state and OAuth token cache.', params: idParams, response: { 200: integrationSchema } } },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      return getIntegration(db, p.organizationId, req.params.id);
    },
  );

  app.patch(
    '/api/v1/integrations/:id',
    {
      schema: {
        tags,
        summary: 'Update an integration',
        description: 'Send only what changes. Omitted secrets keep their value; `secrets: { name: null }` deletes one (refused while a tool uses it). Changing the base URL or auth drops the cached OAuth token and closes the circuit. Audited.',
        params: idParams,
        body: integrationPatchBody,
        response: { 200: integrationSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      return updateIntegration(deps, p.organizationId, req.params.id, req.body, actorOf(p, req.ip));
    },
  );

  app.delete(
    '/api/v1/integrations/:id',
    { schema: { tags, summary: 'Delete an integration', description: 'Deletes it with its tools; their call log stays for reports. Audited.', params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      const p = requirePermission(req, 'assistant.manage');
      await deleteIntegration(db, p.organizationId, req.params.id, actorOf(p, req.ip));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/integrations/:id/import-openapi',
    {
      schema: {
        tags,
        summary: 'Import tools from an OpenAPI document',
        description:
          'Without `operations`, previews every operation as the tool it would become (parameters from path, query, header parameters and the JSON body; warnings for what cannot be mapped). With `operations`, creates those tools in one transaction. Operations that change data are created with `requiresConfirmation: true`.',
        params: idParams,
        body: importBody,
        response: { 200: importResult },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      return importOpenApi(deps, p.organizationId, req.params.id, req.body, actorOf(p, req.ip));
    },
  );

  app.post(
    '/api/v1/integrations/:id/sync-tools',
    {
      schema: {
        tags,
        summary: 'Read an MCP server\'s tools',
        description: 'Lists the MCP server\'s tools (streamable HTTP) and mirrors them as tools of the integration: new ones are added, changed schemas updated, vanished ones removed. Edits to descriptions, examples, confirmation and fallback are kept.',
        params: idParams,
        response: { 200: syncResult },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      return syncMcpTools(deps, p.organizationId, req.params.id, actorOf(p, req.ip));
    },
  );
}
