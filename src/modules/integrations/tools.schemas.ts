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
/** Outcome of a tool call. */
export const callStatus = '`ok`, `error`, `timeout`, or `circuit_open` (the integration is failing and was not called).';

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
  name: z.string().describe('The parameter\'s name, referenced as `{{name}}`.'),
  type: z.enum(PARAMETER_TYPES).describe('`string`, `number`, `integer`, `boolean`, `enum`, `date` (YYYY-MM-DD), `email` or `phone` (E.164).'),
  description: z.string().describe('What the value is; the assistant uses it to ask for it.'),
  required: z.boolean().describe('Whether the tool cannot run without it.'),
  pattern: z.string().nullable().describe('A regular expression the whole value must match; null for none.'),
  enumValues: z.array(z.string()).nullable().describe('The allowed values of an `enum` parameter; null for other types.'),
  example: z.string().nullable().describe('A sample value; null for none.'),
});
const nameValueView = z.object({ name: z.string().describe('The header or query parameter name.'), value: z.string().describe('Its value.') });

/** A tool as the API returns it. */
export const toolSchema = z.object({
  id: z.uuid().describe('Tool id.'),
  integrationId: z.uuid().describe('The integration it belongs to.'),
  integrationName: z.string().describe('The integration\'s name.'),
  kind: z.enum(['http', 'mcp']).describe('`http`: a request template; `mcp`: a tool of an MCP server.'),
  name: z.string().describe('The name the assistant calls it by (snake_case, unique in the organization).'),
  description: z.string().describe('When to use it; the assistant decides by it.'),
  examples: z.array(z.string()).describe('Phrases a customer might say that call for this tool.'),
  parameters: z.array(parameterView).describe('The inputs collected before calling.'),
  inputSchema: z.record(z.string(), z.unknown()).describe('JSON Schema of the arguments, as given to a model.'),
  request: z
    .object({
      method: z.string().describe('The HTTP method.'),
      url: z.string().describe('The path or absolute URL, with placeholders.'),
      headers: z.array(nameValueView).describe('Headers of this request, with placeholders.'),
      query: z.array(nameValueView).describe('Query parameters, with placeholders.'),
      body: z.unknown().nullable().describe('The JSON body template; null for none.'),
    })
    .nullable()
    .describe('The HTTP request (HTTP tools); null for MCP tools.'),
  mcpToolName: z.string().nullable().describe('MCP: the tool\'s name on the server; null for HTTP tools.'),
  responseMapping: z
    .array(z.object({ variable: z.string().describe('The variable\'s name.'), path: z.string().describe('The path in the JSON response.') }))
    .describe('Values picked from the JSON response into variables.'),
  responseMode: z.enum(RESPONSE_MODES).describe('`template`: the assistant replies with `replyTemplate`; `json`: it words the reply from the trimmed JSON.'),
  replyTemplate: z.string().nullable().describe('The reply in `template` mode, with `{{variables}}`; null for none.'),
  timeoutMs: z.number().int().describe('Deadline of the whole call, retries included, in milliseconds.'),
  retries: z.number().int().describe('Retries with backoff on 429/5xx and network errors (idempotent methods only).'),
  fallbackMessage: z.string().nullable().describe('Said to the customer when the call fails; null for the default phrase.'),
  handoffOnFailure: z.boolean().describe('Whether a failed call hands the conversation to a person.'),
  requiresConfirmation: z.boolean().describe('Whether the customer confirms the arguments before the call.'),
  enabled: z.boolean().describe('Disabled tools are not offered to the assistant.'),
  createdAt: iso.describe('When it was created.'),
  updatedAt: iso.describe('When it last changed.'),
});
export type ToolView = z.infer<typeof toolSchema>;

/** Sample contact of a test run. */
export const testContactInput = z
  .strictObject({
    firstName: z.string().max(120).optional().describe('Value of `{{contact.firstName}}`.'),
    lastName: z.string().max(120).optional().describe('Value of `{{contact.lastName}}`.'),
    phone: z.string().max(40).optional().describe('Value of `{{contact.phone}}`.'),
    email: z.string().max(254).optional().describe('Value of `{{contact.email}}`.'),
  })
  .describe('Sample values for `{{contact.*}}` placeholders.');

const argsInput = z
  .record(z.string().max(64), z.union([z.string().max(5000), z.number(), z.boolean(), z.null()]))
  .refine((r) => Object.keys(r).length <= 50, 'Too many arguments')
  .describe('Sample values by parameter name.');

/** Body of `POST /api/v1/tools/{id}/test`. */
export const toolTestBody = z.strictObject({ args: argsInput.default({}), contact: testContactInput.optional() });

/** Body of `POST /api/v1/integrations/{id}/tools/test`: a draft tool, tested without saving. */
export const toolDraftTestBody = z.strictObject({ tool: toolCreateBody.describe('The tool as it would be created.'), args: argsInput.default({}), contact: testContactInput.optional() });

/** What a test run shows: the exact request (secrets masked), the response, and what the assistant would get. */
export const toolTestResultSchema = z.object({
  status: z.enum(['ok', 'error', 'timeout', 'circuit_open']).describe(callStatus),
  httpStatus: z.number().int().nullable().describe('The HTTP status of the last response; null when none came (MCP, timeout, network error).'),
  latencyMs: z.number().int().describe('Time taken, in milliseconds.'),
  request: z
    .object({
      method: z.string().describe('The HTTP method.'),
      url: z.string().describe('Secrets masked as `••••••`.'),
      headers: z.array(nameValueView).describe('The headers as sent, credentials masked.'),
      body: z.string().nullable().describe('The body as sent, secrets masked; null for none.'),
    })
    .nullable()
    .describe('Null when the request could not be built (see `error`).'),
  response: z
    .object({
      status: z.number().int().describe('The HTTP status.'),
      headers: z.array(nameValueView).describe('The response headers.'),
      body: z.string().describe('The body as text, trimmed to 64 KiB, secrets masked.'),
      json: z.unknown().nullable().describe('The parsed body when it is JSON (for picking response mapping paths).'),
      truncated: z.boolean().describe('Whether `body` was cut at 64 KiB.'),
    })
    .nullable()
    .describe('The last response; null when none came.'),
  attempts: z.number().int().describe('Attempts made, retries included.'),
  variables: z.record(z.string(), z.unknown()).describe('The values the response mapping picked, by variable.'),
  reply: z.string().nullable().describe('What the assistant would say in `template` mode; null otherwise or on failure.'),
  json: z.unknown().nullable().describe('What the model would receive in `json` mode (trimmed).'),
  error: z
    .object({
      code: z.string().describe('Stable error code, e.g. `invalid_arguments` or `http_error`.'),
      message: z.string().describe('What went wrong, in words.'),
      issues: z
        .array(
          z.object({
            param: z.string().describe('The parameter.'),
            problem: z.string().describe('Stable problem code, e.g. `required` or `pattern`.'),
            message: z.string().describe('What is wrong with it, in words.'),
          }),
        )
        .optional()
        .describe('Argument problems, when the arguments were invalid.'),
    })
    .nullable()
    .describe('What went wrong; null on success.'),
  fallbackMessage: z.string().nullable().describe('What the customer would be told after a failure; null on success.'),
  handoff: z.boolean().describe('Whether the conversation would be handed to a person.'),
});
export type ToolTestResult = z.infer<typeof toolTestResultSchema>;
