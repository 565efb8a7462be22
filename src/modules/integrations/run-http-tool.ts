import { type ExchangeResult, exchange, type WireRequest } from './http-exchange.ts';
import { secretPlaintexts } from './integration-secrets.ts';
import { AuthFailure, type AuthParts, authFor } from './outbound-auth.ts';
import { ToolInputError } from './placeholders.ts';
import { renderRequest } from './render-request.ts';
import { IDEMPOTENT_METHODS, type ToolRequest } from './tool-definition.ts';
import { MASK, maskSecrets } from './tool-calls.ts';
import { integrationHeaderTemplates, mergeHeaders, parseBody, type RunContext, type RunOutcome, type ToolTrace } from './tool-run.ts';
import type { ToolRecord } from './tools.service.ts';

const TRACE_BODY_BYTES = 64 * 1024;
// Headers whose whole value is a credential, masked in traces whatever they contain.
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key']);

/**
 * Runs an HTTP tool: renders its request (escaping every value for where it lands), adds the
 * integration's headers and credentials, sends it through the SSRF-guarded client with retries, and
 * retries once with a fresh OAuth token when a cached one is refused (401).
 */
export async function runHttpTool(tool: ToolRecord, ctx: RunContext): Promise<RunOutcome> {
  const { integration, secrets } = ctx;
  const secretValues = secretPlaintexts(secrets);
  const request = tool.request as ToolRequest;
  const trace: ToolTrace = { request: null, response: null, attempts: 0 };
  const fail = (code: string, message: string, extra: Partial<RunOutcome> = {}): RunOutcome => ({
    status: 'error',
    error: { code, message: maskSecrets(message, secretValues) },
    remoteFailure: false,
    secretValues,
    trace,
    ...extra,
  });

  let rendered: ReturnType<typeof renderRequest>;
  try {
    rendered = renderRequest(
      { baseUrl: integration.baseUrl, request, integrationHeaders: integrationHeaderTemplates(integration) },
      { params: tool.parameters, args: ctx.values, contact: ctx.contact, secrets: secrets.values, conversationId: ctx.conversationId },
    );
  } catch (err) {
    if (err instanceof ToolInputError) return fail(err.code, err.message);
    throw err;
  }
  secretValues.push(...rendered.secretValues);

  const build = (auth: AuthParts): WireRequest => {
    const url = new URL(rendered.url);
    for (const [name, value] of auth.query) url.searchParams.append(name, value);
    const headers = mergeHeaders(integration, secrets, rendered.headers, request.headers.map((h) => h.name), auth.headers);
    return { method: rendered.method, url: url.toString(), headers, body: rendered.body };
  };
  const send = async (wire: WireRequest): Promise<ExchangeResult> => {
    trace.request = displayRequest(wire, secretValues);
    const result = await exchange(wire, { retries: tool.row.retries, idempotent: IDEMPOTENT_METHODS.has(rendered.method), deadline: ctx.deadline, fetch: ctx.fetch });
    trace.attempts += result.attempts;
    return result;
  };

  let result: ExchangeResult;
  try {
    let auth = await authFor(ctx.deps, integration, secrets, { ...ctx.fetch, timeoutMs: Math.max(1, ctx.deadline - Date.now()) });
    secretValues.push(...auth.secretValues);
    result = await send(build(auth));
    if (result.ok && result.response.status === 401 && auth.cachedToken) {
      // The cached token was revoked or expired early: get a new one and try once more.
      auth = await authFor(ctx.deps, integration, secrets, { ...ctx.fetch, timeoutMs: Math.max(1, ctx.deadline - Date.now()) }, { forceRefresh: true });
      secretValues.push(...auth.secretValues);
      result = await send(build(auth));
    }
  } catch (err) {
    if (err instanceof AuthFailure) {
      return fail(err.code, err.message, { status: err.code === 'oauth_timeout' ? 'timeout' : 'error', remoteFailure: err.temporary });
    }
    throw err;
  }

  if (!result.ok) {
    const { error } = result;
    const remote = error.code === 'timeout' || error.code === 'connection_failed' || error.code === 'dns_failed';
    return fail(error.code, error.message, { status: error.code === 'timeout' ? 'timeout' : 'error', remoteFailure: remote });
  }
  const { response } = result;
  const contentType = response.headers.find(([n]) => n === 'content-type')?.[1];
  const data = parseBody(response.body, contentType);
  trace.response = displayResponse(response.status, response.headers, response.body, secretValues);
  const ok = response.status >= 200 && response.status < 300;
  return {
    status: ok ? 'ok' : 'error',
    httpStatus: response.status,
    data,
    error: ok ? undefined : { code: 'http_error', message: `The API answered ${response.status}` },
    remoteFailure: response.status === 429 || response.status >= 500,
    secretValues,
    trace,
  };
}

function displayRequest(wire: WireRequest, secrets: string[]): NonNullable<ToolTrace['request']> {
  return {
    method: wire.method,
    url: maskSecrets(wire.url, secrets),
    headers: wire.headers.map(([name, value]) => ({ name, value: maskHeader(name, value, secrets) })),
    body: wire.body === undefined ? null : maskSecrets(wire.body, secrets),
  };
}

function displayResponse(status: number, headers: [string, string][], body: Buffer, secrets: string[]): NonNullable<ToolTrace['response']> {
  const truncated = body.length > TRACE_BODY_BYTES;
  const text = maskSecrets(body.subarray(0, TRACE_BODY_BYTES).toString('utf8'), secrets);
  let json: unknown = null;
  if (!truncated) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  return { status, headers: headers.map(([name, value]) => ({ name, value: maskHeader(name, value, secrets) })), body: text, json, truncated };
}

function maskHeader(name: string, value: string, secrets: string[]): string {
  const lower = name.toLowerCase();
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const scheme = /^(\w+)\s/.exec(value)?.[1];
    return scheme ? `${scheme} ${MASK}` : MASK;
  }
  if (CREDENTIAL_HEADERS.has(lower)) return MASK;
  return maskSecrets(value, secrets);
}
