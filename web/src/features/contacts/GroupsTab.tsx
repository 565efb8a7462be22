import { ActionIcon, Button, Group, Menu, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconDots, IconFileUpload, IconPencil, IconPlus, IconTrash, IconUsers, IconUsersGroup } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation, useCursorList } from '../../api/query.ts';
import { useMember } from '../../app/session.tsx';
import { confirmAction } from '../../components/confirm.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { rules } from '../../components/forms.ts';
import { type Group as ContactGroup, keys } from './api.ts';

/** The "Groups" tab: groups with their contact counts; add, rename, delete, and a bulk upload per group. */
export function GroupsTab({ onImport, onOpenGroup }: { onImport: (groupId: string | null) => void; onOpenGroup: (groupId: string) => void }) {
  const { t } = useTranslation('contacts');
  const { can } = useMember();
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<ContactGroup | 'new' | null>(null);
  const list = useCursorList([...keys.groups, 'list', q], (cursor) => unwrap(api.GET('/api/v1/groups', { params: { query: { q: q || undefined, cursor, limit: 50 } } })));
  const remove = useApiMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/groups/{id}', { params: { path: { id } } })),
    invalidate: [keys.groups, keys.contacts],
    successMessage: t('groups.deleted'),
  });
  const columns: Column<ContactGroup>[] = [
    {
      key: 'name',
      header: t('groups.name'),
      render: (g) => (
        <div>
          <Text size="sm" fw={500}>
            {g.name}
          </Text>
          {g.description ? (
            <Text size="xs" c="dimmed" lineClamp={1}>
              {g.description}
            </Text>
          ) : null}
        </div>
      ),
    },
    { key: 'members', header: t('groups.members'), align: 'right', width: 110, render: (g) => <Text size="sm">{g.memberCount}</Text> },
    {
      key: 'actions',
      header: '',
      width: 60,
      align: 'right',
      render: (g) => (
        <Menu position="bottom-end" shadow="md">
          <Menu.Target>
            <ActionIcon variant="subtle" aria-label={t('groups.actionsFor', { name: g.name })}>
              <IconDots size={18} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item leftSection={<IconUsers size={16} />} onClick={() => onOpenGroup(g.id)}>
              {t('groups.viewMembers')}
            </Menu.Item>
            {can('contacts.import') ? (
              <Menu.Item leftSection={<IconFileUpload size={16} />} onClick={() => onImport(g.id)}>
                {t('actions.bulk')}
              </Menu.Item>
            ) : null}
            {can('contacts.write') ? (
              <>
                <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setEditing(g)}>
                  {t('groups.edit')}
                </Menu.Item>
                <Menu.Item
                  color="red"
                  leftSection={<IconTrash size={16} />}
                  onClick={async () => {
                    if (await confirmAction({ message: t('groups.deleteConfirm', { name: g.name }), confirmLabel: t('groups.delete'), danger: true })) remove.mutate(g.id);
                  }}
                >
                  {t('groups.delete')}
                </Menu.Item>
              </>
            ) : null}
          </Menu.Dropdown>
        </Menu>
      ),
    },
  ];

  return (
    <Stack>
      <Group justify="flex-end" gap="sm">
        {can('contacts.import') ? (
          <Button variant="light" leftSection={<IconFileUpload size={18} aria-hidden />} onClick={() => onImport(null)}>
            {t('groups.bulk')}
          </Button>
        ) : null}
        {can('contacts.write') ? (
          <Button leftSection={<IconPlus size={18} aria-hidden />} onClick={() => setEditing('new')}>
            {t('groups.add')}
          </Button>
        ) : null}
      </Group>
      <DataTable
        label={t('groups.label')}
        columns={columns}
        rows={list.items}
        rowKey={(g) => g.id}
        loading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        search={{ value: q, onChange: setQ, placeholder: t('groups.search') }}
        hasMore={list.hasNextPage}
        onLoadMore={list.fetchNextPage}
        loadingMore={list.isFetchingNextPage}
        minWidth={420}
        empty={<EmptyState icon={IconUsersGroup} title={t('groups.emptyTitle')} description={t('groups.emptyText')} />}
      />
      <GroupModal group={editing} onClose={() => setEditing(null)} />
    </Stack>
  );
}

function GroupModal({ group, onClose }: { group: ContactGroup | 'new' | null; onClose: () => void }) {
  const { t } = useTranslation('contacts');
  const existing = group && group !== 'new' ? group : null;
  return (
    <Modal opened={group !== null} onClose={onClose} title={existing ? t('groups.renameTitle') : t('groups.addTitle')}>
      {group !== null ? <GroupForm key={existing?.id ?? 'new'} group={existing} onDone={onClose} /> : null}
    </Modal>
  );
}

function GroupForm({ group, onDone }: { group: ContactGroup | null; onDone: () => void }) {
  const { t } = useTranslation(['contacts', 'app']);
  const form = useForm({ initialValues: { name: group?.name ?? '', description: group?.description ?? '' }, validate: { name: rules.required } });
  const save = useApiMutation({
    mutationFn: (v: { name: string; description: string }) =>
      group
        ? unwrap(api.PATCH('/api/v1/groups/{id}', { params: { path: { id: group.id } }, body: { name: v.name.trim(), description: v.description.trim() } }))
        : unwrap(api.POST('/api/v1/groups', { body: { name: v.name.trim(), description: v.description.trim() } })),
    form,
    errorNs: 'contacts',
    invalidate: [keys.groups],
    successMessage: group ? t('groups.saved') : t('groups.created'),
    onSuccess: onDone,
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack>
        <TextInput label={t('groups.name')} required data-autofocus maxLength={100} {...form.getInputProps('name')} />
        <Textarea label={t('groups.description')} autosize minRows={2} maxLength={500} {...form.getInputProps('description')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('app:common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {t('groups.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
