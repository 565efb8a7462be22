import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** A new time-ordered UUID (v7): sortable by creation, so it doubles as a pagination key. */
export const newId = (): string => uuidv7();

/** A random URL-safe token with `bytes` of entropy. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** SHA-256 hex digest; used for high-entropy tokens (sessions, API keys, invitations) stored at rest. */
// One-shot `hash` (Node ≥ 20.12): half the cost of a Hash object; API keys and session tokens are hashed on every request.
export const sha256 = (value: string): string => hash('sha256', value, 'hex');

/** Constant-time comparison of two strings of possibly different length. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) return false;
  return timingSafeEqual(ab, bb);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** True when the string is a UUID; used to answer 404 (not 500) for malformed ids. */
export const isUuid = (value: string): boolean => UUID_RE.test(value);
