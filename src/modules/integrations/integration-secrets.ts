import { z } from 'zod';
import type { Integration, SecretHints } from '../../db/schema/index.ts';
import { type SecretBox, secretHint } from '../../shared/secrets.ts';

/** The secret part of an integration, stored encrypted (never returned, never given to a model). */
export interface IntegrationSecrets {
  /** The credential of the auth type: API key, bearer token, basic password or OAuth client secret. */
  auth: { apiKey?: string; token?: string; password?: string; clientSecret?: string };
  /** Named secrets usable as `{{secrets.name}}`. */
  values: Record<string, string>;
  /** Values of custom headers marked secret, by lower-case header name. */
  headers: Record<string, string>;
}

const schema = z.object({
  auth: z.object({ apiKey: z.string().optional(), token: z.string().optional(), password: z.string().optional(), clientSecret: z.string().optional() }).default({}),
  values: z.record(z.string(), z.string()).default({}),
  headers: z.record(z.string(), z.string()).default({}),
});

/** No secrets at all. */
export const emptySecrets = (): IntegrationSecrets => ({ auth: {}, values: {}, headers: {} });

/** Encrypts an integration's secrets, bound to its organization (a row copied to another tenant does not decrypt). */
export function sealSecrets(box: SecretBox, organizationId: string, value: IntegrationSecrets): string {
  return box.encrypt(JSON.stringify(value), organizationId);
}

/** Decrypts an integration's secrets (empty when none were ever set). */
export function openSecrets(box: SecretBox, row: Pick<Integration, 'organizationId' | 'secrets'>): IntegrationSecrets {
  if (!row.secrets) return emptySecrets();
  return schema.parse(JSON.parse(box.decrypt(row.secrets, row.organizationId)));
}

/** What the API may show: for each secret whether it is set and its last four characters. */
export function hintsOf(value: IntegrationSecrets): { auth: SecretHints; values: SecretHints; headers: SecretHints } {
  const map = (r: Record<string, string | undefined>): SecretHints =>
    Object.fromEntries(Object.entries(r).flatMap(([k, v]) => (v === undefined ? [] : [[k, secretHint(v)]])));
  return { auth: map(value.auth), values: map(value.values), headers: map(value.headers) };
}

/** Every secret plaintext of an integration (plus a cached OAuth token), for masking displays and logs. */
export function secretPlaintexts(value: IntegrationSecrets, extra: (string | null | undefined)[] = []): string[] {
  return [...Object.values(value.auth), ...Object.values(value.values), ...Object.values(value.headers), ...extra].filter((v): v is string => !!v && v.length >= 3);
}
