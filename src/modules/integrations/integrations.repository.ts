import { and, asc, count, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { type Integration, integrations, type ToolRow, tools } from '../../db/schema/index.ts';
import { decodeCursor, paginate } from '../../shared/pagination.ts';
import { BUILTIN_TOOL_NAMES } from './builtin-tools.ts';

/** One integration of the organization (undefined when missing or in another organization). */
export async function findIntegration(db: Db, organizationId: string, id: string, options: { lock?: boolean } = {}): Promise<Integration | undefined> {
  const query = db.select().from(integrations).where(and(eq(integrations.organizationId, organizationId), eq(integrations.id, id)));
  const [row] = options.lock ? await query.for('update') : await query;
  return row;
}

/** A page of integrations, oldest first, with how many tools each has. */
export async function listIntegrationRows(db: Db, organizationId: string, page: { cursor?: string; limit: number }) {
  const after = decodeCursor(page.cursor, 1);
  const rows = await db
    .select()
    .from(integrations)
    .where(and(eq(integrations.organizationId, organizationId), after ? gt(integrations.id, String(after[0])) : undefined))
    .orderBy(asc(integrations.id))
    .limit(page.limit + 1);
  const result = paginate(rows, page.limit, (r) => [r.id]);
  const counts = await toolCounts(db, organizationId, result.items.map((r) => r.id));
  return { items: result.items.map((row) => ({ row, toolCount: counts.get(row.id) ?? 0 })), nextCursor: result.nextCursor };
}

/** Tools per integration. */
export async function toolCounts(db: Db, organizationId: string, integrationIds: string[]): Promise<Map<string, number>> {
  if (!integrationIds.length) return new Map();
  const rows = await db
    .select({ integrationId: tools.integrationId, n: count() })
    .from(tools)
    .where(and(eq(tools.organizationId, organizationId), inArray(tools.integrationId, integrationIds)))
    .groupBy(tools.integrationId);
  return new Map(rows.map((r) => [r.integrationId, Number(r.n)]));
}

/** How many tools the organization has. */
export async function countOrgTools(db: Db, organizationId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(tools).where(eq(tools.organizationId, organizationId));
  return Number(row?.n ?? 0);
}

/** A tool with its integration (undefined when missing or in another organization). */
export async function findTool(db: Db, organizationId: string, id: string, options: { lock?: boolean } = {}): Promise<{ tool: ToolRow; integration: Integration } | undefined> {
  const query = db
    .select({ tool: tools, integration: integrations })
    .from(tools)
    .innerJoin(integrations, eq(integrations.id, tools.integrationId))
    .where(and(eq(tools.organizationId, organizationId), eq(tools.id, id)));
  const [row] = options.lock ? await query.for('update', { of: tools }) : await query;
  return row;
}

/** A tool by name with its integration. */
export async function findToolByName(db: Db, organizationId: string, name: string): Promise<{ tool: ToolRow; integration: Integration } | undefined> {
  const [row] = await db
    .select({ tool: tools, integration: integrations })
    .from(tools)
    .innerJoin(integrations, eq(integrations.id, tools.integrationId))
    .where(and(eq(tools.organizationId, organizationId), eq(tools.name, name)));
  return row;
}

/** The id of the tool holding a name in the organization, if any. */
export async function toolIdByName(db: Db, organizationId: string, name: string): Promise<string | undefined> {
  const [row] = await db.select({ id: tools.id }).from(tools).where(and(eq(tools.organizationId, organizationId), eq(tools.name, name)));
  return row?.id;
}

/** A page of tools (of one integration, or of the whole organization), oldest first. */
export async function listToolRows(db: Db, organizationId: string, filter: { integrationId?: string; enabledOnly?: boolean }, page: { cursor?: string; limit: number }) {
  const after = decodeCursor(page.cursor, 1);
  const rows = await db
    .select({ tool: tools, integration: integrations })
    .from(tools)
    .innerJoin(integrations, eq(integrations.id, tools.integrationId))
    .where(
      and(
        eq(tools.organizationId, organizationId),
        filter.integrationId ? eq(tools.integrationId, filter.integrationId) : undefined,
        filter.enabledOnly ? and(eq(tools.enabled, true), eq(integrations.enabled, true)) : undefined,
        after ? gt(tools.id, String(after[0])) : undefined,
      ),
    )
    .orderBy(asc(tools.id))
    .limit(page.limit + 1);
  return paginate(rows, page.limit, (r) => [r.tool.id]);
}

/** Every tool of an integration. */
export async function toolsOfIntegration(db: Db, organizationId: string, integrationId: string): Promise<ToolRow[]> {
  return db.select().from(tools).where(and(eq(tools.organizationId, organizationId), eq(tools.integrationId, integrationId))).orderBy(asc(tools.id));
}

/** Every enabled tool of enabled integrations: what the assistant may use. */
export async function activeTools(db: Db, organizationId: string): Promise<{ tool: ToolRow; integration: Integration }[]> {
  return db
    .select({ tool: tools, integration: integrations })
    .from(tools)
    .innerJoin(integrations, eq(integrations.id, tools.integrationId))
    .where(and(eq(tools.organizationId, organizationId), eq(tools.enabled, true), eq(integrations.enabled, true)))
    .orderBy(asc(tools.name));
}

/** Names of tools in the organization that start with a prefix (to pick a free name). */
export async function toolNamesLike(db: Db, organizationId: string, prefix: string): Promise<Set<string>> {
  const rows = await db
    .select({ name: tools.name })
    .from(tools)
    .where(and(eq(tools.organizationId, organizationId), sql`starts_with(${tools.name}, ${prefix})`));
  // Built-in tools' names are taken too: the assistant addresses every tool by name.
  return new Set([...rows.map((r) => r.name), ...BUILTIN_TOOL_NAMES]);
}
