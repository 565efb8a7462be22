import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header Meta signs webhook POSTs with. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

const SIGNATURE_RE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(appSecret, rawBody)>` in constant time.
 * `rawBody` must be the exact bytes received: re-serialized JSON loses Meta's `\uXXXX` escapes and
 * fails. A missing, garbled or repeated header is simply `false`, never an exception.
 */
export function verifyWebhookSignature(
  rawBody: Uint8Array | string,
  signatureHeader: string | readonly string[] | null | undefined,
  appSecret: string,
): boolean {
  if (!appSecret || typeof signatureHeader !== 'string') return false;
  const match = SIGNATURE_RE.exec(signatureHeader.trim());
  if (!match?.[1]) return false;
  const received = Buffer.from(match[1].toLowerCase(), 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  // Both are 32 bytes here (the regex fixes the length), so timingSafeEqual cannot throw.
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/** The `X-Hub-Signature-256` header value for a body: `sha256=` + lowercase hex HMAC. */
export function signWebhookBody(rawBody: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
