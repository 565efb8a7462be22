import { Avatar, Badge, Button, Group, Select, Text, UnstyledButton } from '@mantine/core';
import { IconAddressBook, IconFileUpload, IconUserPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useCursorList } from '../../api/query.ts';
import { useMember } from '../../app/session.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormatters } from '../../components/format.ts';
import { type Contact, contactName, keys, type ListFilters, useAllGroups } from './api.ts';

const SORTS = { newest: '-createdAt', oldest: 'createdAt', nameAsc: 'name', nameDesc: '-name', lastSeen: '-lastSeenAt' } as const;
type SortValue = (typeof SORTS)[keyof typeof SORTS];
const isSort = (v: string | null): v is SortValue => Object.values(SORTS).some((s) => s === v);

/** Props of the contact list (state is owned by the page's URL). */
export interface ContactListProps {
  filters: ListFilters;
  sort: string | null;
  selectedId: string | null;
  onFilters: (f: ListFilters) => void;
  onSort: (sort: string | null) => void;
  onSelect: (id: string) => void;
  onAdd: () => void;
  onImport: () => void;
}

/** The left side of the split panel: searchable, filterable, sortable contacts with "load more". */
export function ContactList({ filters, sort, selectedId, onFilters, onSort, onSelect, onAdd, onImport }: ContactListProps) {
  const { t } = useTranslation('contacts');
  const { can } = useMember();
  const { relative } = useFormatters();
  const groups = useAllGroups();
  const sortValue: SortValue = isSort(sort) ? sort : '-createdAt';
  const list = useCursorList([...keys.contacts, 'list', filters, sortValue], (cursor) =>
    unwrap(
      api.GET('/api/v1/contacts', {
        params: {
          query: {
            q: filters.q || undefined,
            groupId: filters.groupId ?? undefined,
            marketingConsent: filters.consent ?? undefined,
            sort: sortValue,
            cursor,
            limit: 50,
          },
        },
      }),
    ),
  );
  const filtered = Boolean(filters.q || filters.groupId || filters.consent);
  const columns: Column<Contact>[] = [
    {
      key: 'name',
      header: t('list.name'),
      render: (c) => (
        <UnstyledButton onClick={() => onSelect(c.id)} aria-current={c.id === selectedId || undefined} style={{ display: 'block', width: '100%' }}>
          <Group gap="sm" wrap="nowrap">
            <Avatar size={32} radius="xl" color="teal" src={c.hasPhoto ? `/api/v1/contacts/${c.id}/photo?v=${encodeURIComponent(c.updatedAt)}` : undefined} alt="">
              {(contactName(c) || '?').slice(0, 1).toUpperCase()}
            </Avatar>
            <div style={{ minWidth: 0 }}>
              <Text size="sm" fw={c.id === selectedId ? 700 : 500} truncate>
                {`${c.firstName} ${c.lastName}`.trim() || t('list.unnamed')}
              </Text>
              <Text size="xs" c="dimmed" truncate hiddenFrom="sm">
                {c.phone ?? c.email ?? ''}
              </Text>
            </div>
          </Group>
        </UnstyledButton>
      ),
    },
    { key: 'phone', header: t('list.phone'), visibleFrom: 'sm', render: (c) => <Text size="sm">{c.phone ?? '—'}</Text> },
    {
      key: 'email',
      header: t('list.email'),
      visibleFrom: 'lg',
      render: (c) => (
        <Text size="sm" truncate maw={220} title={c.email ?? undefined}>
          {c.email ?? '—'}
        </Text>
      ),
    },
    {
      key: 'groups',
      header: t('list.groups'),
      visibleFrom: 'md',
      render: (c) => (
        <Group gap={4}>
          {c.groups.slice(0, 3).map((g) => (
            <Badge key={g.id} variant="light" size="sm">
              {g.name}
            </Badge>
          ))}
          {c.groups.length > 3 ? <Text size="xs">+{c.groups.length - 3}</Text> : null}
        </Group>
      ),
    },
    { key: 'created', header: t('list.created'), visibleFrom: 'lg', render: (c) => <Text size="xs">{relative(c.createdAt)}</Text> },
  ];

  return (
    <DataTable
      label={t('list.label')}
      columns={columns}
      rows={list.items}
      rowKey={(c) => c.id}
      loading={list.isLoading}
      error={list.error}
      onRetry={list.refetch}
      search={{ value: filters.q, onChange: (q) => onFilters({ ...filters, q }), placeholder: t('list.search') }}
      toolbar={
        <>
          <Select
            aria-label={t('list.groups')}
            placeholder={t('list.allGroups')}
            data={(groups.data ?? []).map((g) => ({ value: g.id, label: `${g.name} (${g.memberCount})` }))}
            value={filters.groupId}
            onChange={(groupId) => onFilters({ ...filters, groupId })}
            clearable
            searchable
            w={200}
          />
          <Select
            aria-label={t('list.consent')}
            placeholder={t('list.anyConsent')}
            data={(['granted', 'revoked', 'unknown'] as const).map((v) => ({ value: v, label: t(`consent.${v}`) }))}
            value={filters.consent}
            onChange={(v) => onFilters({ ...filters, consent: v === 'granted' || v === 'revoked' || v === 'unknown' ? v : null })}
            clearable
            w={170}
          />
          <Select
            aria-label={t('list.sort')}
            data={(Object.keys(SORTS) as (keyof typeof SORTS)[]).map((k) => ({ value: SORTS[k], label: t(`list.sorts.${k}`) }))}
            value={sortValue}
            onChange={(v) => onSort(v === '-createdAt' ? null : v)}
            allowDeselect={false}
            w={170}
          />
        </>
      }
      hasMore={list.hasNextPage}
      onLoadMore={list.fetchNextPage}
      loadingMore={list.isFetchingNextPage}
      empty={
        filtered ? (
          <Text c="dimmed" ta="center" py="lg">
            {t('list.noMatch')}
          </Text>
        ) : (
          <EmptyState
            icon={IconAddressBook}
            title={t('list.emptyTitle')}
            description={t('list.emptyText')}
            action={
              can('contacts.write') ? (
                <Group>
                  <Button leftSection={<IconUserPlus size={16} aria-hidden />} onClick={onAdd}>
                    {t('actions.add')}
                  </Button>
                  {can('contacts.import') ? (
                    <Button variant="default" leftSection={<IconFileUpload size={16} aria-hidden />} onClick={onImport}>
                      {t('actions.bulk')}
                    </Button>
                  ) : null}
                </Group>
              ) : undefined
            }
          />
        )
      }
    />
  );
}
