import { Alert, Badge, Button, Group, Progress, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { IconDownload } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { confirmAction } from '../../components/confirm.tsx';
import { keys } from './api.ts';

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

/**
 * Live progress of an import (polled every second while it runs): rows done out of the total, the
 * created/updated/skipped/not-imported counts (which always add up), the first rows not imported with
 * their reason, and the full error report as a CSV download.
 */
export function ImportProgress({ importId, onAnother, onClose }: { importId: string; onAnother: () => void; onClose: () => void }) {
  const { t, i18n } = useTranslation('contacts');
  const client = useQueryClient();
  const status = useQuery({
    queryKey: [...keys.imports, importId],
    queryFn: () => unwrap(api.GET('/api/v1/contacts/imports/{id}', { params: { path: { id: importId }, query: { lang: lang(i18n.language) } } })),
    refetchInterval: (q) => (q.state.data && FINISHED.has(q.state.data.status) ? false : 1000),
  });
  const imp = status.data;
  const finished = imp ? FINISHED.has(imp.status) : false;
  const errors = useQuery({
    queryKey: [...keys.imports, importId, 'errors'],
    queryFn: () => unwrap(api.GET('/api/v1/contacts/imports/{id}/errors', { params: { path: { id: importId }, query: { limit: 20, lang: lang(i18n.language) } } })),
    enabled: finished && (imp?.counts.failed ?? 0) > 0,
  });
  useEffect(() => {
    if (finished) void client.invalidateQueries({ queryKey: keys.contacts });
    if (finished) void client.invalidateQueries({ queryKey: keys.groups });
  }, [finished, client]);
  const cancel = useApiMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/contacts/imports/{id}/cancel', { params: { path: { id: importId } } })),
    errorNs: 'contacts',
    invalidate: [[...keys.imports, importId]],
  });
  if (!imp) return <Progress value={100} animated aria-label={t('import.progressTitle')} />;
  const percent = imp.progress === null ? null : Math.round(imp.progress * 100);
  const color = imp.status === 'failed' ? 'red' : imp.status === 'cancelled' ? 'gray' : finished ? 'teal' : 'blue';

  return (
    <Stack>
      <Group justify="space-between">
        <Text fw={600}>{imp.fileName}</Text>
        <Badge color={color} variant="light">
          {t(`import.statuses.${imp.status}`)}
        </Badge>
      </Group>
      <Stack gap={4}>
        <Progress value={percent ?? 100} animated={!finished} striped={!finished} color={color} aria-label={t('import.progressTitle')} />
        <Text size="xs" c="dimmed">
          {imp.totalRows ? t('import.progress', { done: imp.rowsProcessed, total: imp.totalRows }) : t('import.progressUnknown', { done: imp.rowsProcessed })}
        </Text>
      </Stack>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        {(['created', 'updated', 'skipped', 'failed'] as const).map((k) => (
          <Stack key={k} gap={0} align="center">
            <Text fz={22} fw={700} c={k === 'failed' && imp.counts.failed ? 'red' : undefined} data-testid={`import-count-${k}`}>
              {imp.counts[k]}
            </Text>
            <Text size="xs" c="dimmed">
              {t(`import.counts.${k}`)}
            </Text>
          </Stack>
        ))}
      </SimpleGrid>
      {imp.errorMessage ? (
        <Alert color="red" variant="light">
          {imp.errorMessage}
        </Alert>
      ) : null}
      {errors.data?.items.length ? (
        <Stack gap="xs">
          <Text fw={600} size="sm">
            {t('import.errorsTitle')}
          </Text>
          <Table aria-label={t('import.errorsTitle')} verticalSpacing={4} fz="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={60}>{t('import.errorRow')}</Table.Th>
                <Table.Th>{t('import.errorReason')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {errors.data.items.map((e) => (
                <Table.Tr key={e.rowNumber}>
                  <Table.Td>{e.rowNumber}</Table.Td>
                  <Table.Td>{e.message}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {imp.counts.failed > errors.data.items.length ? (
            <Text size="xs" c="dimmed">
              {t('import.moreErrors', { count: imp.counts.failed })}
            </Text>
          ) : null}
        </Stack>
      ) : null}
      <Group justify="space-between">
        {finished ? (
          <Button variant="default" onClick={onAnother}>
            {t('import.another')}
          </Button>
        ) : (
          <Button
            variant="default"
            color="red"
            disabled={imp.cancelRequested}
            loading={cancel.isPending}
            onClick={async () => {
              if (await confirmAction({ message: t('import.cancelConfirm'), confirmLabel: t('import.cancel'), danger: true })) cancel.mutate();
            }}
          >
            {t('import.cancel')}
          </Button>
        )}
        <Group gap="sm">
          {finished && imp.counts.failed > 0 ? (
            <Button component="a" href={`/api/v1/contacts/imports/${imp.id}/errors.csv?lang=${lang(i18n.language)}`} download leftSection={<IconDownload size={16} aria-hidden />} variant="light">
              {t('import.downloadReport')}
            </Button>
          ) : null}
          <Button onClick={onClose}>{t('import.close')}</Button>
        </Group>
      </Group>
    </Stack>
  );
}

const lang = (language: string): 'es' | 'pt-BR' | 'en' => (language.startsWith('pt') ? 'pt-BR' : language.startsWith('en') ? 'en' : 'es');
