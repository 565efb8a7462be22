import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { OutboundHttpError, readBody, type SafeFetchOptions, safeFetch } from '../../adapters/outbound-http/safe-fetch.ts';
import type { Deps } from '../../container.ts';
import { type Integration, integrations } from '../../db/schema/index.ts';
import type { IntegrationSecrets } from './integration-secrets.ts';

/** Why credentials could not be obtained (OAuth token endpoint failures). */
export class AuthFailure extends Error {
  override name = 'AuthFailure';
  constructor(
    readonly code: 'oauth_failed' | 'oauth_timeout',
    message: string,
    readonly temporary: boolean,
  ) {
    super(message);
  }
}

/** Credentials to add to a request: headers and query parameters. */
export interface AuthParts {
  headers: [string, string][];
  query: [string, string][];
  /** Values to mask in displays and logs. */
  secretValues: string[];
  /** Whether a cached OAuth token was used (a 401 may then be retried once with a fresh token). */
  cachedToken: boolean;
}

// A token this close to its expiry is refreshed before use.
const EXPIRY_MARGIN_MS = 60_000;
const DEFAULT_TOKEN_LIFETIME_S = 3600;

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
});

/**
 * The credentials of an integration for one request. OAuth 2 client-credentials tokens are fetched
 * through the SSRF-guarded client, cached encrypted in the integration row with their expiry, reused
 * until a minute before they expire, and refreshed on demand (`forceRefresh` after a 401).
 */
export async function authFor(
  deps: Pick<Deps, 'database' | 'secrets'>,
  integration: Integration,
  secrets: IntegrationSecrets,
  fetchOptions: SafeFetchOptions,
  options: { forceRefresh?: boolean } = {},
): Promise<AuthParts> {
  const c = integration.authConfig;
  const none: AuthParts = { headers: [], query: [], secretValues: [], cachedToken: false };
  switch (integration.authType) {
    case 'none':
      return none;
    case 'apiKey': {
      const key = secrets.auth.apiKey ?? '';
      const name = c.name ?? 'X-Api-Key';
      return c.in === 'query' ? { ...none, query: [[name, key]], secretValues: [key] } : { ...none, headers: [[name, key]], secretValues: [key] };
    }
    case 'bearer': {
      const token = secrets.auth.token ?? '';
      return { ...none, headers: [['authorization', `Bearer ${token}`]], secretValues: [token] };
    }
    case 'basic': {
      const password = secrets.auth.password ?? '';
      const encoded = Buffer.from(`${c.username ?? ''}:${password}`).toString('base64');
      return { ...none, headers: [['authorization', `Basic ${encoded}`]], secretValues: [password, encoded] };
    }
    case 'oauth2': {
      const { token, cached } = await oauthToken(deps, integration, secrets, fetchOptions, options.forceRefresh ?? false);
      return { ...none, headers: [['authorization', `Bearer ${token}`]], secretValues: [token, secrets.auth.clientSecret ?? ''], cachedToken: cached };
    }
  }
}

async function oauthToken(
  deps: Pick<Deps, 'database' | 'secrets'>,
  integration: Integration,
  secrets: IntegrationSecrets,
  fetchOptions: SafeFetchOptions,
  forceRefresh: boolean,
): Promise<{ token: string; cached: boolean }> {
  const db = deps.database.db;
  const context = integration.organizationId;
  if (!forceRefresh) {
    // Re-read: another process may have refreshed the token since this row was loaded.
    const [row] = await db
      .select({ token: integrations.oauthToken, expiresAt: integrations.oauthTokenExpiresAt })
      .from(integrations)
      .where(and(eq(integrations.id, integration.id), eq(integrations.organizationId, integration.organizationId)));
    if (row?.token && row.expiresAt && row.expiresAt.getTime() - EXPIRY_MARGIN_MS > Date.now()) {
      return { token: deps.secrets.decrypt(row.token, context), cached: true };
    }
  }
  const c = integration.authConfig;
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (c.scope) form.set('scope', c.scope);
  if (c.audience) form.set('audience', c.audience);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const clientSecret = secrets.auth.clientSecret ?? '';
  if (c.clientAuth === 'body') {
    form.set('client_id', c.clientId ?? '');
    form.set('client_secret', clientSecret);
  } else {
    // RFC 6749 §2.3.1: form-encode the id and secret before joining them for Basic.
    const id = encodeURIComponent(c.clientId ?? '');
    headers.authorization = `Basic ${Buffer.from(`${id}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
  }
  let parsed: z.infer<typeof tokenResponse>;
  try {
    const res = await safeFetch(c.tokenUrl ?? '', { method: 'POST', headers, body: form.toString() }, { ...fetchOptions, maxResponseBytes: 64 * 1024 });
    const text = (await readBody(res)).toString('utf8');
    if (!res.ok) throw new AuthFailure('oauth_failed', `The token endpoint answered ${res.status}`, res.status >= 500 || res.status === 429);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AuthFailure('oauth_failed', 'The token endpoint did not answer JSON', false);
    }
    const result = tokenResponse.safeParse(json);
    if (!result.success) throw new AuthFailure('oauth_failed', 'The token endpoint\'s answer has no access_token', false);
    parsed = result.data;
  } catch (err) {
    if (err instanceof AuthFailure) throw err;
    if (err instanceof OutboundHttpError) {
      if (err.code === 'timeout') throw new AuthFailure('oauth_timeout', 'The token endpoint did not answer in time', true);
      throw new AuthFailure('oauth_failed', `Token endpoint: ${err.message}`, err.temporary);
    }
    throw err;
  }
  const lifetime = parsed.expires_in && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_TOKEN_LIFETIME_S;
  await db
    .update(integrations)
    .set({ oauthToken: deps.secrets.encrypt(parsed.access_token, context), oauthTokenExpiresAt: new Date(Date.now() + lifetime * 1000) })
    .where(and(eq(integrations.id, integration.id), eq(integrations.organizationId, integration.organizationId)));
  return { token: parsed.access_token, cached: false };
}
