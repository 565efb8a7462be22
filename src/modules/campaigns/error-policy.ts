import { classifyErrorCode } from '../../adapters/whatsapp-cloud/graph-errors.ts';

/** Template errors that would hit every recipient alike: the template changed, was paused or disabled. */
const TEMPLATE_WIDE = new Set([132000, 132001, 132012, 132015, 132016]);

/**
 * Whether a failure stops the whole campaign instead of one recipient: the business account is
 * restricted, unpaid or over its limits (131042, 131048, 368…), the credentials stopped working, or
 * the template itself can no longer be sent (paused 132015, disabled 132016, gone 132001…).
 */
export function pausesCampaign(code: string | number | null | undefined): boolean {
  const n = Number(code);
  if (!Number.isInteger(n)) return code === 'channel_unavailable' || code === 'credentials_unreadable';
  if (TEMPLATE_WIDE.has(n)) return true;
  const c = classifyErrorCode(n);
  return c === 'account' || c === 'auth';
}

/**
 * Whether a failed recipient deserves an automatic resend: temporary failures and rate limits only —
 * never "not on WhatsApp" (131026), "stopped marketing messages" (131050), the per-user marketing limit
 * (131049), the 24-hour window or any other permanent refusal. Charla's own `send_attempts_exhausted`
 * (WhatsApp unreachable) is temporary too.
 */
export function isResendable(code: string | null | undefined): boolean {
  if (code === 'send_attempts_exhausted') return true;
  const n = Number(code);
  if (!code || !Number.isInteger(n)) return false;
  const c = classifyErrorCode(n);
  return c === 'retryable' || c === 'rate_limited';
}

/** Every numeric code `isResendable` accepts, for set-based SQL (`error_code = any(...)`). */
export const RESENDABLE_CODES: string[] = (() => {
  const known = [-1, 1, 2, 4, 613, 80007, 130429, 131000, 131016, 131056, 131057, 133004];
  return [...known.filter((c) => isResendable(String(c))).map(String), 'send_attempts_exhausted'];
})();
