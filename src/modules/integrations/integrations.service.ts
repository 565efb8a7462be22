import { and, eq } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type Integration, type IntegrationAuthConfig, integrations } from '../../db/schema/index.ts';
import type { FieldIssue } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { type IntegrationSecrets, hintsOf, openSecrets, sealSecrets } from './integration-secrets.ts';
import { integrationNotFound, invalidIntegration } from './integrations.errors.ts';
import { findIntegration, listIntegrationRows, toolCounts, toolsOfIntegration } from './integrations.repository.ts';
import type { AuthInput, IntegrationCreateInput, IntegrationPatchInput, IntegrationView } from './integrations.schemas.ts';
import { templateRefs, ToolInputError } from './placeholders.ts';
import { hasControlCharacters } from './tool-definition.ts';
import { secretsUsedByTool } from './tool-validation.ts';

/** Loads one integration as the API shows it (404 when missing or in another organization). */
export async function getIntegration(db: Db, organizationId: string, id: string): Promise<IntegrationView> {
  const row = await findIntegration(db, organizationId, id);
  if (!row) throw integrationNotFound();
  const counts = await toolCounts(db, organizationId, [id]);
  return presentIntegration(row, counts.get(id) ?? 0);
}

/** A page of integrations. */
export async function listIntegrations(db: Db, organizationId: string, page: { cursor?: string; limit: number }) {
  const result = await listIntegrationRows(db, organizationId, page);
  return { items: result.items.map(({ row, toolCount }) => presentIntegration(row, toolCount)), nextCursor: result.nextCursor };
}

/** Creates an integration; its secrets are encrypted with the organization id as context. Audited. */
export async function createIntegration(deps: Pick<Deps, 'database' | 'secrets'>, organizationId: string, input: IntegrationCreateInput, actor: AuditActor): Promise<IntegrationView> {
  const id = newId();
  const secrets: IntegrationSecrets = { auth: {}, values: {}, headers: {} };
  const issues: FieldIssue[] = [];
  if (input.kind === 'mcp' && !input.baseUrl) issues.push({ path: 'baseUrl', message: 'Enter the MCP server\'s URL' });
  const auth = applyAuth(input.auth, null, secrets, issues);
  const headers = applyHeaders(input.headers, secrets, {}, issues);
  applySecretValues(input.secrets ?? {}, secrets);
  checkHeaderPlaceholders(headers, secrets, issues);
  if (issues.length) throw invalidIntegration(issues);
  await deps.database.db.transaction(async (tx) => {
    await tx.insert(integrations).values({
      id,
      organizationId,
      kind: input.kind,
      name: input.name,
      description: input.description,
      baseUrl: input.baseUrl ?? null,
      authType: auth.type,
      authConfig: auth.config,
      headers,
      secrets: sealSecrets(deps.secrets, organizationId, secrets),
      secretHints: hintsOf(secrets),
      allowedPrivateHosts: input.allowedPrivateHosts,
      enabled: input.enabled,
      circuitFailureThreshold: input.circuitBreaker?.failureThreshold ?? 5,
      circuitCooldownSeconds: input.circuitBreaker?.cooldownSeconds ?? 60,
    });
    await recordAudit(tx, {
      organizationId,
      actor,
      action: 'integration.created',
      targetType: 'integration',
      targetId: id,
      data: { name: input.name, kind: input.kind, authType: auth.type, allowedPrivateHosts: input.allowedPrivateHosts },
    });
  });
  return getIntegration(deps.database.db, organizationId, id);
}

/**
 * Changes an integration. Omitted secrets keep their stored value; changing the base URL or auth drops
 * the cached OAuth token and closes the circuit. Deleting a secret that a tool still uses is refused.
 * Changes to the private-host allowlist are audited with the old and new lists.
 */
export async function updateIntegration(deps: Pick<Deps, 'database' | 'secrets'>, organizationId: string, id: string, patch: IntegrationPatchInput, actor: AuditActor): Promise<IntegrationView> {
  await deps.database.db.transaction(async (tx) => {
    const row = await findIntegration(tx, organizationId, id, { lock: true });
    if (!row) throw integrationNotFound();
    const secrets = openSecrets(deps.secrets, row);
    const issues: FieldIssue[] = [];
    const baseUrl = patch.baseUrl === undefined ? row.baseUrl : patch.baseUrl;
    if (row.kind === 'mcp' && !baseUrl) issues.push({ path: 'baseUrl', message: 'Enter the MCP server\'s URL' });
    const auth = patch.auth ? applyAuth(patch.auth, row, secrets, issues) : { type: row.authType, config: row.authConfig };
    const previousHeaderSecrets = { ...secrets.headers };
    const headers = patch.headers ? applyHeaders(patch.headers, secrets, previousHeaderSecrets, issues) : row.headers;
    if (patch.secrets) {
      const removed = Object.entries(patch.secrets).filter(([, v]) => v === null).map(([k]) => k);
      if (removed.length) {
        for (const tool of await toolsOfIntegration(tx, organizationId, id)) {
          const used = secretsUsedByTool(tool).filter((s) => removed.includes(s));
          for (const name of used) issues.push({ path: `secrets.${name}`, message: `The tool ${tool.name} uses this secret` });
        }
      }
      applySecretValues(patch.secrets, secrets);
    }
    checkHeaderPlaceholders(headers, secrets, issues);
    if (issues.length) throw invalidIntegration(issues);
    const connectionChanged = (patch.baseUrl !== undefined && patch.baseUrl !== row.baseUrl) || patch.auth !== undefined;
    await tx
      .update(integrations)
      .set({
        name: patch.name,
        description: patch.description,
        baseUrl,
        authType: auth.type,
        authConfig: auth.config,
        headers,
        secrets: sealSecrets(deps.secrets, organizationId, secrets),
        secretHints: hintsOf(secrets),
        allowedPrivateHosts: patch.allowedPrivateHosts,
        enabled: patch.enabled,
        circuitFailureThreshold: patch.circuitBreaker?.failureThreshold,
        circuitCooldownSeconds: patch.circuitBreaker?.cooldownSeconds,
        ...(connectionChanged ? { oauthToken: null, oauthTokenExpiresAt: null, circuitFailures: 0, circuitOpenUntil: null, circuitProbeUntil: null } : {}),
        updatedAt: new Date(),
      })
      .where(and(eq(integrations.id, id), eq(integrations.organizationId, organizationId)));
    const allowlistChanged = patch.allowedPrivateHosts !== undefined && JSON.stringify(patch.allowedPrivateHosts) !== JSON.stringify(row.allowedPrivateHosts);
    await recordAudit(tx, {
      organizationId,
      actor,
      action: 'integration.updated',
      targetType: 'integration',
      targetId: id,
      data: {
        fields: Object.keys(patch),
        ...(allowlistChanged ? { allowedPrivateHosts: { from: row.allowedPrivateHosts, to: patch.allowedPrivateHosts } } : {}),
        ...(patch.secrets ? { secrets: Object.keys(patch.secrets) } : {}),
      },
    });
  });
  return getIntegration(deps.database.db, organizationId, id);
}

/** Deletes an integration with its tools (their call log stays for reports). Audited. */
export async function deleteIntegration(db: Db, organizationId: string, id: string, actor: AuditActor): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await findIntegration(tx, organizationId, id, { lock: true });
    if (!row) throw integrationNotFound();
    await tx.delete(integrations).where(and(eq(integrations.id, id), eq(integrations.organizationId, organizationId)));
    await recordAudit(tx, { organizationId, actor, action: 'integration.deleted', targetType: 'integration', targetId: id, data: { name: row.name } });
  });
}

/** The circuit breaker's state at `now`: open (refusing), half-open (a probe may pass) or closed. */
export function circuitState(row: Pick<Integration, 'circuitOpenUntil'>, now = Date.now()): 'closed' | 'open' | 'half_open' {
  if (!row.circuitOpenUntil) return 'closed';
  return row.circuitOpenUntil.getTime() > now ? 'open' : 'half_open';
}

/** An integration as the API shows it: configuration and secret hints, never a secret. */
export function presentIntegration(row: Integration, toolCount: number, now = Date.now()): IntegrationView {
  const c = row.authConfig;
  const hints = row.secretHints;
  const authSecretKey = { none: null, apiKey: 'apiKey', bearer: 'token', basic: 'password', oauth2: 'clientSecret' }[row.authType];
  const authHint = authSecretKey ? hints.auth[authSecretKey] : undefined;
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    description: row.description,
    baseUrl: row.baseUrl,
    enabled: row.enabled,
    auth: {
      type: row.authType,
      in: c.in ?? null,
      name: c.name ?? null,
      username: c.username ?? null,
      tokenUrl: c.tokenUrl ?? null,
      clientId: c.clientId ?? null,
      scope: c.scope ?? null,
      audience: c.audience ?? null,
      clientAuth: row.authType === 'oauth2' ? (c.clientAuth ?? 'basic') : null,
      secret: authHint ?? { isSet: false, last4: null },
    },
    headers: row.headers.map((h) => ({
      name: h.name,
      value: h.secret ? null : h.value,
      secret: !!h.secret,
      hint: h.secret ? (hints.headers?.[h.name.toLowerCase()] ?? { isSet: false, last4: null }) : null,
    })),
    secrets: Object.entries(hints.values).map(([name, h]) => ({ name, ...h })).sort((a, b) => a.name.localeCompare(b.name)),
    allowedPrivateHosts: row.allowedPrivateHosts,
    circuitBreaker: {
      failureThreshold: row.circuitFailureThreshold,
      cooldownSeconds: row.circuitCooldownSeconds,
      state: circuitState(row, now),
      consecutiveFailures: row.circuitFailures,
      openUntil: row.circuitOpenUntil?.toISOString() ?? null,
    },
    oauthToken: row.authType === 'oauth2' ? { cached: !!row.oauthToken, expiresAt: row.oauthTokenExpiresAt?.toISOString() ?? null } : null,
    toolCount,
    lastSyncedAt: row.lastSyncedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Applies auth input to the secrets; a secret may be omitted only when the same auth type already has one. */
function applyAuth(input: AuthInput, current: Integration | null, secrets: IntegrationSecrets, issues: FieldIssue[]): { type: Integration['authType']; config: IntegrationAuthConfig } {
  const sameType = current?.authType === input.type;
  const keep = <K extends keyof IntegrationSecrets['auth']>(key: K, value: string | undefined, path: string) => {
    const kept = sameType ? secrets.auth[key] : undefined;
    secrets.auth = {};
    if (value !== undefined) secrets.auth[key] = value;
    else if (kept !== undefined) secrets.auth[key] = kept;
    else issues.push({ path, message: 'Required' });
  };
  switch (input.type) {
    case 'none':
      secrets.auth = {};
      return { type: 'none', config: {} };
    case 'apiKey':
      keep('apiKey', input.value, 'auth.value');
      return { type: 'apiKey', config: { in: input.in, name: input.name } };
    case 'bearer':
      keep('token', input.token, 'auth.token');
      return { type: 'bearer', config: {} };
    case 'basic':
      keep('password', input.password, 'auth.password');
      return { type: 'basic', config: { username: input.username } };
    case 'oauth2':
      keep('clientSecret', input.clientSecret, 'auth.clientSecret');
      return {
        type: 'oauth2',
        config: { tokenUrl: input.tokenUrl, clientId: input.clientId, scope: input.scope ?? null, audience: input.audience ?? null, clientAuth: input.clientAuth },
      };
  }
}

function applyHeaders(
  input: { name: string; value?: string; secret: boolean }[],
  secrets: IntegrationSecrets,
  previous: Record<string, string>,
  issues: FieldIssue[],
): Integration['headers'] {
  const seen = new Set<string>();
  const out: Integration['headers'] = [];
  secrets.headers = {};
  input.forEach((h, i) => {
    const key = h.name.toLowerCase();
    if (seen.has(key)) issues.push({ path: `headers.${i}.name`, message: 'This header is listed twice' });
    seen.add(key);
    if (h.secret) {
      const value = h.value ?? previous[key];
      if (value === undefined || value === '') issues.push({ path: `headers.${i}.value`, message: 'Required' });
      else if (hasControlCharacters(value)) issues.push({ path: `headers.${i}.value`, message: 'A header value cannot contain line breaks or control characters' });
      else secrets.headers[key] = value;
      out.push({ name: h.name, value: '', secret: true });
    } else {
      out.push({ name: h.name, value: h.value ?? '' });
    }
  });
  return out;
}

function applySecretValues(input: Record<string, string | null>, secrets: IntegrationSecrets) {
  for (const [name, value] of Object.entries(input)) {
    if (value === null) delete secrets.values[name];
    else secrets.values[name] = value;
  }
}

/** Integration headers may use secrets, contact fields and the conversation id, but no tool parameter. */
function checkHeaderPlaceholders(headers: Integration['headers'], secrets: IntegrationSecrets, issues: FieldIssue[]) {
  headers.forEach((h, i) => {
    if (h.secret) return;
    const path = `headers.${i}.value`;
    if (hasControlCharacters(h.value)) issues.push({ path, message: 'A header value cannot contain line breaks or control characters' });
    try {
      for (const ref of templateRefs(h.value, path)) {
        if (ref.scope === 'param') issues.push({ path, message: `{{${ref.name}}}: tool parameters can be used in a tool's headers, not in the integration's` });
        if (ref.scope === 'secrets' && secrets.values[ref.name] === undefined) issues.push({ path, message: `{{secrets.${ref.name}}}: no secret has this name` });
      }
    } catch (err) {
      if (err instanceof ToolInputError) issues.push({ path, message: err.message });
      else throw err;
    }
  });
}
