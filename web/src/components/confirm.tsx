import { Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import type { ReactNode } from 'react';
import { i18n } from '../i18n/index.ts';

/** Options of `confirmAction`. */
export interface ConfirmOptions {
  title?: ReactNode;
  message: ReactNode;
  confirmLabel: string;
  /** Red confirm button, for destructive or access-removing actions. */
  danger?: boolean;
}

/**
 * Asks for confirmation in a modal; resolves true when the person confirms, false when they cancel
 * or close it. `if (!(await confirmAction({...}))) return;`
 */
export function confirmAction({ title, message, confirmLabel, danger = false }: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (value: boolean) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    modals.openConfirmModal({
      title: title ?? i18n.t('app:confirm.title'),
      children: typeof message === 'string' ? <Text size="sm">{message}</Text> : message,
      labels: { confirm: confirmLabel, cancel: i18n.t('app:common.cancel') },
      confirmProps: { color: danger ? 'red' : undefined },
      onConfirm: () => settle(true),
      onCancel: () => settle(false),
      onClose: () => settle(false),
    });
  });
}
