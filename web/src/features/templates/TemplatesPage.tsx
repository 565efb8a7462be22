import { Anchor, Badge, Button, Group, Select, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconPlus, IconRefresh, IconTemplate } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation, useCursorList } from '../../api/query.ts';
import { Can } from '../../app/session.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormatters } from '../../components/format.ts';
import { notifyError } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { TEMPLATE_LANGUAGES, type Template } from './api.ts';

const STATUS_COLOR: Record<string, string> = { approved: 'teal', pending: 'yellow', rejected: 'red', paused: 'orange', disabled: 'gray' };
const STATUSES = ['approved', 'pending', 'rejected', 'paused', 'disabled'] as const;
const CATEGORIES = ['marketing', 'utility', 'authentication'] as const;

/** A template's status as a colored badge (with Meta's explanation on hover). */
export function TemplateStatusBadge({ template }: { template: Pick<Template, 'status' | 'statusExplanation'> }) {
  const { t } = useTranslation('templates');
  const badge = (
    <Badge color={STATUS_COLOR[template.status] ?? 'gray'} variant="light">
      {t(`statuses.${template.status}`)}
    </Badge>
  );
  return template.statusExplanation ? (
    <Tooltip label={template.statusExplanation} multiline w={280}>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}

/** Templates: Chatforse's columns (name, category, preview, status, last update), search, filters and "Sync templates". */
export function TemplatesPage() {
  const { t } = useTranslation('templates');
  const { dateTime } = useFormatters();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [category, setCategory] = useState<string | null>(null);
  const [language, setLanguage] = useState<string | null>(null);
  const list = useCursorList(['templates', 'list', { q, status, category, language }], (cursor) =>
    unwrap(
      api.GET('/api/v1/templates', {
        params: {
          query: {
            q: q || undefined,
            status: (status ?? undefined) as (typeof STATUSES)[number] | undefined,
            category: (category ?? undefined) as (typeof CATEGORIES)[number] | undefined,
            language: language ?? undefined,
            cursor,
          },
        },
      }),
    ),
  );
  const sync = useApiMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/templates/sync', { body: {} })),
    invalidate: [['templates']],
    errorNs: 'templates',
    successMessage: (r) => t('synced', { created: r.created, updated: r.updated, removed: r.removed }),
    onSuccess: (r) => {
      if (r.failedChannels.length) notifyError(new Error(r.failedChannels[0]!.message), { title: t('syncFailed', { message: r.failedChannels[0]!.message }) });
    },
  });

  const columns: Column<Template>[] = [
    {
      key: 'name',
      header: t('columns.name'),
      render: (row) => (
        <Group gap={6} wrap="nowrap">
          <Anchor component={Link} to={`/templates/${row.id}`} fw={500}>
            {row.name}
          </Anchor>
          {!row.supported ? (
            <Tooltip label={t('unsupported')}>
              <IconAlertTriangle size={16} color="var(--mantine-color-orange-6)" aria-label={t('unsupported')} />
            </Tooltip>
          ) : null}
        </Group>
      ),
    },
    { key: 'category', header: t('columns.category'), visibleFrom: 'sm', render: (row) => t(`categories.${row.category}`) },
    { key: 'language', header: t('columns.language'), visibleFrom: 'md', render: (row) => <Text size="sm">{row.language}</Text> },
    {
      key: 'preview',
      header: t('columns.preview'),
      visibleFrom: 'sm',
      render: (row) => (
        <Text size="sm" c="dimmed" lineClamp={2} maw={420}>
          {row.preview.body}
        </Text>
      ),
    },
    { key: 'status', header: t('columns.status'), render: (row) => <TemplateStatusBadge template={row} /> },
    { key: 'updated', header: t('columns.updated'), visibleFrom: 'md', render: (row) => <Text size="sm">{dateTime(row.updatedAt)}</Text> },
  ];

  const actions = (
    <Can permission="templates.manage">
      <Group gap="sm">
        <Button variant="default" leftSection={<IconRefresh size={18} aria-hidden />} loading={sync.isPending} onClick={() => sync.mutate()}>
          {t('sync')}
        </Button>
        <Button component={Link} to="/templates/new" leftSection={<IconPlus size={18} aria-hidden />}>
          {t('create')}
        </Button>
      </Group>
    </Can>
  );

  return (
    <>
      <PageHeader title={t('title')} description={t('description')} actions={actions} />
      <DataTable
        label={t('label')}
        columns={columns}
        rows={list.items}
        rowKey={(row) => row.id}
        loading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        search={{ value: q, onChange: setQ, placeholder: t('search') }}
        toolbar={
          <Group gap="sm">
            <Select aria-label={t('columns.status')} placeholder={t('allStatuses')} data={STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))} value={status} onChange={setStatus} clearable w={170} />
            <Select aria-label={t('columns.category')} placeholder={t('allCategories')} data={CATEGORIES.map((c) => ({ value: c, label: t(`categories.${c}`) }))} value={category} onChange={setCategory} clearable w={170} />
            <Select aria-label={t('columns.language')} placeholder={t('allLanguages')} data={TEMPLATE_LANGUAGES} value={language} onChange={setLanguage} clearable searchable w={180} />
          </Group>
        }
        hasMore={list.hasNextPage}
        onLoadMore={list.fetchNextPage}
        loadingMore={list.isFetchingNextPage}
        empty={<EmptyState icon={IconTemplate} title={t('empty.title')} description={t('empty.description')} action={actions} />}
        minWidth={720}
      />
    </>
  );
}
