import type { ToolRow } from '../../db/schema/index.ts';
import { executeTool, type ToolExecution } from './execute-tool.ts';
import { integrationNotFound, invalidTool, mcpToolsAreSynced } from './integrations.errors.ts';
import { findIntegration } from './integrations.repository.ts';
import type { ToolContact } from './tool-definition.ts';
import type { ExecutorDeps } from './tool-run.ts';
import { validateToolDraft } from './tool-validation.ts';
import type { ToolCreateInput, ToolTestResult } from './tools.schemas.ts';
import { draftContext, loadTool, toolRecordOf } from './tools.service.ts';

/** Sample values of a test run. */
export interface TestInput {
  args: Record<string, string | number | boolean | null>;
  contact?: ToolContact;
}

/**
 * Runs a stored tool with sample values and returns what happened in full: the exact request (secrets
 * masked), the response, the mapped variables, the reply and the latency. Logged with source `test`.
 */
export async function testTool(deps: ExecutorDeps, organizationId: string, toolId: string, input: TestInput): Promise<ToolTestResult> {
  const tool = await loadTool(deps.database.db, organizationId, toolId);
  return present(await executeTool(deps, { organizationId, tool, args: input.args, contact: input.contact ?? null, source: 'test', trace: true }));
}

/** Runs an unsaved tool definition of an integration (the tool builder's Test button before saving). */
export async function testDraftTool(deps: ExecutorDeps, organizationId: string, integrationId: string, draft: ToolCreateInput, input: TestInput): Promise<ToolTestResult> {
  const integration = await findIntegration(deps.database.db, organizationId, integrationId);
  if (!integration) throw integrationNotFound();
  if (integration.kind === 'mcp') throw mcpToolsAreSynced();
  const issues = validateToolDraft(draft, draftContext(deps, integration));
  if (issues.length) throw invalidTool(issues.map((i) => ({ ...i, path: `tool.${i.path}` })));
  const now = new Date();
  const row: ToolRow = {
    ...draft,
    id: '',
    organizationId,
    integrationId,
    replyTemplate: draft.replyTemplate ?? null,
    fallbackMessage: draft.fallbackMessage ?? null,
    mcpToolName: null,
    inputSchema: null,
    createdAt: now,
    updatedAt: now,
  };
  const tool = toolRecordOf(row, integration);
  return present(await executeTool(deps, { organizationId, tool, args: input.args, contact: input.contact ?? null, source: 'test', trace: true }));
}

function present(r: ToolExecution): ToolTestResult {
  return {
    status: r.status,
    httpStatus: r.httpStatus ?? null,
    latencyMs: r.latencyMs,
    request: r.trace?.request ?? null,
    response: r.trace?.response ?? null,
    attempts: r.trace?.attempts ?? 0,
    variables: r.variables,
    reply: r.reply ?? null,
    json: r.json ?? null,
    error: r.error ?? null,
    fallbackMessage: r.fallbackMessage ?? null,
    handoff: r.handoff ?? false,
  };
}
