import { ActionIcon, Alert, Anchor, Badge, Code, Group, Modal, Stack, Text, Tooltip } from '@mantine/core';
import { IconExternalLink, IconEye, IconInfoCircle, IconMail } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ResponseOf, unwrap } from '../../api/client.ts';
import { useCursorList } from '../../api/query.ts';
import { CopyIconButton } from '../../components/CopyField.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormatters } from '../../components/format.ts';

type Mail = ResponseOf<'/api/v1/outbox', 'get'>['items'][number];
const STATUS_COLORS: Record<Mail['status'], string> = { queued: 'gray', sent: 'teal', logged: 'orange', failed: 'red' };

/** The links in an e-mail's text (invitations carry one). */
export function linksIn(text: string): string[] {
  return [...new Set(text.match(/https?:\/\/[^\s<>"')]+/g) ?? [])];
}

/** Owners: the organization's e-mails, with the links to copy when there is no SMTP. */
export function OutboxTab() {
  const { t } = useTranslation('team');
  const { dateTime } = useFormatters();
  const [viewing, setViewing] = useState<Mail | null>(null);
  const list = useCursorList(['outbox'], (cursor) => unwrap(api.GET('/api/v1/outbox', { params: { query: { cursor } } })));
  const columns: Column<Mail>[] = [
    {
      key: 'to',
      header: t('outbox.to'),
      render: (m) => (
        <Stack gap={0}>
          <Text size="sm" fw={500}>
            {m.to}
          </Text>
          <Text size="xs" c="dimmed" lineClamp={1}>
            {m.subject}
          </Text>
        </Stack>
      ),
    },
    {
      key: 'status',
      header: t('outbox.status'),
      render: (m) => (
        <Tooltip label={m.error} disabled={!m.error}>
          <Badge variant="light" color={STATUS_COLORS[m.status]} radius="sm" miw="max-content">
            {t(`outbox.statuses.${m.status}`)}
          </Badge>
        </Tooltip>
      ),
    },
    { key: 'date', header: t('outbox.date'), visibleFrom: 'md', render: (m) => <Text size="sm" c="dimmed">{dateTime(m.createdAt)}</Text> },
    {
      key: 'link',
      header: t('outbox.link'),
      render: (m) => {
        const link = linksIn(m.text)[0];
        if (!link) return null;
        return (
          <Group gap={4} wrap="nowrap" maw={320}>
            <Code style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', minWidth: 0 }} data-testid="outbox-link">
              {link}
            </Code>
            <CopyIconButton value={link} label={t('outbox.copyLink')} />
            <Tooltip label={t('outbox.openLink')}>
              <ActionIcon component="a" href={link} target="_blank" rel="noopener noreferrer" variant="subtle" color="gray" aria-label={t('outbox.openLink')}>
                <IconExternalLink size={18} />
              </ActionIcon>
            </Tooltip>
          </Group>
        );
      },
    },
    {
      key: 'view',
      header: '',
      align: 'right',
      width: 56,
      render: (m) => (
        <Tooltip label={t('outbox.view')}>
          <ActionIcon variant="subtle" color="gray" onClick={() => setViewing(m)} aria-label={t('outbox.viewLabel', { to: m.to })}>
            <IconEye size={18} />
          </ActionIcon>
        </Tooltip>
      ),
    },
  ];
  return (
    <Stack>
      <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />}>
        {t('outbox.explanation')}
      </Alert>
      <DataTable
        label={t('outbox.label')}
        columns={columns}
        rows={list.items}
        rowKey={(m) => m.id}
        loading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        hasMore={list.hasNextPage}
        onLoadMore={list.fetchNextPage}
        loadingMore={list.isFetchingNextPage}
        minWidth={720}
        empty={<EmptyState icon={IconMail} title={t('outbox.emptyTitle')} description={t('outbox.emptyDescription')} />}
      />
      <Modal opened={viewing !== null} onClose={() => setViewing(null)} title={viewing?.subject} size="lg">
        {viewing ? (
          <Stack>
            <Text size="sm" c="dimmed">
              {t('outbox.to')}: {viewing.to} · {dateTime(viewing.createdAt)}
            </Text>
            <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {viewing.text}
            </Code>
            {linksIn(viewing.text).map((link) => (
              <Group key={link} gap="xs" wrap="nowrap">
                <Anchor href={link} target="_blank" rel="noopener noreferrer" size="sm" style={{ overflowWrap: 'anywhere' }}>
                  {link}
                </Anchor>
                <CopyIconButton value={link} label={t('outbox.copyLink')} />
              </Group>
            ))}
          </Stack>
        ) : null}
      </Modal>
    </Stack>
  );
}
