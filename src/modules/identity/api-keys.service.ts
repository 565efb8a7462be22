import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { forgetCached, invalidateCached, notifiedCache } from '../../db/notified-cache.ts';
import { apiKeys } from '../../db/schema/index.ts';
import { notFound } from '../../shared/errors.ts';
import { newId, randomToken, sha256 } from '../../shared/ids.ts';
import { decodeCursor, paginate } from '../../shared/pagination.ts';
import { recordAudit, type AuditActor } from '../audit/audit.service.ts';
import type { Principal } from './policy.ts';

/** API keys look like `chk_<8-char prefix>_<43-char secret>`; the prefix is shown in lists to tell keys apart. */
const KEY_RE = /^chk_([A-Za-z0-9_-]{8})_([A-Za-z0-9_-]{43})$/;
const LAST_USED_RESOLUTION_MS = 60_000;

/** Cache namespace of resolved API keys (keyed by the key's hash; see src/db/notified-cache.ts). */
const CACHE = 'api_key';

interface ResolvedKey {
  principal: Extract<Principal, { kind: 'apiKey' }>;
  lastUsedAt: number;
}

/**
 * Resolves a Bearer token into the organization principal, or null when unknown, malformed or revoked.
 * Resolved keys are cached per process; revoking one invalidates it everywhere (next request: 401).
 */
export async function resolveApiKey(deps: Pick<Deps, 'database'>, key: string): Promise<Principal | null> {
  if (!KEY_RE.test(key)) return null;
  const keyHash = sha256(key);
  const db = deps.database.db;
  const cache = notifiedCache<ResolvedKey>(db, CACHE);
  const resolved = cache ? await cache.get(keyHash, () => loadApiKey(db, keyHash)) : await loadApiKey(db, keyHash);
  if (!resolved) return null;
  if (Date.now() - resolved.lastUsedAt > LAST_USED_RESOLUTION_MS) {
    // Tracked to the minute: one write per key per minute (and process) at most, not one per request.
    resolved.lastUsedAt = Date.now();
    await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, resolved.principal.apiKeyId));
  }
  return { ...resolved.principal };
}

/**
 * The principal of a Bearer token when it is already resolved in this process's cache and its
 * `lastUsedAt` needs no update — answered synchronously, so authenticating a busy API key costs no
 * promise or database round trip; `undefined` otherwise (then call `resolveApiKey`).
 */
export function resolveCachedApiKey(deps: Pick<Deps, 'database'>, key: string): Principal | undefined {
  if (!KEY_RE.test(key)) return undefined;
  const resolved = notifiedCache<ResolvedKey>(deps.database.db, CACHE)?.peek(sha256(key));
  if (!resolved || Date.now() - resolved.lastUsedAt > LAST_USED_RESOLUTION_MS) return undefined;
  return { ...resolved.principal };
}

async function loadApiKey(db: Db, keyHash: string): Promise<ResolvedKey | undefined> {
  const [row] = await db
    .select({ id: apiKeys.id, organizationId: apiKeys.organizationId, name: apiKeys.name, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)));
  if (!row) return undefined;
  return {
    principal: { kind: 'apiKey', organizationId: row.organizationId, apiKeyId: row.id, role: 'owner', label: `API key "${row.name}"` },
    lastUsedAt: row.lastUsedAt?.getTime() ?? 0,
  };
}

/** Creates a key; the full key is returned once and never again. */
export async function createApiKey(db: Db, organizationId: string, name: string, actor: AuditActor & { userId?: string | null }) {
  const prefix = randomToken(6).slice(0, 8);
  const key = `chk_${prefix}_${randomToken(32)}`;
  const id = newId();
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(apiKeys)
      .values({ id, organizationId, name, prefix, keyHash: sha256(key), createdByUserId: actor.userId ?? null })
      .returning();
    await recordAudit(tx, { organizationId, actor, action: 'api_key.created', targetType: 'api_key', targetId: id, data: { name, prefix } });
    return created!;
  });
  return { row, key };
}

/** Lists an organization's keys (revoked ones too, marked), newest first. */
export async function listApiKeys(db: Db, organizationId: string, q: { cursor?: string; limit: number }) {
  const after = decodeCursor(q.cursor, 1);
  const rows = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.organizationId, organizationId), after ? lt(apiKeys.id, String(after[0])) : undefined))
    .orderBy(desc(apiKeys.id))
    .limit(q.limit + 1);
  return paginate(rows, q.limit, (r) => [r.id]);
}

/** Revokes a key at once; revoking twice is harmless. */
export async function revokeApiKey(db: Db, organizationId: string, id: string, actor: AuditActor) {
  const revoked = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.organizationId, organizationId)))
      .returning();
    if (!row) throw notFound('API key');
    await invalidateCached(db, tx, CACHE, row.keyHash);
    await recordAudit(tx, { organizationId, actor, action: 'api_key.revoked', targetType: 'api_key', targetId: id, data: { name: row.name, prefix: row.prefix } });
    return row;
  });
  forgetCached(db, CACHE, revoked.keyHash);
  return revoked;
}
