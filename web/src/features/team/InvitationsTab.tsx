import { Button, Group, Text, Tooltip } from '@mantine/core';
import { IconMailForward, IconSend, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api, type ResponseOf, unwrap } from '../../api/client.ts';
import { useApiMutation, useCursorList } from '../../api/query.ts';
import { confirmAction } from '../../components/confirm.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormatters } from '../../components/format.ts';
import { RoleBadge } from './badges.tsx';

type Invitation = ResponseOf<'/api/v1/invitations', 'get'>['items'][number];

/** Pending invitations with resend and revoke. */
export function InvitationsTab({ onInvite }: { onInvite: () => void }) {
  const { t } = useTranslation('team');
  const { dateTime, relative } = useFormatters();
  const list = useCursorList(['invitations', 'pending'], (cursor) => unwrap(api.GET('/api/v1/invitations', { params: { query: { pending: 'true', cursor } } })));
  const columns: Column<Invitation>[] = [
    { key: 'email', header: t('invitations.email'), render: (i) => <Text size="sm" fw={500}>{i.email}</Text> },
    { key: 'role', header: t('invitations.role'), render: (i) => <RoleBadge role={i.role} /> },
    {
      key: 'sent',
      header: t('invitations.sent'),
      visibleFrom: 'sm',
      render: (i) => (
        <Tooltip label={dateTime(i.createdAt)}>
          <Text size="sm" c="dimmed" component="span">
            {relative(i.createdAt)}
          </Text>
        </Tooltip>
      ),
    },
    { key: 'expires', header: t('invitations.expires'), visibleFrom: 'md', render: (i) => <Text size="sm" c="dimmed">{dateTime(i.expiresAt)}</Text> },
    { key: 'actions', header: '', align: 'right', render: (i) => <InvitationActions invitation={i} /> },
  ];
  return (
    <DataTable
      label={t('invitations.label')}
      columns={columns}
      rows={list.items}
      rowKey={(i) => i.id}
      loading={list.isLoading}
      error={list.error}
      onRetry={list.refetch}
      hasMore={list.hasNextPage}
      onLoadMore={list.fetchNextPage}
      loadingMore={list.isFetchingNextPage}
      empty={
        <EmptyState
          icon={IconMailForward}
          title={t('invitations.emptyTitle')}
          description={t('invitations.emptyDescription')}
          action={<Button onClick={onInvite}>{t('invite.button')}</Button>}
        />
      }
    />
  );
}

function InvitationActions({ invitation }: { invitation: Invitation }) {
  const { t } = useTranslation('team');
  const { email } = invitation;
  const path = { params: { path: { id: invitation.id } } };
  const resend = useApiMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/invitations/{id}/resend', path)),
    invalidate: [['invitations'], ['outbox']],
    successMessage: t('invitations.resent', { email }),
  });
  const revoke = useApiMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/invitations/{id}', path)),
    invalidate: [['invitations'], ['members']],
    successMessage: t('invitations.revoked', { email }),
  });
  return (
    <Group gap="xs" justify="flex-end" wrap="nowrap">
      <Button size="xs" variant="default" leftSection={<IconSend size={14} aria-hidden />} onClick={() => resend.mutate()} loading={resend.isPending} aria-label={t('invitations.resendLabel', { email })}>
        {t('invitations.resend')}
      </Button>
      <Button
        size="xs"
        variant="subtle"
        color="red"
        leftSection={<IconX size={14} aria-hidden />}
        loading={revoke.isPending}
        aria-label={t('invitations.revokeLabel', { email })}
        onClick={async () => {
          if (await confirmAction({ message: t('invitations.revokeConfirm', { email }), confirmLabel: t('invitations.revoke'), danger: true })) revoke.mutate();
        }}
      >
        {t('invitations.revoke')}
      </Button>
    </Group>
  );
}
