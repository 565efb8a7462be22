import { GraphApiError } from '../../adapters/whatsapp-cloud/types.ts';
import { AppError } from '../../shared/errors.ts';

/**
 * A failed call to Meta's template API as a problem the API can answer: Meta's own words when it
 * refused the request (422 `whatsapp_rejected`), 422 `whatsapp_auth_failed` for bad credentials,
 * 503 `whatsapp_unavailable` (retry later) for network trouble and rate limits. Anything else is rethrown.
 */
export function graphFailure(err: unknown): unknown {
  if (!(err instanceof GraphApiError)) return err;
  const words = [err.title, err.details].filter(Boolean).join(': ') || err.message;
  if (err.classification === 'auth') {
    return new AppError('unprocessable', 'whatsapp_auth_failed', `WhatsApp refused the channel's credentials (${err.code}): ${words}. Update the access token in the channel settings.`);
  }
  if (err.classification === 'retryable' || err.classification === 'rate_limited') {
    return new AppError('unavailable', 'whatsapp_unavailable', `WhatsApp could not be reached or is busy (${err.code}): ${words}. Try again in a moment.`, {
      retryAfterSeconds: Math.max(1, Math.ceil((err.retryAfterMs ?? 5000) / 1000)),
    });
  }
  return new AppError('unprocessable', 'whatsapp_rejected', `WhatsApp refused the template (${err.code}${err.subcode ? `/${err.subcode}` : ''}): ${words}`);
}
