import { ActionIcon, Avatar, Badge, Box, Button, Group, ScrollArea, Select, Stack, Text, TextInput, Tooltip, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconBrandWhatsapp, IconMessageCircle, IconSearch, IconSortAscending, IconSortDescending } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormatters } from '../../components/format.ts';
import { ErrorState, PageLoader } from '../../components/states.tsx';
import { type Conversation, type StatusFilter, useConversationList } from './api.ts';

const STATUSES: StatusFilter[] = ['all', 'unassigned', 'open', 'closed'];

/** The left pane: search by name or number, status filter with counts, newest/oldest, and the chats. */
export function ConversationList({ selectedId, live }: { selectedId: string | undefined; live: boolean }) {
  const { t } = useTranslation('inbox');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const [status, setStatus] = useState<StatusFilter>('all');
  const [sort, setSort] = useState<'newest' | 'oldest'>('newest');
  const list = useConversationList({ status, q, sort });
  const counts = list.counts;
  return (
    <>
      <Stack gap="xs" p="sm" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <TextInput
          leftSection={<IconSearch size={16} aria-hidden />}
          placeholder={t('search')}
          aria-label={t('searchLabel')}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
        />
        <Group gap="xs" wrap="nowrap">
          <Select
            aria-label={t('statusFilter')}
            style={{ flex: 1 }}
            allowDeselect={false}
            value={status}
            onChange={(v) => setStatus(STATUSES.find((s) => s === v) ?? 'all')}
            data={STATUSES.map((s) => ({ value: s, label: counts ? `${t(`status.${s}`)} (${counts[s]})` : t(`status.${s}`) }))}
          />
          <Tooltip label={`${t('sort.label')}: ${t(`sort.${sort}`)}`}>
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={`${t('sort.label')}: ${t(`sort.${sort}`)}`}
              onClick={() => setSort(sort === 'newest' ? 'oldest' : 'newest')}
            >
              {sort === 'newest' ? <IconSortDescending size={18} /> : <IconSortAscending size={18} />}
            </ActionIcon>
          </Tooltip>
          <Box w={8} h={8} style={{ borderRadius: 4, flexShrink: 0, background: live ? 'var(--mantine-color-teal-6)' : 'var(--mantine-color-gray-5)' }} aria-hidden />
        </Group>
      </Stack>
      <ScrollArea style={{ flex: 1 }} type="auto">
        {list.error ? <ErrorState error={list.error} onRetry={list.refetch} /> : null}
        {list.isLoading ? <PageLoader /> : null}
        {!list.isLoading && list.items.length === 0 ? (
          <EmptyState icon={IconMessageCircle} title={t('empty.title')} description={q || status !== 'all' ? t('empty.filtered') : t('empty.description')} />
        ) : null}
        <nav aria-label={t('title')}>
          {list.items.map((c) => (
            <ConversationRow key={c.id} conversation={c} selected={c.id === selectedId} />
          ))}
        </nav>
        {list.hasNextPage ? (
          <Group justify="center" p="sm">
            <Button variant="subtle" size="xs" loading={list.isFetchingNextPage} onClick={list.fetchNextPage}>
              {t('loadMore')}
            </Button>
          </Group>
        ) : null}
      </ScrollArea>
    </>
  );
}

function initials(name: string) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]?.toUpperCase())
    .join('');
}

function ConversationRow({ conversation: c, selected }: { conversation: Conversation; selected: boolean }) {
  const { t } = useTranslation('inbox');
  const { relative } = useFormatters();
  const navigate = useNavigate();
  const when = c.lastMessageAt ?? c.createdAt;
  return (
    <UnstyledButton
      onClick={() => navigate(`/inbox/${c.id}`)}
      aria-current={selected ? 'page' : undefined}
      w="100%"
      px="sm"
      py={10}
      style={{
        display: 'block',
        borderBottom: '1px solid var(--mantine-color-default-border)',
        background: selected ? 'var(--mantine-color-teal-light)' : undefined,
      }}
    >
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <Avatar radius="xl" color="teal" size={40}>
          {initials(c.contact.name) || (c.channel.type === 'whatsapp' ? <IconBrandWhatsapp size={18} /> : <IconMessageCircle size={18} />)}
        </Avatar>
        <Box style={{ flex: 1, minWidth: 0 }}>
          <Group justify="space-between" wrap="nowrap" gap={4}>
            <Text size="sm" fw={c.unreadCount ? 700 : 500} truncate>
              {c.contact.name || c.contact.phone || t('contact.visitor')}
            </Text>
            <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
              {relative(when)}
            </Text>
          </Group>
          <Group justify="space-between" wrap="nowrap" gap={4}>
            <Text size="xs" c="dimmed" truncate>
              {c.lastMessagePreview}
            </Text>
            {c.unreadCount ? (
              <Badge size="sm" circle color="teal" aria-label={t('unread', { count: c.unreadCount })}>
                {c.unreadCount}
              </Badge>
            ) : null}
          </Group>
          <Group gap={4} mt={2}>
            {c.channel.type === 'whatsapp' ? <IconBrandWhatsapp size={12} aria-hidden /> : <IconMessageCircle size={12} aria-hidden />}
            <Text size="xs" c="dimmed" truncate>
              {t(`status.${c.status}`)}
              {c.assignee ? ` · ${c.assignee.name}` : ''}
            </Text>
          </Group>
        </Box>
      </Group>
    </UnstyledButton>
  );
}
