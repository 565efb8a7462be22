import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, updatedAt } from './columns.ts';
import { organizations } from './organizations.ts';

// Owned by the integrations module (src/modules/integrations). Tool definitions (parameters, request,
// response mapping) are jsonb validated by the module's zod schemas in `tool-definition.ts`.

/** An HTTP API called by request templates, or an MCP server whose tools are called over streamable HTTP. */
export const integrationKindEnum = pgEnum('integration_kind', ['http', 'mcp']);
/** How requests authenticate. */
export const integrationAuthTypeEnum = pgEnum('integration_auth_type', ['none', 'apiKey', 'bearer', 'basic', 'oauth2']);
/** Outcome of one tool call. */
export const toolCallStatusEnum = pgEnum('tool_call_status', ['ok', 'error', 'timeout', 'circuit_open']);
/** Who ran a tool. */
export const toolCallSourceEnum = pgEnum('tool_call_source', ['assistant', 'test', 'playground']);

/** Non-secret auth settings (the secret part lives encrypted in `integrations.secrets`). */
export interface IntegrationAuthConfig {
  /** apiKey: where the key goes and under which name. */
  in?: 'header' | 'query';
  name?: string;
  /** basic: the user name. */
  username?: string;
  /** oauth2 client credentials. */
  tokenUrl?: string;
  clientId?: string;
  scope?: string | null;
  audience?: string | null;
  clientAuth?: 'basic' | 'body';
}

/** What the API may show of stored secrets: whether each is set and its last four characters. */
export type SecretHints = Record<string, { isSet: boolean; last4: string | null }>;

/**
 * An integration: the connection to one external system (base URL, auth, shared headers, secrets) that
 * groups its tools. `secrets` is encrypted JSON `{ auth, values }` (SecretBox, context = organization id);
 * the OAuth 2 access token is cached encrypted beside it with its expiry. The circuit breaker's state
 * lives here too, so every process sees the same state.
 */
export const integrations = pgTable(
  'integrations',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    kind: integrationKindEnum().notNull().default('http'),
    name: text().notNull(),
    description: text().notNull().default(''),
    /** HTTP: the base URL tool paths are joined to. MCP: the server's streamable-HTTP endpoint. */
    baseUrl: text(),
    authType: integrationAuthTypeEnum().notNull().default('none'),
    authConfig: jsonb().$type<IntegrationAuthConfig>().notNull().default({}),
    /** Headers every request sends; values may hold `{{secrets.name}}`; a `secret` header's value is in `secrets`. */
    headers: jsonb().$type<{ name: string; value: string; secret?: boolean }[]>().notNull().default([]),
    /** Encrypted JSON `{ auth: { apiKey?, token?, password?, clientSecret? }, values: { name: value }, headers: { name: value } }`. */
    secrets: text(),
    secretHints: jsonb().$type<{ auth: SecretHints; values: SecretHints; headers?: SecretHints }>().notNull().default({ auth: {}, values: {} }),
    /** Private hosts, IPs or CIDRs this integration may reach although the SSRF guard refuses them elsewhere. */
    allowedPrivateHosts: jsonb().$type<string[]>().notNull().default([]),
    enabled: boolean().notNull().default(true),
    /** OAuth 2: the cached access token (encrypted) and when it expires. */
    oauthToken: text(),
    oauthTokenExpiresAt: timestamp({ withTimezone: true }),
    /** Circuit breaker: consecutive failures, open until, and the half-open probe's lease. */
    circuitFailureThreshold: integer().notNull().default(5),
    circuitCooldownSeconds: integer().notNull().default(60),
    circuitFailures: integer().notNull().default(0),
    circuitOpenUntil: timestamp({ withTimezone: true }),
    circuitProbeUntil: timestamp({ withTimezone: true }),
    /** MCP: when the server's tool list was last read. */
    lastSyncedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('integrations_org_idx').on(t.organizationId, t.id),
    check('integrations_circuit_check', sql`${t.circuitFailureThreshold} between 1 and 100 and ${t.circuitCooldownSeconds} between 1 and 86400`),
  ],
);

/**
 * A tool the assistant can call: an HTTP request template of an `http` integration, or a tool of an
 * `mcp` integration (`mcpToolName`, `inputSchema` as the server declared them). Names are unique per
 * organization because the assistant addresses tools by name.
 */
export const tools = pgTable(
  'tools',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    integrationId: uuid().notNull().references(() => integrations.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** When to use it, for the model and the offline brain. */
    description: text().notNull(),
    /** Phrases a customer might say that call for this tool (the offline brain matches them). */
    examples: jsonb().$type<string[]>().notNull().default([]),
    parameters: jsonb().$type<unknown[]>().notNull().default([]),
    /** HTTP tools: `{ method, url, headers, query, body }` with placeholders. */
    request: jsonb().$type<Record<string, unknown> | null>(),
    responseMapping: jsonb().$type<{ variable: string; path: string }[]>().notNull().default([]),
    responseMode: text().$type<'template' | 'json'>().notNull().default('template'),
    replyTemplate: text(),
    timeoutMs: integer().notNull().default(10_000),
    retries: integer().notNull().default(2),
    fallbackMessage: text(),
    handoffOnFailure: boolean().notNull().default(false),
    requiresConfirmation: boolean().notNull().default(false),
    enabled: boolean().notNull().default(true),
    /** MCP tools: the server's tool name and JSON Schema of its arguments. */
    mcpToolName: text(),
    inputSchema: jsonb().$type<Record<string, unknown> | null>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('tools_org_name_idx').on(t.organizationId, t.name),
    index('tools_integration_idx').on(t.integrationId, t.id),
    check('tools_limits_check', sql`${t.timeoutMs} between 500 and 60000 and ${t.retries} between 0 and 5`),
  ],
);

/**
 * One execution of a tool, for reports (success rate, latency) and debugging. Arguments are stored
 * redacted (secrets removed, e-mails and phones partly masked); no response body is kept.
 */
export const toolCalls = pgTable(
  'tool_calls',
  {
    id: idColumn(),
    organizationId: uuid().notNull().references(() => organizations.id, { onDelete: 'cascade' }),
    toolId: uuid().references(() => tools.id, { onDelete: 'set null' }),
    integrationId: uuid().references(() => integrations.id, { onDelete: 'set null' }),
    /** Kept when the tool is deleted, so reports still name it. */
    toolName: text().notNull(),
    conversationId: uuid(),
    source: toolCallSourceEnum().notNull(),
    arguments: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    status: toolCallStatusEnum().notNull(),
    httpStatus: integer(),
    latencyMs: integer().notNull(),
    errorCode: text(),
    error: text(),
    createdAt: createdAt(),
  },
  (t) => [
    index('tool_calls_org_created_idx').on(t.organizationId, t.createdAt),
    index('tool_calls_tool_idx').on(t.toolId, t.createdAt),
    index('tool_calls_conversation_idx').on(t.conversationId),
  ],
);

export type Integration = typeof integrations.$inferSelect;
export type ToolRow = typeof tools.$inferSelect;
export type ToolCallRow = typeof toolCalls.$inferSelect;
