import type { SafeFetchOptions } from '../../adapters/outbound-http/safe-fetch.ts';
import type { Deps } from '../../container.ts';
import type { Integration } from '../../db/schema/index.ts';
import type { ArgumentValue } from './coerce-arguments.ts';
import type { IntegrationSecrets } from './integration-secrets.ts';
import type { NameValue, ToolContact } from './tool-definition.ts';

/** What the executor needs from the container; `outboundFetch` lets tests inject a DNS resolver. */
export type ExecutorDeps = Pick<Deps, 'database' | 'secrets' | 'config' | 'logger'> & { outboundFetch?: Partial<SafeFetchOptions> };

/** The exact exchange, for the Test panel (secrets already masked). */
export interface ToolTrace {
  request: { method: string; url: string; headers: { name: string; value: string }[]; body: string | null } | null;
  response: { status: number; headers: { name: string; value: string }[]; body: string; json: unknown; truncated: boolean } | null;
  attempts: number;
}

/** What one run of a tool's transport (HTTP or MCP) produced, before mapping and logging. */
export interface RunOutcome {
  status: 'ok' | 'error' | 'timeout';
  httpStatus?: number;
  /** The parsed response (JSON, MCP structured content or text) when there is one. */
  data?: unknown;
  error?: { code: string; message: string };
  /** Whether the circuit breaker should count this as the remote system failing. */
  remoteFailure: boolean;
  /** Secret values that may appear in the trace or errors. */
  secretValues: string[];
  trace: ToolTrace;
}

/** Everything a transport needs for one call. */
export interface RunContext {
  deps: ExecutorDeps;
  integration: Integration;
  secrets: IntegrationSecrets;
  values: Record<string, ArgumentValue>;
  contact: ToolContact | null;
  conversationId: string | null;
  fetch: SafeFetchOptions;
  /** Absolute deadline (ms since epoch). */
  deadline: number;
}

/** The integration's non-secret header templates (rendered like tool headers). */
export function integrationHeaderTemplates(integration: Integration): NameValue[] {
  return integration.headers.filter((h) => !h.secret).map((h) => ({ name: h.name, value: h.value }));
}

/**
 * Final headers of a request: integration headers (templated, then secret ones) overridden by the
 * tool's, overridden by the auth credentials. Names compare case-insensitively.
 */
export function mergeHeaders(integration: Integration, secrets: IntegrationSecrets, rendered: [string, string][], toolHeaderNames: readonly string[], auth: [string, string][]): [string, string][] {
  const out = new Map<string, [string, string]>();
  const put = ([name, value]: [string, string]) => out.set(name.toLowerCase(), [name, value]);
  const own = new Set(toolHeaderNames.map((n) => n.toLowerCase()));
  for (const h of rendered) if (!own.has(h[0].toLowerCase())) put(h);
  for (const h of integration.headers) if (h.secret && secrets.headers[h.name.toLowerCase()] !== undefined) put([h.name, secrets.headers[h.name.toLowerCase()]!]);
  for (const h of rendered) if (own.has(h[0].toLowerCase())) put(h);
  for (const h of auth) put(h);
  return [...out.values()];
}

/** Parses a body as JSON when it looks like JSON; otherwise returns the text (or undefined when empty). */
export function parseBody(body: Buffer, contentType: string | undefined): unknown {
  const text = body.toString('utf8');
  if (!text.trim()) return undefined;
  if (/json/i.test(contentType ?? '') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
