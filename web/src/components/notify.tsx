import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCheck } from '@tabler/icons-react';
import { ApiError } from '../api/client.ts';
import { i18n, type Namespace, translateDynamic } from '../i18n/index.ts';

/**
 * The sentence to show a person for an error: the translation of its problem `code` (looked up in the
 * feature's namespace first, then in `app:problems`), else the server's own `detail`.
 */
export function problemMessage(error: unknown, ns?: Namespace): string {
  if (error instanceof ApiError) {
    const fallback = error.status >= 500 ? i18n.t('app:problems.internal_error') : error.detail;
    const general = translateDynamic(`app:problems.${error.code}`, fallback);
    return ns ? translateDynamic(`${ns}:problems.${error.code}`, general) : general;
  }
  return i18n.t('app:problems.internal_error');
}

/** A green toast confirming that something worked. */
export function notifySuccess(message: string, title?: string): void {
  notifications.show({ color: 'teal', icon: <IconCheck size={18} aria-hidden />, title, message, autoClose: 4000 });
}

/** A red toast with the translated problem of a failed request (and its reference id, for support). */
export function notifyError(error: unknown, options: { title?: string; ns?: Namespace } = {}): void {
  const requestId = error instanceof ApiError && error.status >= 500 ? error.requestId : null;
  notifications.show({
    color: 'red',
    icon: <IconAlertTriangle size={18} aria-hidden />,
    title: options.title ?? i18n.t('app:errors.title'),
    message: requestId ? `${problemMessage(error, options.ns)} ${i18n.t('app:errors.requestId', { id: requestId })}` : problemMessage(error, options.ns),
    autoClose: 8000,
  });
}
