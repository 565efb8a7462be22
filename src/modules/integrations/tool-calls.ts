import { and, desc, eq, lt, type SQLWrapper, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { toolCalls } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { decodeCursor, paginate } from '../../shared/pagination.ts';
import type { ToolParameter } from './tool-definition.ts';

/** One row of the call log. */
export interface ToolCallLog {
  /** The entry's id, when the caller needs it before the write completes (a new one otherwise). */
  id?: string;
  organizationId: string;
  toolId: string | null;
  integrationId: string | null;
  toolName: string;
  conversationId?: string | null;
  source: 'assistant' | 'test' | 'playground';
  arguments: Record<string, unknown>;
  status: 'ok' | 'error' | 'timeout' | 'circuit_open';
  httpStatus?: number | null;
  latencyMs: number;
  errorCode?: string | null;
  error?: string | null;
}

/**
 * Appends a call to the log (the reports read success rates and latency from it). Returns its id.
 * `alongside` is another write to run in the same statement (one round trip, one commit), such as
 * closing the integration's circuit after a success.
 */
export async function logToolCall(db: Db, entry: ToolCallLog, alongside?: SQLWrapper): Promise<string> {
  const id = entry.id ?? newId();
  const insert = db.insert(toolCalls).values({
    id,
    ...entry,
    conversationId: entry.conversationId ?? null,
    httpStatus: entry.httpStatus ?? null,
    errorCode: entry.errorCode ?? null,
    error: entry.error?.slice(0, 1000) ?? null,
    latencyMs: Math.max(0, Math.round(entry.latencyMs)),
  });
  if (alongside) await db.execute(sql`with alongside as (${alongside.getSQL()}) ${insert.getSQL()}`);
  else await insert;
  return id;
}

/** A page of a tool's (or the organization's) calls, newest first. */
export async function listToolCalls(db: Db, organizationId: string, filter: { toolId?: string }, page: { cursor?: string; limit: number }) {
  const before = decodeCursor(page.cursor, 1);
  const rows = await db
    .select()
    .from(toolCalls)
    .where(and(eq(toolCalls.organizationId, organizationId), filter.toolId ? eq(toolCalls.toolId, filter.toolId) : undefined, before ? lt(toolCalls.id, String(before[0])) : undefined))
    .orderBy(desc(toolCalls.id))
    .limit(page.limit + 1);
  return paginate(rows, page.limit, (r) => [r.id]);
}

/** The mask put where a secret was. */
export const MASK = '••••••';

/**
 * Replaces every occurrence of the given secrets in a text — as written, percent-encoded and
 * JSON-escaped — with a mask. Longer secrets first, so a secret containing another is masked whole.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < 3) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
    forms.add(JSON.stringify(s).slice(1, -1));
    forms.add(Buffer.from(s).toString('base64'));
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(MASK);
  return out;
}

/**
 * The arguments as logged: secrets removed, e-mails and phones partly masked, long texts cut. The log
 * is for statistics and debugging, not a second copy of customers' personal data.
 */
export function redactArguments(params: readonly ToolParameter[], args: Record<string, unknown>, secrets: readonly string[]): Record<string, unknown> {
  const types = new Map(params.map((p) => [p.name, p.type]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args).slice(0, 50)) {
    if (typeof value !== 'string') {
      out[key] = typeof value === 'number' || typeof value === 'boolean' || value === null ? value : '[value]';
      continue;
    }
    const type = types.get(key);
    let v = maskSecrets(value, secrets);
    if (type === 'email' || /^[^@\s]+@[^@\s]+$/.test(v)) v = v.replace(/^(.)[^@]*(@.*)$/, '$1***$2');
    else if (type === 'phone') {
      let keep = (v.match(/\d/g) ?? []).length - 3;
      v = v.replace(/\d/g, (d) => (keep-- > 0 ? '*' : d));
    }
    out[key] = v.length > 200 ? `${v.slice(0, 200)}…` : v;
  }
  return out;
}
