import { z } from 'zod';
import {
  PARAMETER_TYPES,
  RESPONSE_MODES,
  responseMappingSchema,
  TOOL_DEFAULTS,
  TOOL_NAME,
  toolParameterSchema,
  toolRequestSchema,
} from './tool-definition.ts';

const iso = z.iso.datetime();

const fields = {
  name: z.string().trim().regex(TOOL_NAME, 'Use snake_case: lower-case letters, digits and underscores, starting with a letter (at most 64)').describe('Unique in the organization, e.g. `order_status`.'),
  description: z.string().trim().min(1).max(1000).describe('When to use it ("When the customer asks where their order is"). The assistant decides by it.'),
  examples: z.array(z.string().trim().min(1).max(200)).max(20).describe('Phrases a customer might say that call for this tool (used by the offline brain).'),
  parameters: z.array(toolParameterSchema).max(30).describe('The inputs to collect before calling.'),
  request: toolRequestSchema.describe('The HTTP request (HTTP integrations).'),
  responseMapping: z.array(responseMappingSchema).max(30).describe('Values picked from the JSON response into variables.'),
  responseMode: z.enum(RESPONSE_MODES).describe('`template`: the assistant replies with `replyTemplate`. `json`: it receives the trimmed JSON and words the reply itself.'),
  replyTemplate: z.string().trim().max(2000).nullable().describe('E.g. `Tu pedido {{orderId}} está {{status}}`: mapped variables, parameters and `{{contact.firstName}}`…'),
  timeoutMs: z.number().int().min(500).max(60_000).describe('Deadline of the whole call, retries included (default 10,000).'),
  retries: z.number().int().min(0).max(5).describe('Retries with backoff on 429/5xx and network errors — GET, PUT and DELETE only (default 2).'),
  fallbackMessage: z.string().trim().max(1000).nullable().describe('Said to the customer when the call fails or times out (a default phrase in their language when empty).'),
  handoffOnFailure: z.boolean().describe('Hand the conversation to a person when the call fails.'),
  requiresConfirmation: z.boolean().describe('The assistant asks the customer to confirm the exact arguments before calling.'),
  enabled: z.boolean().describe('Disabled tools are not offered to the assistant.'),
};

/** Body of `POST /api/v1/integrations/{id}/tools`. */
export const toolCreateBody = z.strictObject({
  ...fields,
  examples: fields.examples.default([]),
  parameters: fields.parameters.default([]),
  responseMapping: fields.responseMapping.default([]),
  responseMode: fields.responseMode.default('template'),
  replyTemplate: fields.replyTemplate.optional(),
  timeoutMs: fields.timeoutMs.default(TOOL_DEFAULTS.timeoutMs),
  retries: fields.retries.default(TOOL_DEFAULTS.retries),
  fallbackMessage: fields.fallbackMessage.optional(),
  handoffOnFailure: fields.handoffOnFailure.default(false),
  requiresConfirmation: fields.requiresConfirmation.default(false),
  enabled: fields.enabled.default(true),
});
export type ToolCreateInput = z.infer<typeof toolCreateBody>;

/** Body of `PATCH /api/v1/integrations/{id}/tools/{toolId}`: send only what changes (MCP tools: not `name`, `parameters` or `request`). */
export const toolPatchBody = z.strictObject({
  name: fields.name.optional(),
  description: fields.description.optional(),
  examples: fields.examples.optional(),
  parameters: fields.parameters.optional(),
  request: fields.request.optional(),
  responseMapping: fields.responseMapping.optional(),
  responseMode: fields.responseMode.optional(),
  replyTemplate: fields.replyTemplate.optional(),
  timeoutMs: fields.timeoutMs.optional(),
  retries: fields.retries.optional(),
  fallbackMessage: fields.fallbackMessage.optional(),
  handoffOnFailure: fields.handoffOnFailure.optional(),
  requiresConfirmation: fields.requiresConfirmation.optional(),
  enabled: fields.enabled.optional(),
});
export type ToolPatchInput = z.infer<typeof toolPatchBody>;

const parameterView = z.object({
  name: z.string(),
  type: z.enum(PARAMETER_TYPES),
  description: z.string(),
  required: z.boolean(),
  pattern: z.string().nullable(),
  enumValues: z.array(z.string()).nullable(),
  example: z.string().nullable(),
});

/** A tool as the API returns it. */
export const toolSchema = z.object({
  id: z.uuid(),
  integrationId: z.uuid(),
  integrationName: z.string(),
  kind: z.enum(['http', 'mcp']),
  name: z.string(),
  description: z.string(),
  examples: z.array(z.string()),
  parameters: z.array(parameterView),
  inputSchema: z.record(z.string(), z.unknown()).describe('JSON Schema of the arguments, as given to a model.'),
  request: z
    .object({
      method: z.string(),
      url: z.string(),
      headers: z.array(z.object({ name: z.string(), value: z.string() })),
      query: z.array(z.object({ name: z.string(), value: z.string() })),
      body: z.unknown().nullable(),
    })
    .nullable(),
  mcpToolName: z.string().nullable(),
  responseMapping: z.array(z.object({ variable: z.string(), path: z.string() })),
  responseMode: z.enum(RESPONSE_MODES),
  replyTemplate: z.string().nullable(),
  timeoutMs: z.number().int(),
  retries: z.number().int(),
  fallbackMessage: z.string().nullable(),
  handoffOnFailure: z.boolean(),
  requiresConfirmation: z.boolean(),
  enabled: z.boolean(),
  createdAt: iso,
  updatedAt: iso,
});
export type ToolView = z.infer<typeof toolSchema>;

/** Sample contact of a test run. */
export const testContactInput = z
  .strictObject({
    firstName: z.string().max(120).optional(),
    lastName: z.string().max(120).optional(),
    phone: z.string().max(40).optional(),
    email: z.string().max(254).optional(),
  })
  .describe('Sample values for `{{contact.*}}` placeholders.');

const argsInput = z
  .record(z.string().max(64), z.union([z.string().max(5000), z.number(), z.boolean(), z.null()]))
  .refine((r) => Object.keys(r).length <= 50, 'Too many arguments')
  .describe('Sample values by parameter name.');

/** Body of `POST /api/v1/tools/{id}/test`. */
export const toolTestBody = z.strictObject({ args: argsInput.default({}), contact: testContactInput.optional() });

/** Body of `POST /api/v1/integrations/{id}/tools/test`: a draft tool, tested without saving. */
export const toolDraftTestBody = z.strictObject({ tool: toolCreateBody, args: argsInput.default({}), contact: testContactInput.optional() });

/** What a test run shows: the exact request (secrets masked), the response, and what the assistant would get. */
export const toolTestResultSchema = z.object({
  status: z.enum(['ok', 'error', 'timeout', 'circuit_open']),
  httpStatus: z.number().int().nullable(),
  latencyMs: z.number().int(),
  request: z
    .object({
      method: z.string(),
      url: z.string().describe('Secrets masked as `••••••`.'),
      headers: z.array(z.object({ name: z.string(), value: z.string() })).describe('Credentials masked.'),
      body: z.string().nullable(),
    })
    .nullable()
    .describe('Null when the request could not be built (see `error`).'),
  response: z
    .object({
      status: z.number().int(),
      headers: z.array(z.object({ name: z.string(), value: z.string() })),
      body: z.string().describe('The body as text, trimmed to 64 KiB, secrets masked.'),
      json: z.unknown().nullable().describe('The parsed body when it is JSON (for picking response mapping paths).'),
      truncated: z.boolean(),
    })
    .nullable(),
  attempts: z.number().int(),
  variables: z.record(z.string(), z.unknown()),
  reply: z.string().nullable(),
  json: z.unknown().nullable().describe('What the model would receive in `json` mode (trimmed).'),
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ param: z.string(), problem: z.string(), message: z.string() })).optional() }).nullable(),
  fallbackMessage: z.string().nullable(),
  handoff: z.boolean(),
});
export type ToolTestResult = z.infer<typeof toolTestResultSchema>;
