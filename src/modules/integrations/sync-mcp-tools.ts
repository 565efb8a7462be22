import { and, eq } from 'drizzle-orm';
import { integrations, tools } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { openSecrets } from './integration-secrets.ts';
import { integrationNotFound, mcpUnavailable, notAnMcpIntegration, tooManyTools } from './integrations.errors.ts';
import { countOrgTools, findIntegration, toolNamesLike, toolsOfIntegration } from './integrations.repository.ts';
import { parametersFromObjectSchema } from './json-schema-params.ts';
import { listMcpServerTools, McpFailure } from './mcp-client.ts';
import { toolNameFor } from './openapi-document.ts';
import type { ExecutorDeps } from './tool-run.ts';
import { getTool, MAX_TOOLS } from './tools.service.ts';
import type { ToolView } from './tools.schemas.ts';

/** What a sync changed. */
export interface McpSyncResult {
  added: string[];
  updated: string[];
  removed: string[];
  tools: ToolView[];
}

/**
 * Reads an MCP server's tool list and mirrors it as tools of the integration: new server tools are
 * added (snake_case names, unique in the organization; the server's name is kept for calls), existing
 * ones get the server's current input schema and parameters (people's edits to descriptions, examples,
 * confirmation and fallback are kept), and tools the server no longer offers are removed. Audited.
 */
export async function syncMcpTools(deps: ExecutorDeps, organizationId: string, integrationId: string, actor: AuditActor): Promise<McpSyncResult> {
  const db = deps.database.db;
  const integration = await findIntegration(db, organizationId, integrationId);
  if (!integration) throw integrationNotFound();
  if (integration.kind !== 'mcp') throw notAnMcpIntegration();
  let serverTools: Awaited<ReturnType<typeof listMcpServerTools>>;
  try {
    const fetch = { allowPrivateNetwork: deps.config.allowPrivateNetwork, allowedPrivateHosts: integration.allowedPrivateHosts, ...deps.outboundFetch };
    serverTools = await listMcpServerTools(deps, integration, openSecrets(deps.secrets, integration), fetch);
  } catch (err) {
    if (err instanceof McpFailure) throw mcpUnavailable(`Could not list the MCP server's tools: ${err.message}`);
    throw err;
  }
  const result: McpSyncResult = { added: [], updated: [], removed: [], tools: [] };
  const ids: string[] = [];
  await db.transaction(async (tx) => {
    if (!(await findIntegration(tx, organizationId, integrationId, { lock: true }))) throw integrationNotFound();
    const existing = new Map((await toolsOfIntegration(tx, organizationId, integrationId)).map((t) => [t.mcpToolName ?? t.name, t]));
    const newCount = serverTools.filter((t) => !existing.has(t.name)).length;
    if ((await countOrgTools(tx, organizationId)) + newCount > MAX_TOOLS) throw tooManyTools(MAX_TOOLS);
    for (const server of serverTools) {
      const { parameters } = parametersFromObjectSchema(server.inputSchema);
      const description = (server.description || server.name).slice(0, 1000);
      const current = existing.get(server.name);
      if (current) {
        await tx.update(tools).set({ parameters, inputSchema: server.inputSchema, updatedAt: new Date() }).where(and(eq(tools.id, current.id), eq(tools.organizationId, organizationId)));
        existing.delete(server.name);
        ids.push(current.id);
        result.updated.push(current.name);
        continue;
      }
      const base = toolNameFor(server.name, '', '');
      const taken = await toolNamesLike(tx, organizationId, base);
      let name = base;
      for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 60)}_${n}`;
      const id = newId();
      await tx.insert(tools).values({
        id,
        organizationId,
        integrationId,
        name,
        description,
        parameters,
        inputSchema: server.inputSchema,
        mcpToolName: server.name,
        request: null,
        responseMode: 'json',
      });
      ids.push(id);
      result.added.push(name);
    }
    for (const gone of existing.values()) {
      await tx.delete(tools).where(and(eq(tools.id, gone.id), eq(tools.organizationId, organizationId)));
      result.removed.push(gone.name);
    }
    await tx.update(integrations).set({ lastSyncedAt: new Date() }).where(and(eq(integrations.id, integrationId), eq(integrations.organizationId, organizationId)));
    await recordAudit(tx, { organizationId, actor, action: 'integration.mcp_synced', targetType: 'integration', targetId: integrationId, data: { added: result.added, removed: result.removed } });
  });
  result.tools = await Promise.all(ids.map((id) => getTool(db, organizationId, id)));
  return result;
}
