import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../../../shared/secrets.ts';
import { isUuid } from '../../../shared/ids.ts';

const PURPOSE = 'webchat-visitor/v1';

/**
 * Web chat visitors carry a signed token `<visitorId>.<signature>`: an HMAC-SHA256 of the channel and
 * visitor ids under a key derived from the master key. Nothing about it is stored; a token for one
 * channel does not open another channel's chat, and it cannot be forged without the master key.
 */
export function signVisitorToken(secrets: SecretBox, channelId: string, visitorId: string): string {
  return `${visitorId}.${signature(secrets, channelId, visitorId)}`;
}

/** The visitor id behind a token for this channel, or null when the token is missing, malformed or forged. */
export function verifyVisitorToken(secrets: SecretBox, channelId: string, token: string | undefined | null): string | null {
  if (!token || token.length > 200) return null;
  const dot = token.indexOf('.');
  const visitorId = token.slice(0, dot);
  if (dot < 0 || !isUuid(visitorId)) return null;
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(signature(secrets, channelId, visitorId));
  return given.length === expected.length && timingSafeEqual(given, expected) ? visitorId : null;
}

const keys = new WeakMap<SecretBox, Buffer>();

function signature(secrets: SecretBox, channelId: string, visitorId: string): string {
  let key = keys.get(secrets);
  if (!key) {
    key = secrets.deriveKey(PURPOSE);
    keys.set(secrets, key);
  }
  return createHmac('sha256', key).update(`${channelId}:${visitorId}`).digest('base64url');
}

/** How long a signed file link handed to the widget works. */
export const FILE_LINK_TTL_MS = 10 * 60_000;

/** A signature for a short-lived file link (`<img src>` cannot send the visitor header). */
export function signFileLink(secrets: SecretBox, channelId: string, fileId: string, expiresAt: number): string {
  return signature(secrets, channelId, `file:${fileId}:${expiresAt}`);
}

/** Whether a file link's signature is valid and not expired. */
export function verifyFileLink(secrets: SecretBox, channelId: string, fileId: string, expiresAt: number, sig: string): boolean {
  if (!Number.isFinite(expiresAt) || expiresAt < Date.now()) return false;
  const given = Buffer.from(sig);
  const expected = Buffer.from(signFileLink(secrets, channelId, fileId, expiresAt));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
