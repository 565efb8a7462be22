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
    z.strictObject({ type: z.literal('none').describe('No authentication.') }),
    z.strictObject({
      type: z.literal('apiKey').describe('An API key in a header or query parameter.'),
      in: z.enum(['header', 'query']).describe('Send the key in a header or a query parameter.'),
      name: z.string().trim().regex(HEADER_NAME, 'Not a valid header or parameter name').describe('Header or query parameter name, e.g. `X-Api-Key` or `api_key`.'),
      value: secretText.optional().describe('The key (write-only).'),
    }),
    z.strictObject({ type: z.literal('bearer').describe('A bearer token.'), token: secretText.optional().describe('The token, sent as `Authorization: Bearer …` (write-only).') }),
    z.strictObject({
      type: z.literal('basic').describe('HTTP Basic authentication.'),
      username: z
        .string()
        .min(1)
        .max(200)
        .refine((u) => !u.includes(':'), 'The user name cannot contain ":"')
        .describe('The user name (without `:`).'),
      password: secretText.optional().describe('The password (write-only; omit on update to keep the stored one).'),
    }),
    z.strictObject({
      type: z.literal('oauth2').describe('OAuth 2 client-credentials grant; the access token is fetched and cached.'),
      tokenUrl: httpUrl.describe('The token endpoint (client-credentials grant).'),
      clientId: z.string().min(1).max(500).describe('The OAuth client id.'),
      clientSecret: secretText.optional().describe('The OAuth client secret (write-only; omit on update to keep the stored one).'),
      scope: z.string().max(1000).nullish().describe('Space-separated scopes to request; empty or null for none.'),
      audience: z.string().max(1000).nullish().describe('The `audience` parameter some providers (e.g. Auth0) require; null for none.'),
      clientAuth: z.enum(['basic', 'body']).default('basic').describe('Send the client credentials as HTTP Basic (default) or in the form body.'),
    }),
  ])
  .describe('How requests authenticate. Secrets are encrypted, never returned, never shown to a model.');
export type AuthInput = z.infer<typeof authInput>;

/** A custom header of an integration; a `secret` header's value is stored encrypted and never returned. */
export const integrationHeaderInput = z.strictObject({
  name: z.string().trim().regex(HEADER_NAME, 'Not a valid header name').describe('The header name, e.g. `X-Tenant`.'),
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

const hint = z.object({ isSet: z.boolean().describe('Whether a value is stored.'), last4: z.string().nullable().describe('Last four characters (only for secrets of 12 or more).') });

/** An integration as the API returns it: never a secret, only hints. */
export const integrationSchema = z.object({
  id: z.uuid().describe('Integration id.'),
  kind: z.enum(['http', 'mcp']).describe('`http`: tools are request templates. `mcp`: tools come from an MCP server.'),
  name: z.string().describe('The integration\'s name.'),
  description: z.string().describe('What the system is (may be empty).'),
  baseUrl: z.string().nullable().describe('HTTP: the base URL tool paths are joined to; MCP: the server endpoint; null when not set.'),
  enabled: z.boolean().describe('A disabled integration\'s tools are not offered to the assistant.'),
  auth: z
    .object({
      type: z.enum(['none', 'apiKey', 'bearer', 'basic', 'oauth2']).describe('The authentication scheme.'),
      in: z.enum(['header', 'query']).nullable().describe('API key: sent in a `header` or `query` parameter; null for other schemes.'),
      name: z.string().nullable().describe('API key: the header or query parameter name; null for other schemes.'),
      username: z.string().nullable().describe('Basic: the user name; null for other schemes.'),
      tokenUrl: z.string().nullable().describe('OAuth 2: the token endpoint; null for other schemes.'),
      clientId: z.string().nullable().describe('OAuth 2: the client id; null for other schemes.'),
      scope: z.string().nullable().describe('OAuth 2: the requested scopes; null when none.'),
      audience: z.string().nullable().describe('OAuth 2: the requested audience; null when none.'),
      clientAuth: z.enum(['basic', 'body']).nullable().describe('OAuth 2: how the client credentials are sent; null for other schemes.'),
      secret: hint.describe('The API key, token, password or client secret.'),
    })
    .describe('How requests authenticate; secrets appear only as hints.'),
  headers: z
    .array(
      z.object({
        name: z.string().describe('The header name.'),
        value: z.string().nullable().describe('Null for secret headers.'),
        secret: z.boolean().describe('Whether the value is stored encrypted (and never returned).'),
        hint: hint.nullable().describe('Secret headers: whether a value is stored; null for plain headers.'),
      }),
    )
    .describe('Headers every request sends.'),
  secrets: z
    .array(
      z.object({
        name: z.string().describe('The secret\'s name, used as `{{secrets.name}}`.'),
        isSet: z.boolean().describe('Whether a value is stored.'),
        last4: z.string().nullable().describe('Last four characters (only for secrets of 12 or more).'),
      }),
    )
    .describe('Named secrets, by name, as hints.'),
  allowedPrivateHosts: z.array(z.string()).describe('Private hosts, IP addresses or CIDR networks this integration may reach.'),
  circuitBreaker: z
    .object({
      failureThreshold: z.number().int().describe('Consecutive failures that open the circuit.'),
      cooldownSeconds: z.number().int().describe('How long calls are refused once the circuit opens, in seconds.'),
      state: z.enum(['closed', 'open', 'half_open']).describe('`closed`: calls go through; `open`: calls are refused; `half_open`: the next call is a probe.'),
      consecutiveFailures: z.number().int().describe('Failures in a row so far.'),
      openUntil: iso.nullable().describe('When an open circuit lets a probe through; null when it is not open.'),
    })
    .describe('The circuit breaker\'s settings and current state.'),
  oauthToken: z
    .object({
      cached: z.boolean().describe('Whether an access token is cached.'),
      expiresAt: iso.nullable().describe('When the cached token expires; null when none is cached or it has no expiry.'),
    })
    .nullable().describe('OAuth 2: whether an access token is cached.'),
  toolCount: z.number().int().describe('How many tools the integration has.'),
  lastSyncedAt: iso.nullable().describe('MCP: when the server\'s tools were last read.'),
  createdAt: iso.describe('When it was created.'),
  updatedAt: iso.describe('When it last changed.'),
});
export type IntegrationView = z.infer<typeof integrationSchema>;
