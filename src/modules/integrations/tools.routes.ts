import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { App } from '../../http/app-types.ts';
import { requirePermission } from '../../http/auth.ts';
import { idParams } from '../../http/params.ts';
import { resolveLocale } from '../../shared/i18n.ts';
import { pageOf, pageQuery } from '../../shared/pagination.ts';
import { actorOf } from '../identity/team.routes.ts';
import { getOrganization } from '../organizations/organizations.service.ts';
import { builtinToolDefinitions } from './builtin-tools.ts';
import { testDraftTool, testTool } from './test-tool.ts';
import { PARAMETER_TYPES } from './tool-definition.ts';
import { listToolCalls } from './tool-calls.ts';
import { callStatus, toolCreateBody, toolDraftTestBody, toolPatchBody, toolSchema, toolTestBody, toolTestResultSchema } from './tools.schemas.ts';
import { createTool, deleteTool, getTool, listTools, loadTool, updateTool } from './tools.service.ts';

const tags = ['Tools'];
const nestedParams = z.object({ id: z.uuid().describe('The integration\'s id.'), toolId: z.uuid().describe('The tool\'s id.') });
const toolListQuery = pageQuery.extend({ enabled: z.enum(['true', 'false']).optional().describe('`true`: only tools the assistant may use now (tool and integration enabled).') });

const builtinSchema = z.object({
  name: z.string().describe('The name the assistant calls it by, e.g. `handoff_to_human`.'),
  description: z.string().describe('What it does and when the assistant uses it.'),
  parameters: z
    .array(
      z.object({
        name: z.string().describe('The parameter\'s name.'),
        type: z.enum(PARAMETER_TYPES).describe('The parameter\'s type.'),
        description: z.string().describe('What the value is.'),
        required: z.boolean().describe('Whether it is required.'),
      }),
    )
    .describe('Its inputs.'),
  inputSchema: z.record(z.string(), z.unknown()).describe('JSON Schema of the arguments, as given to a model.'),
  requiresConfirmation: z.boolean().describe('Whether the customer confirms the arguments before it runs.'),
  needsConversation: z.boolean().describe('Needs a conversation: unavailable in the playground without one.'),
});
const callSchema = z.object({
  id: z.uuid().describe('Call id.'),
  toolName: z.string().describe('The tool\'s name at the time of the call.'),
  conversationId: z.uuid().nullable().describe('The conversation it ran in; null for tests and the playground.'),
  source: z.enum(['assistant', 'test', 'playground']).describe('Who called it: the `assistant` in a conversation, a `test` run, or the `playground`.'),
  arguments: z.record(z.string(), z.unknown()).describe('Redacted: secrets removed, e-mails and phones partly masked.'),
  status: z.enum(['ok', 'error', 'timeout', 'circuit_open']).describe(callStatus),
  httpStatus: z.number().int().nullable().describe('The HTTP status of the response; null when none came.'),
  latencyMs: z.number().int().describe('Time taken, in milliseconds.'),
  errorCode: z.string().nullable().describe('Stable error code; null on success.'),
  error: z.string().nullable().describe('What went wrong, in words (redacted); null on success.'),
  createdAt: z.iso.datetime().describe('When the call was made.'),
});

/** Tools of integrations (`/api/v1/integrations/{id}/tools`), the organization's tools (`/api/v1/tools`), tests and the call log. */
export function registerToolRoutes(app: App, deps: Deps) {
  const db = deps.database.db;

  app.get(
    '/api/v1/integrations/:id/tools',
    { schema: { tags, summary: 'List an integration\'s tools', params: idParams, querystring: pageQuery, response: { 200: pageOf(toolSchema) } } },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      return listTools(db, p.organizationId, { integrationId: req.params.id }, req.query);
    },
  );

  app.post(
    '/api/v1/integrations/:id/tools',
    {
      schema: {
        tags,
        summary: 'Create a tool',
        description:
          'An HTTP action: inputs to collect, the request with `{{param}}`, `{{contact.phone}}` and `{{secrets.name}}` placeholders (escaped for where they land), response mapping and reply template, timeout, retries, fallback, hand-off and confirmation. Zapier, Make and n8n webhooks are simply POST tools to the webhook URL. Names are unique snake_case in the organization (409 `tool_name_taken`). Audited.',
        params: idParams,
        body: toolCreateBody,
        response: { 201: toolSchema },
      },
    },
    async (req, reply) => {
      const p = requirePermission(req, 'assistant.manage');
      return reply.status(201).send(await createTool(deps, p.organizationId, req.params.id, req.body, actorOf(p, req.ip)));
    },
  );

  app.post(
    '/api/v1/integrations/:id/tools/test',
    {
      schema: {
        tags,
        summary: 'Test an unsaved tool',
        description: 'Runs a tool definition with sample values without saving it, and returns the exact request (secrets masked) and response. Logged with source `test`.',
        params: idParams,
        body: toolDraftTestBody,
        response: { 200: toolTestResultSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      return testDraftTool(deps, p.organizationId, req.params.id, req.body.tool, req.body);
    },
  );

  app.get(
    '/api/v1/integrations/:id/tools/:toolId',
    { schema: { tags, summary: 'Get a tool of an integration', description: 'Answers 404 when the tool belongs to another integration.', params: nestedParams, response: { 200: toolSchema } } },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      return getTool(db, p.organizationId, req.params.toolId, req.params.id);
    },
  );

  app.patch(
    '/api/v1/integrations/:id/tools/:toolId',
    { schema: { tags, summary: 'Update a tool', description: 'Send only what changes. MCP tools keep the name, parameters and request their server declares. Audited.', params: nestedParams, body: toolPatchBody, response: { 200: toolSchema } } },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      return updateTool(deps, p.organizationId, req.params.id, req.params.toolId, req.body, actorOf(p, req.ip));
    },
  );

  app.delete(
    '/api/v1/integrations/:id/tools/:toolId',
    { schema: { tags, summary: 'Delete a tool', description: 'Its call log stays for reports. Audited.', params: nestedParams, response: { 204: z.null() } } },
    async (req, reply) => {
      const p = requirePermission(req, 'assistant.manage');
      await deleteTool(db, p.organizationId, req.params.id, req.params.toolId, actorOf(p, req.ip));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/tools',
    { schema: { tags, summary: 'List the organization\'s tools', description: 'Every tool of every integration.', querystring: toolListQuery, response: { 200: pageOf(toolSchema) } } },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      const { enabled, ...page } = req.query;
      return listTools(db, p.organizationId, { enabledOnly: enabled === 'true' }, page);
    },
  );

  app.get(
    '/api/v1/tools/builtin',
    {
      schema: {
        tags,
        summary: 'List the built-in tools',
        description: 'Knowledge search, contact lookup and save (the CRM lead flow), notes, hand-off and closing the conversation, described in the organization\'s language.',
        response: { 200: z.object({ items: z.array(builtinSchema).describe('Every built-in tool.') }) },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      const org = await getOrganization(db, p.organizationId);
      return { items: builtinToolDefinitions(resolveLocale(org.locale)) };
    },
  );

  app.get(
    '/api/v1/tools/:id',
    { schema: { tags, summary: 'Get a tool', description: 'Any tool of the organization by its id, with the JSON Schema of its arguments as a model sees it.', params: idParams, response: { 200: toolSchema } } },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      return getTool(db, p.organizationId, req.params.id);
    },
  );

  app.post(
    '/api/v1/tools/:id/test',
    {
      schema: {
        tags,
        summary: 'Test a tool',
        description:
          'Runs the tool with sample arguments (and an optional sample contact) and returns the exact request — method, URL, headers, body, with secrets and credentials masked — the response (status, headers, body trimmed to 64 KiB), the mapped variables, the rendered reply and the latency. A test runs even while the circuit is open. Logged with source `test`.',
        params: idParams,
        body: toolTestBody,
        response: { 200: toolTestResultSchema },
      },
    },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      return testTool(deps, p.organizationId, req.params.id, req.body);
    },
  );

  app.get(
    '/api/v1/tools/:id/calls',
    { schema: { tags, summary: 'A tool\'s recent calls', description: 'Newest first; arguments redacted.', params: idParams, querystring: pageQuery, response: { 200: pageOf(callSchema) } } },
    async (req) => {
      const p = requirePermission(req, 'assistant.manage');
      await loadTool(db, p.organizationId, req.params.id);
      const page = await listToolCalls(db, p.organizationId, { toolId: req.params.id }, req.query);
      return { items: page.items.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })), nextCursor: page.nextCursor };
    },
  );
}
