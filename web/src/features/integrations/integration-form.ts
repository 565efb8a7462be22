import { rowKey } from './tool-form.ts';
import type { Integration, IntegrationBody } from './types.ts';

/** Auth types, in the order the form offers them. */
export const AUTH_TYPES = ['none', 'apiKey', 'bearer', 'basic', 'oauth2'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

/** A stored secret's hint as the API returns it. */
export interface Hint {
  isSet: boolean;
  last4: string | null;
}

/** The integration form's values. Secret inputs start empty: typing replaces, leaving empty keeps. */
export interface IntegrationFormValues {
  kind: 'http' | 'mcp';
  name: string;
  description: string;
  baseUrl: string;
  authType: AuthType;
  apiKeyIn: 'header' | 'query';
  apiKeyName: string;
  secret: string;
  username: string;
  tokenUrl: string;
  clientId: string;
  scope: string;
  audience: string;
  clientAuth: 'basic' | 'body';
  headers: { key: string; name: string; value: string; secret: boolean; hint: Hint | null }[];
  secrets: { key: string; name: string; value: string; hint: Hint | null }[];
  removedSecrets: string[];
  allowedPrivateHosts: string[];
  failureThreshold: number;
  cooldownSeconds: number;
  enabled: boolean;
}

/** Empty values for a new integration. */
export function newIntegrationValues(kind: 'http' | 'mcp'): IntegrationFormValues {
  return {
    kind,
    name: '',
    description: '',
    baseUrl: '',
    authType: kind === 'mcp' ? 'bearer' : 'none',
    apiKeyIn: 'header',
    apiKeyName: 'X-Api-Key',
    secret: '',
    username: '',
    tokenUrl: '',
    clientId: '',
    scope: '',
    audience: '',
    clientAuth: 'basic',
    headers: [],
    secrets: [],
    removedSecrets: [],
    allowedPrivateHosts: [],
    failureThreshold: 5,
    cooldownSeconds: 60,
    enabled: true,
  };
}

/** Form values of a stored integration (secrets as hints only). */
export function integrationValues(i: Integration): IntegrationFormValues {
  const a = i.auth;
  return {
    ...newIntegrationValues(i.kind),
    name: i.name,
    description: i.description,
    baseUrl: i.baseUrl ?? '',
    authType: a.type,
    apiKeyIn: a.in ?? 'header',
    apiKeyName: a.name ?? 'X-Api-Key',
    username: a.username ?? '',
    tokenUrl: a.tokenUrl ?? '',
    clientId: a.clientId ?? '',
    scope: a.scope ?? '',
    audience: a.audience ?? '',
    clientAuth: a.clientAuth ?? 'basic',
    headers: i.headers.map((h) => ({ key: rowKey(), name: h.name, value: h.value ?? '', secret: h.secret, hint: h.hint })),
    secrets: i.secrets.map((s) => ({ key: rowKey(), name: s.name, value: '', hint: { isSet: s.isSet, last4: s.last4 } })),
    allowedPrivateHosts: i.allowedPrivateHosts,
    failureThreshold: i.circuitBreaker.failureThreshold,
    cooldownSeconds: i.circuitBreaker.cooldownSeconds,
    enabled: i.enabled,
  };
}

const opt = (s: string) => (s.trim() ? s.trim() : undefined);

/** The API body for the form's values; secrets only when typed (omitted = keep the stored one). */
export function integrationBody(v: IntegrationFormValues): IntegrationBody {
  const secret = v.secret === '' ? undefined : v.secret;
  let auth: IntegrationBody['auth'];
  switch (v.authType) {
    case 'apiKey':
      auth = { type: 'apiKey', in: v.apiKeyIn, name: v.apiKeyName.trim(), value: secret };
      break;
    case 'bearer':
      auth = { type: 'bearer', token: secret };
      break;
    case 'basic':
      auth = { type: 'basic', username: v.username, password: secret };
      break;
    case 'oauth2':
      auth = { type: 'oauth2', tokenUrl: v.tokenUrl.trim(), clientId: v.clientId.trim(), clientSecret: secret, scope: opt(v.scope) ?? null, audience: opt(v.audience) ?? null, clientAuth: v.clientAuth };
      break;
    default:
      auth = { type: 'none' };
  }
  const secrets: Record<string, string | null> = {};
  for (const name of v.removedSecrets) secrets[name] = null;
  for (const s of v.secrets) if (s.name.trim() && s.value !== '') secrets[s.name.trim()] = s.value;
  return {
    kind: v.kind,
    name: v.name.trim(),
    description: v.description.trim(),
    baseUrl: opt(v.baseUrl) ?? null,
    auth,
    headers: v.headers.filter((h) => h.name.trim()).map((h) => ({ name: h.name.trim(), secret: h.secret, ...(h.secret && h.value === '' ? {} : { value: h.value }) })),
    secrets,
    allowedPrivateHosts: v.allowedPrivateHosts,
    circuitBreaker: { failureThreshold: v.failureThreshold, cooldownSeconds: v.cooldownSeconds },
    enabled: v.enabled,
  };
}

/** The label of a stored secret: `set · ••••1234` (or just `set` for short secrets). */
export function hintLabel(hint: Hint | null | undefined, t: (key: 'form.secretSet' | 'form.secretSetShort', vars?: { last4: string }) => string): string | undefined {
  if (!hint?.isSet) return undefined;
  return hint.last4 ? t('form.secretSet', { last4: hint.last4 }) : t('form.secretSetShort');
}
