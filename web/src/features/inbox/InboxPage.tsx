import { Box, Paper, VisuallyHidden } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconMessages } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ContactPanel } from './ContactPanel.tsx';
import { ConversationList } from './ConversationList.tsx';
import { ConversationPane } from './ConversationPane.tsx';
import { useConversation } from './api.ts';
import { useInboxEvents } from './use-inbox-events.ts';

const PANE_HEIGHT = 'calc(100dvh - var(--app-shell-header-offset, 60px) - 2 * var(--app-shell-padding, 16px))';

/**
 * "Chats": the three-pane team inbox — the conversation list (search, status filter with counts,
 * newest/oldest), the conversation, and the contact. On a phone one pane shows at a time.
 */
export function InboxPage() {
  const { t } = useTranslation('inbox');
  const { conversationId } = useParams();
  const connected = useInboxEvents();
  const wide = useMediaQuery('(min-width: 62em)');
  const narrow = useMediaQuery('(max-width: 48em)');
  const conversation = useConversation(conversationId);
  const showList = !narrow || !conversationId;
  const showConversation = !narrow || Boolean(conversationId);
  return (
    <Box style={{ display: 'flex', gap: 'var(--mantine-spacing-md)', height: PANE_HEIGHT, minHeight: 420 }}>
      <VisuallyHidden component="h1">{t('title')}</VisuallyHidden>
      {showList ? (
        <Paper withBorder radius="md" style={{ width: narrow ? '100%' : 320, flexShrink: 0, display: 'flex', flexDirection: 'column', overflow: 'hidden' }}>
          <ConversationList selectedId={conversationId} live={connected} />
        </Paper>
      ) : null}
      {showConversation ? (
        <Paper withBorder radius="md" style={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', overflow: 'hidden' }}>
          {conversationId ? (
            <ConversationPane key={conversationId} conversationId={conversationId} conversation={conversation.data} error={conversation.error} />
          ) : (
            <Box m="auto">
              <EmptyState icon={IconMessages} title={t('pick.title')} description={t('pick.description')} />
            </Box>
          )}
        </Paper>
      ) : null}
      {wide && conversation.data ? (
        <Paper withBorder radius="md" style={{ width: 280, flexShrink: 0, overflowY: 'auto' }}>
          <ContactPanel conversation={conversation.data} />
        </Paper>
      ) : null}
    </Box>
  );
}
