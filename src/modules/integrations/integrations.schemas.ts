import { z } from 'zod';
import { isAllowlistableEntry } from '../../adapters/outbound-http/address-policy.ts';
import { HEADER_NAME, PARAMETER_NAME } from './tool-definition.ts';

const iso = z.iso.datetime();
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'Enter an http(s) URL' })
  .max(2000)
  .refine((u) => {
    const url = new URL(u);
    return !url.username && !url.password && !url.hash;
  }, 'The URL cannot hold credentials or a fragment');
const secretText = z.string().min(1).max(8000);

/** Auth settings as sent: the secret field is write-only (omit it on update to keep the stored one). */
export const authInput = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('none') }),
    z.strictObject({
      type: z.literal('apiKey'),
      in: z.enum(['header', 'query']).describe('Send the key in a header or a query parameter.'),
      name: z.string().trim().regex(HEADER_NAME, 'Not a valid header or parameter name').describe('Header or query parameter name, e.g. `X-Api-Key` or `api_key`.'),
      value: secretText.optional().describe('The key (write-only).'),
    }),
    z.strictObject({ type: z.literal('bearer'), token: secretText.optional().describe('The token, sent as `Authorization: Bearer …` (write-only).') }),
    z.strictObject({
      type: z.literal('basic'),
      username: z.string().min(1).max(200).refine((u) => !u.includes(':'), 'The user name cannot contain ":"'),
      password: secretText.optional().describe('Write-only.'),
    }),
    z.strictObject({
      type: z.literal('oauth2'),
      tokenUrl: httpUrl.describe('The token endpoint (client-credentials grant).'),
      clientId: z.string().min(1).max(500),
      clientSecret: secretText.optional().describe('Write-only.'),
      scope: z.string().max(1000).nullish(),
      audience: z.string().max(1000).nullish(),
      clientAuth: z.enum(['basic', 'body']).default('basic').describe('Send the client credentials as HTTP Basic (default) or in the form body.'),
    }),
  ])
  .describe('How requests authenticate. Secrets are encrypted, never returned, never shown to a model.');
export type AuthInput = z.infer<typeof authInput>;

/** A custom header of an integration; a `secret` header's value is stored encrypted and never returned. */
export const integrationHeaderInput = z.strictObject({
  name: z.string().trim().regex(HEADER_NAME, 'Not a valid header name'),
  value: z.string().max(4000).optional().describe('May use `{{secrets.name}}`. For a secret header, omit to keep the stored value.'),
  secret: z.boolean().default(false).describe('Store the value encrypted and show only its last four characters.'),
});

const fields = {
  name: z.string().trim().min(1).max(100).describe('A name people recognise, e.g. "Shop API".'),
  description: z.string().trim().max(1000).describe('What the system is.'),
  baseUrl: httpUrl.nullable().describe('HTTP: the base URL tool paths are joined to. MCP: the server\'s streamable-HTTP endpoint (required).'),
  auth: authInput,
  headers: z.array(integrationHeaderInput).max(30).describe('Headers every request sends.'),
  secrets: z
    .record(z.string().regex(PARAMETER_NAME, 'Use letters, digits and underscores'), secretText.nullable())
    .refine((r) => Object.keys(r).length <= 50, 'At most 50 secrets')
    .describe('Named secrets usable as `{{secrets.name}}`. A value sets or replaces one, `null` deletes it, an absent name keeps it.'),
  allowedPrivateHosts: z
    .array(z.string().trim().min(1).max(255).refine(isAllowlistableEntry, 'Enter a host name, an IP address or a CIDR network (link-local and metadata addresses are never allowed)'))
    .max(20)
    .describe('Private hosts this integration may reach although the SSRF guard refuses them elsewhere (e.g. `127.0.0.1`, `erp.internal`, `10.0.0.0/8`).'),
  circuitBreaker: z
    .strictObject({
      failureThreshold: z.number().int().min(1).max(100).describe('Consecutive failures that open the circuit (default 5).'),
      cooldownSeconds: z.number().int().min(1).max(86_400).describe('How long calls are refused before a probe is let through (default 60).'),
    })
    .describe('Stops calling a failing system for a while, so customers get the fallback at once.'),
  enabled: z.boolean().describe('A disabled integration\'s tools are not offered to the assistant.'),
};

/** Body of `POST /api/v1/integrations`. */
export const integrationCreateBody = z.strictObject({
  kind: z.enum(['http', 'mcp']).default('http').describe('`http`: tools are request templates. `mcp`: tools come from an MCP server.'),
  ...fields,
  description: fields.description.default(''),
  baseUrl: fields.baseUrl.optional(),
  auth: fields.auth.default({ type: 'none' }),
  headers: fields.headers.default([]),
  secrets: fields.secrets.optional(),
  allowedPrivateHosts: fields.allowedPrivateHosts.default([]),
  circuitBreaker: fields.circuitBreaker.optional(),
  enabled: fields.enabled.default(true),
});
export type IntegrationCreateInput = z.infer<typeof integrationCreateBody>;

/** Body of `PATCH /api/v1/integrations/{id}`: send only what changes. */
export const integrationPatchBody = z.strictObject({
  name: fields.name.optional(),
  description: fields.description.optional(),
  baseUrl: fields.baseUrl.optional(),
  auth: fields.auth.optional(),
  headers: fields.headers.optional(),
  secrets: fields.secrets.optional(),
  allowedPrivateHosts: fields.allowedPrivateHosts.optional(),
  circuitBreaker: fields.circuitBreaker.optional(),
  enabled: fields.enabled.optional(),
});
export type IntegrationPatchInput = z.infer<typeof integrationPatchBody>;

const hint = z.object({ isSet: z.boolean(), last4: z.string().nullable().describe('Last four characters (only for secrets of 12 or more).') });

/** An integration as the API returns it: never a secret, only hints. */
export const integrationSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['http', 'mcp']),
  name: z.string(),
  description: z.string(),
  baseUrl: z.string().nullable(),
  enabled: z.boolean(),
  auth: z.object({
    type: z.enum(['none', 'apiKey', 'bearer', 'basic', 'oauth2']),
    in: z.enum(['header', 'query']).nullable(),
    name: z.string().nullable(),
    username: z.string().nullable(),
    tokenUrl: z.string().nullable(),
    clientId: z.string().nullable(),
    scope: z.string().nullable(),
    audience: z.string().nullable(),
    clientAuth: z.enum(['basic', 'body']).nullable(),
    secret: hint.describe('The API key, token, password or client secret.'),
  }),
  headers: z.array(z.object({ name: z.string(), value: z.string().nullable().describe('Null for secret headers.'), secret: z.boolean(), hint: hint.nullable() })),
  secrets: z.array(z.object({ name: z.string(), isSet: z.boolean(), last4: z.string().nullable() })),
  allowedPrivateHosts: z.array(z.string()),
  circuitBreaker: z.object({
    failureThreshold: z.number().int(),
    cooldownSeconds: z.number().int(),
    state: z.enum(['closed', 'open', 'half_open']),
    consecutiveFailures: z.number().int(),
    openUntil: iso.nullable(),
  }),
  oauthToken: z.object({ cached: z.boolean(), expiresAt: iso.nullable() }).nullable().describe('OAuth 2: whether an access token is cached.'),
  toolCount: z.number().int(),
  lastSyncedAt: iso.nullable().describe('MCP: when the server\'s tools were last read.'),
  createdAt: iso,
  updatedAt: iso,
});
export type IntegrationView = z.infer<typeof integrationSchema>;
