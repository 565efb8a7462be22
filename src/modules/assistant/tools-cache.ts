import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import type { Locale } from '../../shared/i18n.ts';
import { type AssistantTool, listAssistantTools } from '../integrations/index.ts';

const cache = new Map<string, { version: string; tools: AssistantTool[] }>();
const MAX_ENTRIES = 1000;

/**
 * The organization's assistant tools, reusing the parsed list while nothing changed. Parsing 200 tool
 * definitions costs tens of milliseconds per turn; one aggregate query tells whether any tool or
 * integration changed — including the circuit-breaker state the executor reads from the cached rows.
 */
export async function assistantTools(db: Db, organizationId: string, locale: Locale): Promise<AssistantTool[]> {
  const [row] = await rowsOf<{ version: string | null }>(
    db,
    sql`select count(*)::text || '|' || coalesce(max(t.updated_at)::text, '') || '|' ||
               coalesce(string_agg(distinct i.id::text || coalesce(i.updated_at::text, '') || coalesce(i.circuit_open_until::text, ''), ','), '') as version
          from tools t join integrations i on i.id = t.integration_id
         where t.organization_id = ${organizationId} and t.enabled and i.enabled`,
  );
  const version = row?.version ?? '';
  const key = `${organizationId}|${locale}`;
  const hit = cache.get(key);
  if (hit && hit.version === version) return hit.tools;
  const tools = await listAssistantTools(db, organizationId, locale);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, { version, tools });
  return tools;
}
