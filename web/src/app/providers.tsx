import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createQueryClient } from '../api/query.ts';
import { sessionKeys } from './session.tsx';
import { SessionProvider } from './session.tsx';
import { localizedTheme } from './theme.ts';

/** Everything the pages rely on: theme, data cache, session, toasts and modals. */
export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(() => {
    const queryClient = createQueryClient(() => {
      // The session ended (expired, revoked, signed out elsewhere): the shell's gate sends to /login.
      if (queryClient.getQueryData(sessionKeys.session)) queryClient.setQueryData(sessionKeys.session, null);
    });
    return queryClient;
  });
  const { t } = useTranslation();
  const theme = useMemo(
    () => localizedTheme({ togglePassword: t('common.togglePassword'), close: t('common.close'), clear: t('common.clear') }),
    [t],
  );
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={client}>
        <SessionProvider>
          <ModalsProvider>
            <Notifications position="bottom-right" limit={4} />
            {children}
          </ModalsProvider>
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
