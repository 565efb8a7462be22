import { ActionIcon, Alert, Badge, Button, Group, Menu, Stack, Switch, Text } from '@mantine/core';
import { IconDots, IconInfoCircle, IconMessageBolt, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation, useCursorList } from '../../api/query.ts';
import { confirmAction } from '../../components/confirm.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { AutomatedReplyModal } from './AutomatedReplyModal.tsx';
import { type AutomatedReply, bodyOf, inEvaluationOrder, ruleKeys, saveRule, WEEK, weekdayName } from './automated-replies.ts';

/** Automation → Automated replies: keyword rules answered before the assistant, in the order they are evaluated. */
export function AutomatedRepliesPage() {
  const { t, i18n } = useTranslation('assistant');
  const [editing, setEditing] = useState<AutomatedReply | 'new' | null>(null);
  const list = useCursorList(ruleKeys.all, (cursor) => unwrap(api.GET('/api/v1/automated-replies', { params: { query: { cursor, limit: 100 } } })));
  const rows = inEvaluationOrder(list.items);
  const remove = useApiMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/automated-replies/{id}', { params: { path: { id } } })),
    invalidate: [ruleKeys.all],
    successMessage: t('rules.deleted'),
  });
  const toggle = useApiMutation({
    mutationFn: ({ rule, enabled }: { rule: AutomatedReply; enabled: boolean }) => saveRule(rule.id, { ...bodyOf(rule), enabled }),
    errorNs: 'assistant',
    invalidate: [ruleKeys.all],
    successMessage: (r) => (r.enabled ? t('rules.enabledOn', { name: r.name }) : t('rules.enabledOff', { name: r.name })),
  });

  const hours = (r: AutomatedReply) => {
    const days = r.activeDays.length ? WEEK.filter((d) => r.activeDays.includes(d)).map((d) => weekdayName(d, i18n.language)).join(', ') : null;
    const range = r.activeFrom && r.activeTo ? `${r.activeFrom}–${r.activeTo}` : null;
    if (!days && !range) return t('rules.always');
    return [range, days ?? t('rules.everyDay')].filter(Boolean).join(' · ');
  };
  const replyKind = (r: AutomatedReply) => (r.reply.type === 'media' ? r.reply.mediaType : r.reply.type);
  const replySummary = (r: AutomatedReply) => (r.reply.type === 'text' ? r.reply.text : r.reply.type === 'media' ? (r.reply.caption ?? r.reply.link) : `${r.reply.name} (${r.reply.language})`);

  const columns: Column<AutomatedReply>[] = [
    {
      key: 'name',
      header: t('rules.columns.name'),
      render: (r) => (
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {r.name}
          </Text>
          <Group gap={4}>
            {r.keywords.slice(0, 6).map((k) => (
              <Badge key={k} size="sm" variant="light" color="gray" tt="none">
                {k}
              </Badge>
            ))}
            {r.keywords.length > 6 ? (
              <Text size="xs" c="dimmed">
                +{r.keywords.length - 6}
              </Text>
            ) : null}
          </Group>
        </Stack>
      ),
    },
    { key: 'match', header: t('rules.columns.match'), visibleFrom: 'sm', render: (r) => <Text size="sm">{t(`matchModes.${r.match}`)}</Text> },
    { key: 'priority', header: t('rules.columns.priority'), visibleFrom: 'sm', align: 'right', render: (r) => <Text size="sm">{r.priority}</Text> },
    {
      key: 'hours',
      header: t('rules.columns.hours'),
      visibleFrom: 'md',
      render: (r) => (
        <Stack gap={2}>
          <Text size="sm">{hours(r)}</Text>
          <Text size="xs" c="dimmed">
            {r.channelIds.length ? t('rules.channelCount', { count: r.channelIds.length }) : t('rules.allChannels')}
          </Text>
        </Stack>
      ),
    },
    {
      key: 'reply',
      header: t('rules.columns.reply'),
      visibleFrom: 'xs',
      render: (r) => (
        <Stack gap={2} maw={260}>
          <Badge size="sm" variant="outline" tt="none">
            {t(`rules.replyKinds.${replyKind(r)}`)}
          </Badge>
          <Text size="xs" c="dimmed" lineClamp={2}>
            {replySummary(r)}
          </Text>
        </Stack>
      ),
    },
    {
      key: 'active',
      header: t('rules.columns.active'),
      width: 80,
      render: (r) => (
        <Switch
          aria-label={t('rules.toggle', { name: r.name })}
          checked={toggle.isPending && toggle.variables?.rule.id === r.id ? toggle.variables.enabled : r.enabled}
          disabled={toggle.isPending}
          onChange={(e) => toggle.mutate({ rule: r, enabled: e.currentTarget.checked })}
        />
      ),
    },
    {
      key: 'actions',
      header: '',
      width: 60,
      align: 'right',
      render: (r) => (
        <Menu position="bottom-end" shadow="md">
          <Menu.Target>
            <ActionIcon variant="subtle" aria-label={t('rules.actionsFor', { name: r.name })}>
              <IconDots size={18} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setEditing(r)}>
              {t('rules.edit')}
            </Menu.Item>
            <Menu.Item
              color="red"
              leftSection={<IconTrash size={16} />}
              onClick={async () => {
                if (await confirmAction({ message: t('rules.deleteConfirm', { name: r.name }), confirmLabel: t('rules.delete'), danger: true })) remove.mutate(r.id);
              }}
            >
              {t('rules.delete')}
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      ),
    },
  ];

  const addButton = (
    <Button leftSection={<IconPlus size={18} aria-hidden />} onClick={() => setEditing('new')}>
      {t('rules.add')}
    </Button>
  );
  return (
    <>
      <PageHeader title={t('rules.title')} description={t('rules.description')} actions={addButton} />
      <Stack gap="md">
        {rows.length > 0 ? (
          <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} aria-hidden />}>
            {t('rules.order')}
          </Alert>
        ) : null}
        <DataTable
          label={t('rules.tableLabel')}
          columns={columns}
          rows={rows}
          rowKey={(r) => r.id}
          loading={list.isLoading}
          error={list.error}
          onRetry={list.refetch}
          hasMore={list.hasNextPage}
          onLoadMore={list.fetchNextPage}
          loadingMore={list.isFetchingNextPage}
          minWidth={720}
          empty={<EmptyState icon={IconMessageBolt} title={t('rules.empty.title')} description={t('rules.empty.description')} action={addButton} />}
        />
      </Stack>
      <AutomatedReplyModal rule={editing} onClose={() => setEditing(null)} />
    </>
  );
}
