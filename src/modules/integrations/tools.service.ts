import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../container.ts';
import type { Db } from '../../db/client.ts';
import { type Integration, type ToolRow, tools } from '../../db/schema/index.ts';
import { pgErrorCode } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { openSecrets } from './integration-secrets.ts';
import { integrationNotFound, invalidTool, mcpToolsAreSynced, toolNameTaken, toolNotFound, tooManyTools } from './integrations.errors.ts';
import { countOrgTools, findIntegration, findTool, listToolRows, toolIdByName } from './integrations.repository.ts';
import { responseMappingSchema, type ToolParameter, type ToolRequest, toolParameterSchema, toolRequestSchema } from './tool-definition.ts';
import { isBuiltinTool } from './builtin-tools.ts';
import { toolJsonSchema, validateToolDraft } from './tool-validation.ts';
import type { ToolCreateInput, ToolPatchInput, ToolView } from './tools.schemas.ts';

/** Most tools one organization may have (each is offered to the model by name). */
export const MAX_TOOLS = 500;

/** A stored tool with its definition parsed. */
export interface ToolRecord {
  row: ToolRow;
  integration: Integration;
  parameters: ToolParameter[];
  request: ToolRequest | null;
  responseMapping: { variable: string; path: string }[];
}

/** Parses the jsonb definition of a stored tool (validated when written). */
export function toolRecordOf(row: ToolRow, integration: Integration): ToolRecord {
  return {
    row,
    integration,
    parameters: z.array(toolParameterSchema).parse(row.parameters),
    request: row.request ? toolRequestSchema.parse(row.request) : null,
    responseMapping: z.array(responseMappingSchema).parse(row.responseMapping),
  };
}

/** Loads a tool with its integration (404 when missing or in another organization). */
export async function loadTool(db: Db, organizationId: string, id: string): Promise<ToolRecord> {
  const found = await findTool(db, organizationId, id);
  if (!found) throw toolNotFound();
  return toolRecordOf(found.tool, found.integration);
}

/** One tool as the API shows it; `integrationId` must match when given (nested routes). */
export async function getTool(db: Db, organizationId: string, id: string, integrationId?: string): Promise<ToolView> {
  const found = await findTool(db, organizationId, id);
  if (!found || (integrationId && found.tool.integrationId !== integrationId)) throw toolNotFound();
  return presentTool(found.tool, found.integration);
}

/** A page of tools, of one integration or of the organization. */
export async function listTools(db: Db, organizationId: string, filter: { integrationId?: string; enabledOnly?: boolean }, page: { cursor?: string; limit: number }) {
  if (filter.integrationId && !(await findIntegration(db, organizationId, filter.integrationId))) throw integrationNotFound();
  const result = await listToolRows(db, organizationId, filter, page);
  return { items: result.items.map((r) => presentTool(r.tool, r.integration)), nextCursor: result.nextCursor };
}

/** Creates an HTTP tool in an integration after checking the whole definition. Audited. */
export async function createTool(deps: Pick<Deps, 'database' | 'secrets'>, organizationId: string, integrationId: string, input: ToolCreateInput, actor: AuditActor): Promise<ToolView> {
  const db = deps.database.db;
  const id = newId();
  await db.transaction(async (tx) => {
    const integration = await findIntegration(tx, organizationId, integrationId, { lock: true });
    if (!integration) throw integrationNotFound();
    if (integration.kind === 'mcp') throw mcpToolsAreSynced();
    const issues = validateToolDraft({ ...input, request: input.request }, draftContext(deps, integration));
    if (issues.length) throw invalidTool(issues);
    if ((await countOrgTools(tx, organizationId)) >= MAX_TOOLS) throw tooManyTools(MAX_TOOLS);
    if (isBuiltinTool(input.name) || (await toolIdByName(tx, organizationId, input.name))) throw toolNameTaken(input.name);
    await insertUnique(input.name, () =>
      tx.insert(tools).values({
        id,
        organizationId,
        integrationId,
        ...input,
        replyTemplate: input.replyTemplate ?? null,
        fallbackMessage: input.fallbackMessage ?? null,
        request: input.request,
      }),
    );
    await recordAudit(tx, { organizationId, actor, action: 'tool.created', targetType: 'tool', targetId: id, data: { name: input.name, integrationId } });
  });
  return getTool(db, organizationId, id);
}

/** Changes a tool (partial). MCP tools keep their name, parameters and request (they come from the server). Audited. */
export async function updateTool(deps: Pick<Deps, 'database' | 'secrets'>, organizationId: string, integrationId: string, id: string, patch: ToolPatchInput, actor: AuditActor): Promise<ToolView> {
  const db = deps.database.db;
  await db.transaction(async (tx) => {
    const found = await findTool(tx, organizationId, id, { lock: true });
    if (!found || found.tool.integrationId !== integrationId) throw toolNotFound();
    const current = toolRecordOf(found.tool, found.integration);
    if (found.integration.kind === 'mcp' && (patch.name !== undefined || patch.parameters !== undefined || patch.request !== undefined)) {
      throw invalidTool([{ path: patch.name !== undefined ? 'name' : patch.parameters !== undefined ? 'parameters' : 'request', message: 'Set by the MCP server' }]);
    }
    const draft = {
      parameters: patch.parameters ?? current.parameters,
      request: patch.request ?? current.request,
      responseMapping: patch.responseMapping ?? current.responseMapping,
      replyTemplate: patch.replyTemplate === undefined ? found.tool.replyTemplate : patch.replyTemplate,
    };
    const issues = validateToolDraft(draft, draftContext(deps, found.integration));
    if (issues.length) throw invalidTool(issues);
    if (patch.name && patch.name !== found.tool.name) {
      if (isBuiltinTool(patch.name)) throw toolNameTaken(patch.name);
      const other = await toolIdByName(tx, organizationId, patch.name);
      if (other && other !== id) throw toolNameTaken(patch.name);
    }
    await insertUnique(patch.name ?? found.tool.name, () =>
      tx
        .update(tools)
        .set({ ...patch, updatedAt: new Date() })
        .where(and(eq(tools.id, id), eq(tools.organizationId, organizationId))),
    );
    await recordAudit(tx, { organizationId, actor, action: 'tool.updated', targetType: 'tool', targetId: id, data: { name: patch.name ?? found.tool.name, fields: Object.keys(patch) } });
  });
  return getTool(db, organizationId, id);
}

/** Deletes a tool (its call log stays for reports). Audited. */
export async function deleteTool(db: Db, organizationId: string, integrationId: string, id: string, actor: AuditActor): Promise<void> {
  await db.transaction(async (tx) => {
    const found = await findTool(tx, organizationId, id, { lock: true });
    if (!found || found.tool.integrationId !== integrationId) throw toolNotFound();
    await tx.delete(tools).where(and(eq(tools.id, id), eq(tools.organizationId, organizationId)));
    await recordAudit(tx, { organizationId, actor, action: 'tool.deleted', targetType: 'tool', targetId: id, data: { name: found.tool.name } });
  });
}

/** The integration facts a tool definition is checked against. */
export function draftContext(deps: Pick<Deps, 'secrets'>, integration: Integration) {
  const secretNames = new Set(Object.keys(integration.secretHints.values));
  if (!secretNames.size && integration.secrets) for (const k of Object.keys(openSecrets(deps.secrets, integration).values)) secretNames.add(k);
  return { kind: integration.kind, baseUrl: integration.baseUrl, secretNames };
}

/** A tool as the API shows it. */
export function presentTool(row: ToolRow, integration: Integration): ToolView {
  const record = toolRecordOf(row, integration);
  return {
    id: row.id,
    integrationId: row.integrationId,
    integrationName: integration.name,
    kind: integration.kind,
    name: row.name,
    description: row.description,
    examples: row.examples,
    parameters: record.parameters.map((p) => ({
      name: p.name,
      type: p.type,
      description: p.description,
      required: p.required,
      pattern: p.pattern ?? null,
      enumValues: p.enumValues ?? null,
      example: p.example ?? null,
    })),
    inputSchema: row.inputSchema ?? toolJsonSchema(record.parameters),
    request: record.request ? { ...record.request, body: record.request.body ?? null } : null,
    mcpToolName: row.mcpToolName,
    responseMapping: record.responseMapping,
    responseMode: row.responseMode,
    replyTemplate: row.replyTemplate,
    timeoutMs: row.timeoutMs,
    retries: row.retries,
    fallbackMessage: row.fallbackMessage,
    handoffOnFailure: row.handoffOnFailure,
    requiresConfirmation: row.requiresConfirmation,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Runs a write; a concurrent holder of the name (unique index) becomes a 409, not a 500. */
async function insertUnique(name: string, write: () => Promise<unknown>) {
  try {
    await write();
  } catch (err) {
    if (pgErrorCode(err) === '23505') throw toolNameTaken(name);
    throw err;
  }
}
