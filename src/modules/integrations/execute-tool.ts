import { type Locale, resolveLocale } from '../../shared/i18n.ts';
import { newId } from '../../shared/ids.ts';
import { toRegion } from '../contacts/index.ts';
import { getOrganization } from '../organizations/organizations.service.ts';
import { admitCall, closeCircuit, recordCallOutcome, releaseProbe } from './circuit-breaker.ts';
import { type ArgumentIssue, coerceArguments } from './coerce-arguments.ts';
import { openSecrets, secretPlaintexts } from './integration-secrets.ts';
import { tIntegrations } from './integrations.i18n.ts';
import { runMcpTool } from './mcp-client.ts';
import { mapResponse, renderReply, trimJson } from './response-mapping.ts';
import { runHttpTool } from './run-http-tool.ts';
import type { ToolContact } from './tool-definition.ts';
import { logToolCall, maskSecrets, redactArguments } from './tool-calls.ts';
import type { ExecutorDeps, RunOutcome, ToolTrace } from './tool-run.ts';
import { loadTool, type ToolRecord } from './tools.service.ts';

/** What the assistant (or the Test panel, or the playground) asks the executor to run. */
export interface ExecuteToolInput {
  organizationId: string;
  /** The stored tool to run; or pass `tool` (a loaded record, or an unsaved draft in the Test panel). */
  toolId?: string;
  tool?: ToolRecord;
  /** Arguments by parameter name, as the model or the offline brain collected them (validated here). */
  args: Record<string, unknown>;
  /** The conversation's customer, for `{{contact.*}}` placeholders. */
  contact?: ToolContact | null;
  conversationId?: string | null;
  source: 'assistant' | 'test' | 'playground';
  /** Language of the default fallback message (defaults to the organization's). */
  locale?: Locale;
  /** Return the exact request and response, secrets masked (the Test panel). */
  trace?: boolean;
  /**
   * When given, the call's log entry is written without waiting for its commit: the write's promise is
   * added here and the caller must await every one before it finishes (the assistant does at the end of
   * the turn, so the commit overlaps the model's next step instead of delaying it).
   */
  pendingWrites?: Promise<unknown>[];
}

/** The outcome of a tool call, in the shape both brains consume. */
export interface ToolExecution {
  /** `ok`: 2xx (or MCP success). `circuit_open`: refused at once because the integration keeps failing. */
  status: 'ok' | 'error' | 'timeout' | 'circuit_open';
  httpStatus?: number;
  /** Values picked by the response mapping (empty when the call failed). */
  variables: Record<string, unknown>;
  /** The reply template filled in (`template` mode, successful calls). Safe to send to the customer. */
  reply?: string;
  /** The trimmed response for the model (`json` mode; also on HTTP errors so a model can explain them). Never holds secrets the request used. */
  json?: unknown;
  /** `invalid_arguments` (with `issues`: re-ask the customer), `http_error`, `timeout`, `blocked_address`, `tool_disabled`… */
  error?: { code: string; message: string; issues?: ArgumentIssue[] };
  latencyMs: number;
  /** What to tell the customer when the call failed (the tool's message or a default in `locale`). */
  fallbackMessage?: string;
  /** Whether the conversation should go to a person now (the tool's "hand off on failure"). */
  handoff?: boolean;
  /** The id of the call in the log (`tool_calls`). */
  callId: string;
  /** Only with `trace: true`. */
  trace?: ToolTrace;
}

/**
 * Runs a tool once: validates and converts the arguments, checks the integration's circuit breaker,
 * calls the HTTP API (SSRF-guarded, retried when safe) or the MCP server, maps the response into
 * variables and the reply template, and records the call (arguments redacted) in `tool_calls`.
 * It never throws for a failed call: failures come back as a status with a fallback message, so the
 * assistant can always answer. Confirmation is the caller's job (`requiresConfirmation` on the tool).
 */
export async function executeTool(deps: ExecutorDeps, input: ExecuteToolInput): Promise<ToolExecution> {
  const started = performance.now();
  const tool = input.tool ?? (await loadTool(deps.database.db, input.organizationId, input.toolId ?? ''));
  if (tool.row.organizationId !== input.organizationId || tool.integration.organizationId !== input.organizationId) {
    throw new Error('The tool does not belong to this organization');
  }
  const org = await getOrganization(deps.database.db, input.organizationId);
  const locale = input.locale ?? resolveLocale(org.locale);
  const secrets = openSecrets(deps.secrets, tool.integration);
  const secretValues = secretPlaintexts(secrets);
  const { row, integration } = tool;
  const contact = input.contact ?? null;

  const finish = async (outcome: Omit<ToolExecution, 'latencyMs' | 'callId'>, logged: { remoteFailure?: boolean; probe?: boolean; record: boolean }) => {
    const latencyMs = Math.round(performance.now() - started);
    const failed = outcome.status !== 'ok';
    if (failed && outcome.error?.code !== 'invalid_arguments' && outcome.error?.code !== 'tool_disabled') {
      outcome.fallbackMessage = row.fallbackMessage?.trim() || tIntegrations(locale, row.handoffOnFailure ? 'fallbackHandoff' : 'fallback');
      outcome.handoff = row.handoffOnFailure;
    }
    // A success closes the circuit in the same statement as the log entry; a failure counts first (it may open it).
    const closing = logged.record && !logged.remoteFailure;
    if (logged.record && !closing) await recordCallOutcome(deps.database.db, integration, { failed: true, probe: !!logged.probe });
    const callId = newId();
    const write = logToolCall(deps.database.db, {
      id: callId,
      organizationId: input.organizationId,
      // An unsaved draft (the Test panel) has no id yet.
      toolId: row.id || null,
      integrationId: integration.id || null,
      toolName: row.name,
      conversationId: input.conversationId ?? null,
      source: input.source,
      arguments: redactArguments(tool.parameters, input.args, secretValues),
      status: outcome.status,
      httpStatus: outcome.httpStatus ?? null,
      latencyMs,
      errorCode: outcome.error?.code ?? null,
      error: outcome.error?.message ?? null,
    }, closing ? closeCircuit(deps.database.db, integration) : undefined);
    if (input.pendingWrites) {
      // Marked handled here; the caller awaits the write itself (and sees its error there).
      write.catch(() => undefined);
      input.pendingWrites.push(write);
    } else await write;
    return { ...outcome, latencyMs, callId };
  };

  if (input.source === 'assistant' && (!row.enabled || !integration.enabled)) {
    return finish({ status: 'error', variables: {}, error: { code: 'tool_disabled', message: 'This tool is disabled' } }, { record: false });
  }
  const coerced = coerceArguments(tool.parameters, input.args, { region: toRegion(org.country) });
  if (!coerced.ok) {
    const message = coerced.issues.map((i) => i.message).join('; ');
    return finish({ status: 'error', variables: {}, error: { code: 'invalid_arguments', message, issues: coerced.issues } }, { record: false });
  }

  // A person testing a tool may call it while the circuit is open; the outcome still counts.
  const admission = input.source === 'test' ? 'closed' : await admitCall(deps.database.db, integration);
  if (admission === 'open') {
    return finish({ status: 'circuit_open', variables: {}, error: { code: 'circuit_open', message: `${integration.name} failed repeatedly; calls are paused for a moment` } }, { record: false });
  }
  const ctx = {
    deps,
    integration,
    secrets,
    values: coerced.values,
    contact,
    conversationId: input.conversationId ?? null,
    fetch: { allowPrivateNetwork: deps.config.allowPrivateNetwork, allowedPrivateHosts: integration.allowedPrivateHosts, ...deps.outboundFetch },
    deadline: Date.now() + row.timeoutMs,
  };
  let run: RunOutcome;
  if (integration.kind === 'mcp') {
    // MCP servers receive every argument the schema declares; scalar ones are validated and converted.
    const declared = Object.keys((row.inputSchema?.properties as Record<string, unknown> | undefined) ?? {});
    const passthrough = Object.fromEntries(Object.entries(input.args).filter(([k, v]) => declared.includes(k) && v !== null && typeof v === 'object'));
    run = await runMcpTool(tool, ctx, { ...passthrough, ...coerced.values });
  } else {
    run = await runHttpTool(tool, ctx);
  }

  const result: Omit<ToolExecution, 'latencyMs' | 'callId'> = {
    status: run.status,
    httpStatus: run.httpStatus,
    variables: {},
    error: run.error,
    ...(input.trace ? { trace: run.trace } : {}),
  };
  if (run.status === 'ok') {
    result.variables = mapResponse(run.data, tool.responseMapping);
    if (row.responseMode === 'template' && row.replyTemplate) {
      result.reply = renderReply(row.replyTemplate, { variables: result.variables, args: coerced.values, contact: contact ? { ...contact } : null });
    }
  }
  if (run.data !== undefined && (row.responseMode === 'json' || (run.status === 'error' && run.httpStatus))) {
    result.json = trimJson(redactDeep(run.data, run.secretValues));
  }
  // Only an exchange that reached the remote system (or failed on the way to it) says anything about its
  // health; a local problem (a missing secret, a refused address) leaves the circuit as it was.
  const contacted = run.trace.response !== null || run.remoteFailure;
  if (!contacted && admission === 'probe') await releaseProbe(deps.database.db, integration);
  return finish(result, { record: contacted, remoteFailure: run.remoteFailure, probe: admission === 'probe' });
}

/** A copy of a value with secret strings masked (a response may echo a credential back). */
function redactDeep(value: unknown, secrets: string[]): unknown {
  if (typeof value === 'string') return maskSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)]));
  return value;
}
