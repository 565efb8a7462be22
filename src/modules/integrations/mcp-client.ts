import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createSafeFetch, OutboundHttpError, type SafeFetchOptions } from '../../adapters/outbound-http/safe-fetch.ts';
import type { Integration } from '../../db/schema/index.ts';
import { type IntegrationSecrets, secretPlaintexts } from './integration-secrets.ts';
import { AuthFailure, authFor } from './outbound-auth.ts';
import { ToolInputError } from './placeholders.ts';
import { renderRequest } from './render-request.ts';
import { maskSecrets } from './tool-calls.ts';
import { type ExecutorDeps, integrationHeaderTemplates, mergeHeaders, type RunContext, type RunOutcome, type ToolTrace } from './tool-run.ts';
import type { ToolRecord } from './tools.service.ts';

/** A tool as an MCP server declares it. */
export interface McpToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** Why talking to an MCP server failed. */
export class McpFailure extends Error {
  override name = 'McpFailure';
  constructor(
    readonly code: string,
    message: string,
    readonly timeout = false,
  ) {
    super(message);
  }
}

/**
 * Opens an MCP client session over streamable HTTP with the integration's headers and credentials,
 * every request going through the SSRF-guarded fetch, runs `fn`, and closes the session. The MCP SDK
 * is imported on first use (it costs a start about 170 ms of CPU; see bench/foundation.bench.ts).
 */
export async function withMcpClient<T>(
  deps: ExecutorDeps,
  integration: Integration,
  secrets: IntegrationSecrets,
  fetchOptions: SafeFetchOptions,
  deadline: number,
  fn: (client: Client, remainingMs: () => number) => Promise<T>,
): Promise<T> {
  const remaining = () => Math.max(1, deadline - Date.now());
  const masked = (message: string) => maskSecrets(message, secretPlaintexts(secrets));
  let headers: [string, string][];
  let url: URL;
  try {
    const rendered = renderRequest(
      { baseUrl: null, request: { method: 'POST', url: integration.baseUrl ?? '', headers: [], query: [] }, integrationHeaders: integrationHeaderTemplates(integration) },
      { params: [], args: {}, secrets: secrets.values },
    );
    const auth = await authFor(deps, integration, secrets, { ...fetchOptions, timeoutMs: remaining() });
    headers = mergeHeaders(integration, secrets, rendered.headers, [], auth.headers);
    url = new URL(rendered.url);
    for (const [name, value] of auth.query) url.searchParams.append(name, value);
  } catch (err) {
    if (err instanceof ToolInputError || err instanceof AuthFailure) throw new McpFailure(err.code, masked(err.message), err instanceof AuthFailure && err.code === 'oauth_timeout');
    throw err;
  }
  const [{ Client }, { StreamableHTTPClientTransport }] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
  ]);
  const client = new Client({ name: 'charla', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers: Object.fromEntries(headers) },
    fetch: createSafeFetch({ ...fetchOptions, timeoutMs: remaining() }),
  });
  try {
    await client.connect(transport, { timeout: remaining() });
    return await fn(client, remaining);
  } catch (err) {
    if (err instanceof McpFailure) throw err;
    throw classify(err, masked, deadline);
  } finally {
    await client.close().catch(() => undefined);
  }
}

function classify(err: unknown, masked: (m: string) => string, deadline: number): McpFailure {
  if (err instanceof OutboundHttpError) return new McpFailure(err.code, masked(err.message), err.code === 'timeout');
  const cause = err instanceof Error && err.cause instanceof OutboundHttpError ? err.cause : undefined;
  if (cause) return new McpFailure(cause.code, masked(cause.message), cause.code === 'timeout');
  const message = err instanceof Error ? err.message : String(err);
  const timedOut = Date.now() >= deadline - 5 || /timed? ?out/i.test(message);
  return new McpFailure(timedOut ? 'timeout' : 'mcp_error', masked(`MCP server: ${message}`.slice(0, 500)), timedOut);
}

/** Lists the tools an MCP server offers. */
export async function listMcpServerTools(deps: ExecutorDeps, integration: Integration, secrets: IntegrationSecrets, fetchOptions: SafeFetchOptions, timeoutMs = 15_000): Promise<McpToolInfo[]> {
  return withMcpClient(deps, integration, secrets, fetchOptions, Date.now() + timeoutMs, async (client, remaining) => {
    const out: McpToolInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, { timeout: remaining() });
      for (const t of page.tools) out.push({ name: t.name, description: t.description ?? t.title ?? '', inputSchema: t.inputSchema as Record<string, unknown> });
      cursor = page.nextCursor;
    } while (cursor && out.length < 500);
    return out;
  });
}

/** Calls an MCP tool: its structured content (or its text, parsed when JSON) becomes the data to map. */
export async function runMcpTool(tool: ToolRecord, ctx: RunContext, args: Record<string, unknown>): Promise<RunOutcome> {
  const secretValues = secretPlaintexts(ctx.secrets);
  const trace: ToolTrace = {
    request: { method: 'MCP', url: maskSecrets(ctx.integration.baseUrl ?? '', secretValues), headers: [], body: maskSecrets(JSON.stringify({ name: tool.row.mcpToolName, arguments: args }), secretValues) },
    response: null,
    attempts: 1,
  };
  try {
    const result = await withMcpClient(ctx.deps, ctx.integration, ctx.secrets, ctx.fetch, ctx.deadline, (client, remaining) =>
      client.callTool({ name: tool.row.mcpToolName ?? tool.row.name, arguments: args }, undefined, { timeout: remaining() }),
    );
    const content = Array.isArray(result.content) ? result.content : [];
    const text = content.flatMap((c) => (c && typeof c === 'object' && 'type' in c && c.type === 'text' && 'text' in c ? [String(c.text)] : [])).join('\n');
    let data: unknown = result.structuredContent ?? undefined;
    if (data === undefined && text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
    }
    const body = maskSecrets(JSON.stringify(result), secretValues);
    trace.response = { status: result.isError ? 500 : 200, headers: [], body, json: JSON.parse(body), truncated: false };
    if (result.isError) return { status: 'error', data, error: { code: 'mcp_tool_error', message: maskSecrets(text.slice(0, 500) || 'The MCP tool reported an error', secretValues) }, remoteFailure: false, secretValues, trace };
    return { status: 'ok', data, remoteFailure: false, secretValues, trace };
  } catch (err) {
    if (!(err instanceof McpFailure)) throw err;
    const remote = err.timeout || ['connection_failed', 'dns_failed', 'mcp_error', 'oauth_failed'].includes(err.code);
    return { status: err.timeout ? 'timeout' : 'error', error: { code: err.code, message: err.message }, remoteFailure: remote, secretValues, trace };
  }
}
