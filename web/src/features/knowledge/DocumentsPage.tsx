import { Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconBooks, IconFileText, IconPencil, IconWorld } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { useCursorList } from '../../api/query.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormatters } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { type KnowledgeDocument, keys } from './api.ts';
import { AddUrlModal, EntryModal } from './DocumentModals.tsx';
import { KnowledgeTabs, StatusBadge } from './parts.tsx';
import { UploadDropzone } from './UploadDropzone.tsx';

const SOURCE_ICON = { file: IconFileText, url: IconWorld, entry: IconPencil } as const;

/** Knowledge base → Documents: title, source, status, last update and chunks; upload, add a page, write an entry. */
export function DocumentsPage() {
  const { t } = useTranslation('knowledge');
  const { relative, dateTime } = useFormatters();
  const [q, setQ] = useState('');
  const [adding, setAdding] = useState<'url' | 'entry' | null>(null);
  const settings = useQuery({ queryKey: keys.settings, queryFn: () => unwrap(api.GET('/api/v1/knowledge/settings')) });
  const list = useCursorList([...keys.documents, { q }], (cursor) => unwrap(api.GET('/api/v1/knowledge/documents', { params: { query: { cursor, q: q || undefined } } })));

  // Documents being processed change by themselves: refresh until none is waiting.
  const busy = list.items.some((d) => d.status === 'pending' || d.status === 'processing');
  const { refetch } = list;
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(refetch, 2000);
    return () => clearInterval(timer);
  }, [busy, refetch]);

  const columns: Column<KnowledgeDocument>[] = [
    {
      key: 'title',
      header: t('columns.title'),
      render: (d) => (
        <Anchor component={Link} to={`/knowledge/documents/${d.id}`} fw={600} size="sm">
          {d.title}
        </Anchor>
      ),
    },
    {
      key: 'source',
      header: t('columns.source'),
      visibleFrom: 'sm',
      render: (d) => {
        const Icon = SOURCE_ICON[d.source];
        return (
          <Group gap={6} wrap="nowrap">
            <Icon size={16} aria-hidden />
            <Text size="sm" c="dimmed" lineClamp={1} title={d.sourceName ?? undefined}>
              {d.source === 'entry' ? t('sources.entry') : d.sourceName}
            </Text>
          </Group>
        );
      },
    },
    { key: 'status', header: t('columns.status'), render: (d) => <StatusBadge doc={d} /> },
    {
      key: 'updated',
      header: t('columns.updated'),
      visibleFrom: 'sm',
      render: (d) => (
        <Text size="sm" title={dateTime(d.updatedAt)}>
          {relative(d.updatedAt)}
        </Text>
      ),
    },
    { key: 'chunks', header: t('columns.chunks'), align: 'right', render: (d) => <Text size="sm">{d.chunkCount}</Text> },
  ];

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <>
            <Button variant="default" leftSection={<IconWorld size={18} aria-hidden />} onClick={() => setAdding('url')}>
              {t('actions.addUrl')}
            </Button>
            <Button leftSection={<IconPencil size={18} aria-hidden />} onClick={() => setAdding('entry')}>
              {t('actions.newEntry')}
            </Button>
          </>
        }
      />
      <KnowledgeTabs />
      <Stack gap="lg">
        <UploadDropzone maxFileBytes={settings.data?.maxFileBytes} />
        <DataTable
          label={t('title')}
          columns={columns}
          rows={list.items}
          rowKey={(d) => d.id}
          loading={list.isLoading}
          error={list.error}
          onRetry={list.refetch}
          search={{ value: q, onChange: setQ, placeholder: t('search') }}
          hasMore={list.hasNextPage}
          onLoadMore={list.fetchNextPage}
          loadingMore={list.isFetchingNextPage}
          minWidth={640}
          empty={<EmptyState icon={IconBooks} title={t('empty.title')} description={t('empty.description')} />}
        />
      </Stack>
      <AddUrlModal opened={adding === 'url'} onClose={() => setAdding(null)} />
      <EntryModal opened={adding === 'entry'} onClose={() => setAdding(null)} />
    </>
  );
}
