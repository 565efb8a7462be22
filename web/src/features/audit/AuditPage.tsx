import { ActionIcon, Badge, Code, Group, Modal, Select, Stack, Text, Tooltip } from '@mantine/core';
import { IconFileSearch, IconKey, IconListDetails } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ResponseOf, unwrap } from '../../api/client.ts';
import { useCursorList } from '../../api/query.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormatters } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { translateDynamic } from '../../i18n/index.ts';
import { auditLocales } from './locales.ts';

type Entry = ResponseOf<'/api/v1/audit-log', 'get'>['items'][number];

/** Every action code with a translation (`auth.login`, …), for the filter. */
export const KNOWN_ACTIONS: string[] = Object.entries(auditLocales.en.actions).flatMap(([group, actions]) => Object.keys(actions).map((a) => `${group}.${a}`));

/** The translated name of an audit action (the raw code when it has no translation yet). */
export function actionLabel(action: string): string {
  return translateDynamic(`audit:actions.${action}`, action);
}

function targetLabel(type: string): string {
  return translateDynamic(`audit:targets.${type}`, type);
}

/** Settings → Audit log (owners): who did what, when and from where; filterable by action. */
export function AuditPage() {
  const { t } = useTranslation('audit');
  const { dateTime, timeZone } = useFormatters();
  const [action, setAction] = useState<string | null>(null);
  const [viewing, setViewing] = useState<Entry | null>(null);
  const list = useCursorList(['audit-log', { action }], (cursor) =>
    unwrap(api.GET('/api/v1/audit-log', { params: { query: { action: action ?? undefined, cursor } } })),
  );

  const columns: Column<Entry>[] = [
    {
      key: 'time',
      header: t('time'),
      width: 190,
      render: (e) => (
        <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
          {dateTime(e.createdAt)}
        </Text>
      ),
    },
    { key: 'action', header: t('action'), render: (e) => <ActionCell action={e.action} /> },
    { key: 'actor', header: t('actor'), render: (e) => <ActorCell entry={e} /> },
    {
      key: 'target',
      header: t('target'),
      visibleFrom: 'sm',
      render: (e) =>
        e.targetType ? (
          <Group gap={6} wrap="nowrap">
            <Text size="sm">{targetLabel(e.targetType)}</Text>
            {e.targetId ? (
              <Tooltip label={e.targetId}>
                <Code>{e.targetId.slice(-8)}</Code>
              </Tooltip>
            ) : null}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        ),
    },
    { key: 'ip', header: t('ip'), visibleFrom: 'md', render: (e) => <Text size="sm" ff="monospace" c="dimmed">{e.ip ?? '—'}</Text> },
    {
      key: 'details',
      header: '',
      align: 'right',
      width: 56,
      render: (e) => (
        <Tooltip label={t('details')}>
          <ActionIcon variant="subtle" color="gray" onClick={() => setViewing(e)} aria-label={t('detailsLabel', { action: actionLabel(e.action) })}>
            <IconListDetails size={18} />
          </ActionIcon>
        </Tooltip>
      ),
    },
  ];

  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <DataTable
        label={t('label')}
        columns={columns}
        rows={list.items}
        rowKey={(e) => e.id}
        loading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        toolbar={
          <Group justify="space-between" w="100%" gap="sm">
            <Select
              aria-label={t('filter')}
              placeholder={t('allActions')}
              data={KNOWN_ACTIONS.map((value) => ({ value, label: actionLabel(value) }))}
              value={action}
              onChange={setAction}
              clearable
              searchable
              w={280}
            />
            {timeZone ? (
              <Text size="xs" c="dimmed">
                {t('timezoneNote', { timezone: timeZone })}
              </Text>
            ) : null}
          </Group>
        }
        hasMore={list.hasNextPage}
        onLoadMore={list.fetchNextPage}
        loadingMore={list.isFetchingNextPage}
        minWidth={760}
        empty={<EmptyState icon={IconFileSearch} title={t('emptyTitle')} description={t('emptyDescription')} />}
      />
      <Modal opened={viewing !== null} onClose={() => setViewing(null)} title={viewing ? actionLabel(viewing.action) : ''} size="lg">
        {viewing ? (
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              {dateTime(viewing.createdAt)} · {viewing.actorLabel || t('system')} {viewing.ip ? `· ${viewing.ip}` : ''}
            </Text>
            <Code>{viewing.action}</Code>
            {Object.keys(viewing.data).length > 0 ? (
              <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {JSON.stringify(viewing.data, null, 2)}
              </Code>
            ) : (
              <Text size="sm" c="dimmed">
                {t('noDetails')}
              </Text>
            )}
          </Stack>
        ) : null}
      </Modal>
    </>
  );
}

function ActionCell({ action }: { action: string }) {
  const failed = action.endsWith('_failed') || action.endsWith('.revoked');
  return (
    <Badge variant="light" color={failed ? 'orange' : 'gray'} radius="sm" tt="none" miw="max-content" style={{ fontWeight: 500 }}>
      {actionLabel(action)}
    </Badge>
  );
}

function ActorCell({ entry }: { entry: Entry }) {
  const { t } = useTranslation('audit');
  if (entry.actorApiKeyId) {
    return (
      <Group gap={6} wrap="nowrap">
        <IconKey size={14} aria-label={t('apiKeyActor')} />
        <Text size="sm">{entry.actorLabel}</Text>
      </Group>
    );
  }
  return <Text size="sm">{entry.actorLabel || t('system')}</Text>;
}
