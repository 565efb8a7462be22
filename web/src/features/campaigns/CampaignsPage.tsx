import { Anchor, Badge, Button, Group, Progress, Select, Stack, Text } from '@mantine/core';
import { IconPlus, IconSpeakerphone } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { useCursorList } from '../../api/query.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormatters } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { type Campaign, STATUS_COLOR, useCampaignEvents } from './api.ts';

const STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'finished', 'cancelled'] as const;

/** A rate cell: "33.33% 1/3" with a thin bar. */
function RateCell({ rate, color }: { rate: Campaign['rates']['delivery']; color: string }) {
  return (
    <Stack gap={2} w={130}>
      <Text size="sm">{rate.label}</Text>
      <Progress value={rate.percent} color={color} size="xs" aria-hidden />
    </Stack>
  );
}

/** A campaign's status as a badge. */
export function CampaignStatusBadge({ status }: { status: Campaign['status'] }) {
  const { t } = useTranslation('campaigns');
  return (
    <Badge color={STATUS_COLOR[status] ?? 'gray'} variant="light">
      {t(`statuses.${status}`)}
    </Badge>
  );
}

/** Campaigns: name, template, delivery and read rates, status; search and live updates. */
export function CampaignsPage() {
  const { t } = useTranslation('campaigns');
  const { dateTime } = useFormatters();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  useCampaignEvents();
  const list = useCursorList(['campaigns', 'list', { q, status }], (cursor) =>
    unwrap(api.GET('/api/v1/campaigns', { params: { query: { q: q || undefined, status: (status ?? undefined) as (typeof STATUSES)[number] | undefined, cursor } } })),
  );
  const columns: Column<Campaign>[] = [
    {
      key: 'name',
      header: t('columns.name'),
      render: (c) => (
        <Anchor component={Link} to={`/campaigns/${c.id}`} fw={500}>
          {c.name}
        </Anchor>
      ),
    },
    { key: 'template', header: t('columns.template'), visibleFrom: 'sm', render: (c) => <Text size="sm">{c.template.name}</Text> },
    { key: 'delivery', header: t('columns.delivery'), render: (c) => <RateCell rate={c.rates.delivery} color="cyan" /> },
    { key: 'read', header: t('columns.read'), visibleFrom: 'sm', render: (c) => <RateCell rate={c.rates.read} color="teal" /> },
    { key: 'status', header: t('columns.status'), render: (c) => <CampaignStatusBadge status={c.status} /> },
    { key: 'created', header: t('columns.created'), visibleFrom: 'md', render: (c) => <Text size="sm">{dateTime(c.scheduledAt ?? c.createdAt)}</Text> },
  ];
  const create = (
    <Button component={Link} to="/campaigns/new" leftSection={<IconPlus size={18} aria-hidden />}>
      {t('create')}
    </Button>
  );
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} actions={create} />
      <DataTable
        label={t('label')}
        columns={columns}
        rows={list.items}
        rowKey={(c) => c.id}
        loading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        search={{ value: q, onChange: setQ, placeholder: t('search') }}
        toolbar={
          <Group>
            <Select aria-label={t('columns.status')} placeholder={t('allStatuses')} data={STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))} value={status} onChange={setStatus} clearable w={180} />
          </Group>
        }
        hasMore={list.hasNextPage}
        onLoadMore={list.fetchNextPage}
        loadingMore={list.isFetchingNextPage}
        empty={<EmptyState icon={IconSpeakerphone} title={t('empty.title')} description={t('empty.description')} action={create} />}
        minWidth={720}
      />
    </>
  );
}
