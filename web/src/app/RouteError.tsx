import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { isRouteErrorResponse, useRouteError } from 'react-router';
import { NotFound } from './gates.tsx';

/** What a route shows when its page fails to load or render (e.g. after a deploy removed its chunk). */
export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFound />;
  return (
    <Center mih="60dvh" p="md">
      <Stack align="center" maw={460} ta="center" role="alert">
        <IconAlertTriangle size={40} stroke={1.5} aria-hidden />
        <Title order={1} size="h3">
          {t('errors.title')}
        </Title>
        <Text c="dimmed">{t('problems.internal_error')}</Text>
        <Button onClick={() => window.location.reload()}>{t('common.retry')}</Button>
      </Stack>
    </Center>
  );
}
