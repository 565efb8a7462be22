import { and, eq } from 'drizzle-orm';
import type { Deps } from '../../container.ts';
import { integrations, tools } from '../../db/schema/index.ts';
import { validationError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { integrationNotFound, invalidTool, mcpToolsAreSynced, tooManyTools } from './integrations.errors.ts';
import { countOrgTools, findIntegration, toolNamesLike } from './integrations.repository.ts';
import { type OperationPreview, previewOpenApi } from './openapi-document.ts';
import { validateToolDraft } from './tool-validation.ts';
import { draftContext, getTool, MAX_TOOLS } from './tools.service.ts';
import type { ToolView } from './tools.schemas.ts';

/** Input of an OpenAPI import: the document and, to create tools, the chosen operations. */
export interface ImportOpenApiInput {
  document: string;
  /** operationIds or `METHOD /path` keys; absent = preview only. */
  operations?: string[];
  /** Preview what would be created without creating it. */
  dryRun?: boolean;
}

/** The preview, and the tools created (empty for a preview). */
export interface ImportOpenApiResult {
  title: string;
  version: string;
  servers: string[];
  baseUrl: string | null;
  operations: OperationPreview[];
  created: ToolView[];
}

/**
 * Previews an OpenAPI document's operations as tools and, given a selection, creates those tools in
 * the integration in one transaction (names made unique in the organization). When the integration has
 * no base URL, the document's first server URL becomes it. Audited.
 */
export async function importOpenApi(deps: Pick<Deps, 'database' | 'secrets'>, organizationId: string, integrationId: string, input: ImportOpenApiInput, actor: AuditActor): Promise<ImportOpenApiResult> {
  const db = deps.database.db;
  const integration = await findIntegration(db, organizationId, integrationId);
  if (!integration) throw integrationNotFound();
  if (integration.kind === 'mcp') throw mcpToolsAreSynced();
  const preview = await previewOpenApi(input.document);
  const baseUrl = integration.baseUrl ?? preview.servers[0] ?? null;
  const base = { title: preview.title, version: preview.version, servers: preview.servers, baseUrl, operations: preview.operations };
  if (!input.operations) return { ...base, created: [] };

  const chosen: OperationPreview[] = [];
  const issues = input.operations.flatMap((wanted, i) => {
    const op = preview.operations.find((o) => o.operationId === wanted || o.key.toLowerCase() === wanted.trim().toLowerCase());
    if (!op) return [{ path: `operations.${i}`, message: `No operation "${wanted}" in the document` }];
    if (!op.importable || !op.tool) return [{ path: `operations.${i}`, message: `${op.key} cannot be imported: ${op.warnings.join('; ')}` }];
    if (!chosen.includes(op)) chosen.push(op);
    return [];
  });
  if (issues.length) throw validationError('Some operations cannot be imported', issues, 'openapi_operations_invalid');
  if (!baseUrl && chosen.some((op) => op.tool?.request.url.startsWith('/'))) {
    throw validationError('Set the integration\'s base URL: the document declares no absolute server', [{ path: 'document', message: 'No server URL' }], 'openapi_no_server');
  }
  if (input.dryRun) return { ...base, created: [] };

  const ids: string[] = [];
  await db.transaction(async (tx) => {
    const locked = await findIntegration(tx, organizationId, integrationId, { lock: true });
    if (!locked) throw integrationNotFound();
    if ((await countOrgTools(tx, organizationId)) + chosen.length > MAX_TOOLS) throw tooManyTools(MAX_TOOLS);
    if (!locked.baseUrl && baseUrl) {
      await tx.update(integrations).set({ baseUrl, updatedAt: new Date() }).where(and(eq(integrations.id, integrationId), eq(integrations.organizationId, organizationId)));
    }
    const context = { ...draftContext(deps, locked), baseUrl };
    for (const op of chosen) {
      const tool = op.tool!;
      const problems = validateToolDraft(tool, context);
      if (problems.length) throw invalidTool(problems.map((p) => ({ ...p, path: `${op.key}: ${p.path}` })));
      const taken = await toolNamesLike(tx, organizationId, tool.name);
      let name = tool.name;
      for (let n = 2; taken.has(name); n++) name = `${tool.name.slice(0, 60)}_${n}`;
      const id = newId();
      await tx.insert(tools).values({ id, organizationId, integrationId, ...tool, name, replyTemplate: null, fallbackMessage: null });
      ids.push(id);
    }
    await recordAudit(tx, { organizationId, actor, action: 'integration.openapi_imported', targetType: 'integration', targetId: integrationId, data: { operations: chosen.map((o) => o.key), toolIds: ids } });
  });
  const created = await Promise.all(ids.map((id) => getTool(db, organizationId, id)));
  return { ...base, created };
}
