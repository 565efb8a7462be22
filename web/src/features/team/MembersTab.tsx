import { ActionIcon, Button, Group, Menu, Modal, Radio, Select, Stack, Text, Tooltip } from '@mantine/core';
import { IconDots, IconUserCheck, IconUserCog, IconUsers, IconUserX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ResponseOf, unwrap } from '../../api/client.ts';
import { useApiMutation, useCursorList } from '../../api/query.ts';
import { type Role, useMember } from '../../app/session.tsx';
import { confirmAction } from '../../components/confirm.tsx';
import { type Column, DataTable, type SortState, sortRows } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormatters } from '../../components/format.ts';
import { RoleBadge, StatusBadge } from './badges.tsx';

/** A member as `GET /api/v1/members` lists it. */
export type Member = ResponseOf<'/api/v1/members', 'get'>['items'][number];
type Status = Member['status'];

const ROLES: Role[] = ['owner', 'manager', 'agent'];
const STATUSES: Status[] = ['active', 'invited', 'disabled'];

/** The members table: search, filters, sort; role changes and disabling for those allowed. */
export function MembersTab() {
  const { t } = useTranslation(['team', 'app']);
  const { dateTime, relative } = useFormatters();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<Status | null>(null);
  const [role, setRole] = useState<Role | null>(null);
  const [sort, setSort] = useState<SortState | null>(null);
  const [changing, setChanging] = useState<Member | null>(null);
  const list = useCursorList(['members', { q, status, role }], (cursor) =>
    unwrap(api.GET('/api/v1/members', { params: { query: { q: q || undefined, status: status ?? undefined, role: role ?? undefined, cursor } } })),
  );
  const rows = sortRows(list.items, sort, {
    name: (m) => m.name,
    email: (m) => m.email,
    role: (m) => ROLES.indexOf(m.role),
    status: (m) => STATUSES.indexOf(m.status),
    updated: (m) => m.updatedAt,
  });

  const columns: Column<Member>[] = [
    {
      key: 'name',
      header: t('members.name'),
      sortable: true,
      render: (m) => <NameCell member={m} />,
    },
    { key: 'email', header: t('members.email'), sortable: true, visibleFrom: 'sm', render: (m) => <Text size="sm">{m.email}</Text> },
    { key: 'role', header: t('members.role'), sortable: true, render: (m) => <RoleBadge role={m.role} /> },
    { key: 'status', header: t('members.status'), sortable: true, render: (m) => <StatusBadge status={m.status} /> },
    {
      key: 'updated',
      header: t('members.updated'),
      sortable: true,
      visibleFrom: 'md',
      render: (m) => (
        <Tooltip label={dateTime(m.updatedAt)}>
          <Text size="sm" c="dimmed" component="span">
            {relative(m.updatedAt)}
          </Text>
        </Tooltip>
      ),
    },
    { key: 'actions', header: t('app:common.actions'), align: 'right', width: 72, render: (m) => <MemberActions member={m} onChangeRole={setChanging} /> },
  ];

  return (
    <>
      <DataTable
        label={t('members.label')}
        columns={columns}
        rows={rows}
        rowKey={(m) => m.id}
        loading={list.isLoading}
        error={list.error}
        onRetry={list.refetch}
        search={{ value: q, onChange: setQ, placeholder: t('members.search') }}
        toolbar={
          <>
            <Select
              aria-label={t('members.status')}
              placeholder={t('members.allStatuses')}
              data={STATUSES.map((value) => ({ value, label: t(`statuses.${value}`) }))}
              value={status}
              onChange={(value) => setStatus(STATUSES.find((s) => s === value) ?? null)}
              clearable
              w={180}
            />
            <Select
              aria-label={t('members.role')}
              placeholder={t('members.allRoles')}
              data={ROLES.map((value) => ({ value, label: t(`app:roles.${value}`) }))}
              value={role}
              onChange={(value) => setRole(ROLES.find((r) => r === value) ?? null)}
              clearable
              w={160}
            />
          </>
        }
        sort={sort}
        onSortChange={setSort}
        hasMore={list.hasNextPage}
        onLoadMore={list.fetchNextPage}
        loadingMore={list.isFetchingNextPage}
        empty={<EmptyState icon={IconUsers} title={t('members.emptyTitle')} />}
      />
      <ChangeRoleModal member={changing} onClose={() => setChanging(null)} />
    </>
  );
}

function NameCell({ member }: { member: Member }) {
  const { t } = useTranslation('team');
  const { session } = useMember();
  const isSelf = member.userId === session.user.id;
  return (
    <Stack gap={0}>
      <Text size="sm" fw={500}>
        {member.name || member.email}
        {isSelf ? (
          <Text span size="xs" c="dimmed" ml={6}>
            ({t('members.you')})
          </Text>
        ) : null}
      </Text>
      <Text size="xs" c="dimmed" hiddenFrom="sm">
        {member.email}
      </Text>
    </Stack>
  );
}

function MemberActions({ member, onChangeRole }: { member: Member; onChangeRole: (m: Member) => void }) {
  const { t } = useTranslation('team');
  const { session, can } = useMember();
  const name = member.name || member.email;
  const setStatus = useApiMutation({
    mutationFn: (status: 'active' | 'disabled') => unwrap(api.PATCH('/api/v1/members/{id}', { params: { path: { id: member.id } }, body: { status } })),
    invalidate: [['members']],
    successMessage: (m) => (m.status === 'disabled' ? t('members.disabled', { name }) : t('members.enabled', { name })),
  });

  if (member.userId === session.user.id || member.status === 'invited') return null;
  const mayChangeRole = can('team.roles');
  const mayToggle = can('team.manage') && (can('team.roles') || member.role === 'agent');
  if (!mayChangeRole && !mayToggle) return null;

  const toggle = async () => {
    const disabling = member.status === 'active';
    const confirmed = await confirmAction({
      message: disabling ? t('members.disableConfirm', { name }) : t('members.enableConfirm', { name }),
      confirmLabel: disabling ? t('members.disable') : t('members.enable'),
      danger: disabling,
    });
    if (confirmed) setStatus.mutate(disabling ? 'disabled' : 'active');
  };

  return (
    <Menu position="bottom-end" withinPortal shadow="md">
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={t('members.actionsFor', { name })} loading={setStatus.isPending}>
          <IconDots size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {mayChangeRole ? (
          <Menu.Item leftSection={<IconUserCog size={16} aria-hidden />} onClick={() => onChangeRole(member)}>
            {t('members.changeRole')}
          </Menu.Item>
        ) : null}
        {mayToggle ? (
          <Menu.Item
            color={member.status === 'active' ? 'red' : undefined}
            leftSection={member.status === 'active' ? <IconUserX size={16} aria-hidden /> : <IconUserCheck size={16} aria-hidden />}
            onClick={() => void toggle()}
          >
            {member.status === 'active' ? t('members.disable') : t('members.enable')}
          </Menu.Item>
        ) : null}
      </Menu.Dropdown>
    </Menu>
  );
}

function ChangeRoleModal({ member, onClose }: { member: Member | null; onClose: () => void }) {
  const { t } = useTranslation(['team', 'app']);
  const [role, setRole] = useState<Role | null>(null);
  const current = role ?? member?.role ?? 'agent';
  const name = member ? member.name || member.email : '';
  const change = useApiMutation({
    mutationFn: (next: Role) => unwrap(api.PATCH('/api/v1/members/{id}', { params: { path: { id: member?.id ?? '' } }, body: { role: next } })),
    invalidate: [['members']],
    successMessage: (m) => t('members.roleChanged', { name, role: t(`app:roles.${m.role}`) }),
    onSuccess: () => close(),
  });
  const close = () => {
    setRole(null);
    onClose();
  };
  return (
    <Modal opened={member !== null} onClose={close} title={t('members.changeRoleTitle', { name })}>
      <Stack>
        <Radio.Group value={current} onChange={(value) => setRole(ROLES.find((r) => r === value) ?? null)} aria-label={t('members.role')}>
          <Stack gap="xs">
            {ROLES.map((r) => (
              <Radio.Card key={r} value={r} p="sm" radius="md">
                <Group wrap="nowrap" align="flex-start" gap="sm">
                  <Radio.Indicator mt={2} />
                  <div>
                    <Text size="sm" fw={600}>
                      {t(`app:roles.${r}`)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t(`roleHints.${r}`)}
                    </Text>
                  </div>
                </Group>
              </Radio.Card>
            ))}
          </Stack>
        </Radio.Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('app:common.cancel')}
          </Button>
          <Button onClick={() => change.mutate(current)} loading={change.isPending} disabled={!member || current === member.role}>
            {t('app:common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
