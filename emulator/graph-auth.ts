import type { FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { invalidToken, MetaError, fbtraceId, unknownObject } from './meta-errors.ts';
import type { PhoneNumber } from './state.ts';

const VERSION_RE = /^v\d+\.\d+$/;

/** Graph paths start with an API version such as `v25.0`; anything else is an unknown path. */
export function checkVersion(version: string): void {
  if (!VERSION_RE.test(version)) {
    throw new MetaError(400, {
      error: { message: `Unknown path components: /${version}`, type: 'OAuthException', code: 2500, fbtrace_id: fbtraceId() },
    });
  }
}

/** The token of a request (`Bearer`, or `OAuth` as Meta's upload API spells it), or undefined. */
export function bearerToken(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Requires a token that belongs to a registered number (code 190 otherwise). */
export function requireToken(ctx: EmulatorContext, req: FastifyRequest): string {
  const token = bearerToken(req);
  if (!token) throw invalidToken(true);
  for (const phone of ctx.state.phones.values()) if (phone.accessToken === token) return token;
  throw invalidToken(false);
}

/** The phone number `id` if this token may use it; otherwise Graph's "object does not exist". */
export function ownedPhone(ctx: EmulatorContext, token: string, id: string, method: 'get' | 'post' | 'delete' = 'post'): PhoneNumber {
  const phone = ctx.state.phones.get(id);
  if (!phone || phone.accessToken !== token) throw unknownObject(id, method);
  return phone;
}

/** True when the token belongs to a number of the WABA. */
export function tokenCanUseWaba(ctx: EmulatorContext, token: string, wabaId: string): boolean {
  return ctx.state.phonesOfWaba(wabaId).some((p) => p.accessToken === token);
}

/** Waits, when the configuration adds latency to every answer. */
export async function configuredLatency(ctx: EmulatorContext, extraMs = 0): Promise<void> {
  const ms = ctx.state.config.latencyMs + extraMs;
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}
