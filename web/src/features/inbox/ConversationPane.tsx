import { ActionIcon, Badge, Box, Button, Group, Select, Switch, Text, Title, Tooltip } from '@mantine/core';
import { IconArrowLeft, IconCircleCheck, IconRefresh, IconUserCheck } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useApiMutation } from '../../api/query.ts';
import { useMember } from '../../app/session.tsx';
import { ErrorState, PageLoader } from '../../components/states.tsx';
import { type Conversation, type ConversationPatch, inboxKeys, markRead, patchConversation, useActiveMembers } from './api.ts';
import { Composer } from './Composer.tsx';
import { MessageList } from './MessageList.tsx';

/** The middle pane: the conversation's header (status, assignee, AI switch), its messages and the composer. */
export function ConversationPane({ conversationId, conversation, error }: { conversationId: string; conversation: Conversation | undefined; error: unknown }) {
  const read = useApiMutation({ mutationFn: () => markRead(conversationId), invalidate: [inboxKeys.lists], onError: () => true });
  const unread = conversation?.unreadCount ?? 0;
  const reading = useRef(false);
  // Opening a chat (or a new message arriving while it is open) marks it read, on WhatsApp too.
  useEffect(() => {
    if (unread > 0 && !reading.current) {
      reading.current = true;
      read.mutate(undefined, { onSettled: () => (reading.current = false) });
    }
  }, [unread, read]);
  if (error) return <ErrorState error={error} />;
  if (!conversation) return <PageLoader />;
  return (
    <>
      <ConversationHeader conversation={conversation} />
      <MessageList conversationId={conversationId} />
      <Composer conversation={conversation} />
    </>
  );
}

function ConversationHeader({ conversation: c }: { conversation: Conversation }) {
  const { t } = useTranslation('inbox');
  const { can } = useMember();
  const navigate = useNavigate();
  const canAssign = can('conversations.assign');
  const members = useActiveMembers(canAssign);
  const update = useApiMutation({
    mutationFn: (patch: ConversationPatch) => patchConversation(c.id, patch),
    invalidate: [inboxKeys.lists, inboxKeys.one(c.id)],
    errorNs: 'inbox',
  });
  return (
    <Group justify="space-between" p="sm" gap="sm" wrap="wrap" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
      <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
        <ActionIcon variant="subtle" hiddenFrom="sm" aria-label={t('back')} onClick={() => navigate('/inbox')}>
          <IconArrowLeft size={18} />
        </ActionIcon>
        <Box style={{ minWidth: 0 }}>
          <Title order={2} size="h5" lineClamp={1}>
            {c.contact.name || c.contact.phone || t('contact.visitor')}
          </Title>
          <Group gap={6}>
            <Text size="xs" c="dimmed">
              {c.contact.phone ?? c.contact.email ?? c.channel.name}
            </Text>
            <Badge size="xs" variant="light" color={c.status === 'closed' ? 'gray' : c.status === 'open' ? 'teal' : 'orange'}>
              {t(`status.${c.status}`)}
            </Badge>
          </Group>
        </Box>
      </Group>
      <Group gap="sm" wrap="wrap">
        {canAssign ? (
          <Select
            size="xs"
            w={180}
            aria-label={t('header.assignee')}
            placeholder={t('header.unassigned')}
            clearable
            value={c.assignee?.membershipId ?? null}
            data={(members.data ?? []).map((m) => ({ value: m.id, label: m.name || m.email }))}
            onChange={(value) => update.mutate({ assigneeId: value })}
          />
        ) : !c.assignee && c.status !== 'closed' ? (
          <Button size="xs" variant="light" leftSection={<IconUserCheck size={16} aria-hidden />} loading={update.isPending} onClick={() => update.mutate({ status: 'open' })}>
            {t('header.take')}
          </Button>
        ) : c.assignee ? (
          <Text size="xs" c="dimmed">
            {t('header.assignee')}: {c.assignee.name}
          </Text>
        ) : null}
        <Tooltip label={t('header.aiHint')}>
          <Switch size="sm" label={t('header.ai')} checked={c.aiEnabled} onChange={(e) => update.mutate({ aiEnabled: e.currentTarget.checked })} />
        </Tooltip>
        {c.status === 'closed' ? (
          <Button size="xs" variant="default" leftSection={<IconRefresh size={16} aria-hidden />} onClick={() => update.mutate({ status: 'open' })}>
            {t('header.reopen')}
          </Button>
        ) : (
          <Button size="xs" color="red" leftSection={<IconCircleCheck size={16} aria-hidden />} onClick={() => update.mutate({ status: 'closed' })}>
            {t('header.close')}
          </Button>
        )}
      </Group>
    </Group>
  );
}
