import { Anchor, Box, Button, Center, Group, Paper, ScrollArea, Stack, Text, Tooltip } from '@mantine/core';
import { IconAlertCircle, IconCheck, IconChecks, IconClock, IconLock, IconMapPin } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormatters } from '../../components/format.ts';
import { ErrorState, PageLoader } from '../../components/states.tsx';
import { type Message, useMessages } from './api.ts';

/** The conversation's messages as bubbles, oldest at the top, kept scrolled to the newest. */
export function MessageList({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation('inbox');
  const messages = useMessages(conversationId);
  const viewport = useRef<HTMLDivElement>(null);
  const lastId = messages.items.at(-1)?.id;
  // Follow new messages (not when older ones are loaded above).
  useEffect(() => {
    if (lastId) viewport.current?.scrollTo({ top: viewport.current.scrollHeight });
  }, [lastId]);
  return (
    <ScrollArea style={{ flex: 1 }} viewportRef={viewport} type="auto" bg="var(--mantine-color-gray-0)">
      <Stack gap={6} p="md" role="log" aria-live="polite" aria-relevant="additions">
        {messages.hasOlder ? (
          <Center>
            <Button size="xs" variant="subtle" loading={messages.loadingOlder} onClick={messages.loadOlder}>
              {t('loadOlder')}
            </Button>
          </Center>
        ) : null}
        {messages.error ? <ErrorState error={messages.error} /> : null}
        {messages.isLoading ? <PageLoader /> : null}
        {messages.items.map((m) => (
          <MessageBubble key={m.id} message={m} />
        ))}
      </Stack>
    </ScrollArea>
  );
}

/** One message: inbound on the left, outbound on the right, notes highlighted, with delivery ticks. */
export function MessageBubble({ message: m }: { message: Message }) {
  const { t } = useTranslation('inbox');
  const { dateTime } = useFormatters();
  const outbound = m.direction === 'out';
  const note = m.private;
  const time = new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (m.type === 'reaction') {
    return (
      <Text size="xs" c="dimmed" ta={outbound ? 'right' : 'left'}>
        {outbound ? t('message.you') : ''} {t('message.reacted', { emoji: m.body ?? '' })}
      </Text>
    );
  }
  const author = note || outbound ? (m.author.type === 'assistant' ? t('message.assistant') : m.author.type === 'system' ? t('message.system') : (m.author.name ?? t('message.you'))) : null;
  return (
    <Group justify={outbound || note ? 'flex-end' : 'flex-start'} data-testid={`message-${m.id}`}>
      <Paper
        px="sm"
        py={6}
        radius="md"
        maw="75%"
        shadow="xs"
        style={{
          background: note ? 'var(--mantine-color-yellow-1)' : outbound ? 'var(--mantine-color-teal-1)' : 'var(--mantine-color-body)',
          border: note ? '1px dashed var(--mantine-color-yellow-6)' : undefined,
        }}
      >
        {note ? (
          <Group gap={4} mb={2}>
            <IconLock size={12} aria-hidden />
            <Text size="xs" fw={600} c="yellow.9">
              {t('message.private')}
            </Text>
          </Group>
        ) : null}
        {m.type === 'template' ? (
          <Text size="xs" c="dimmed" fw={600}>
            {t('message.template')}
          </Text>
        ) : null}
        <MessageContent message={m} />
        <Group gap={4} justify="flex-end" mt={2} wrap="nowrap">
          {author ? (
            <Text size="10px" c="dimmed">
              {author} ·
            </Text>
          ) : null}
          <Tooltip label={dateTime(m.createdAt)}>
            <Text size="10px" c="dimmed">
              {time}
            </Text>
          </Tooltip>
          {outbound && !note ? <Ticks message={m} /> : null}
        </Group>
        {m.status === 'failed' && m.error ? (
          <Group gap={4} mt={4} wrap="nowrap" align="flex-start" role="alert">
            <IconAlertCircle size={14} color="var(--mantine-color-red-7)" aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
            <Text size="xs" c="red.8">
              {t('message.failed')}: {m.error.message}
            </Text>
          </Group>
        ) : null}
      </Paper>
    </Group>
  );
}

function Ticks({ message: m }: { message: Message }) {
  const { t } = useTranslation('inbox');
  const label = t(`message.${m.status === 'received' ? 'sent' : m.status}`);
  const icon =
    m.status === 'queued' ? (
      <IconClock size={14} />
    ) : m.status === 'sent' ? (
      <IconCheck size={14} />
    ) : m.status === 'delivered' ? (
      <IconChecks size={14} />
    ) : m.status === 'read' || m.status === 'played' ? (
      <IconChecks size={14} color="var(--mantine-color-blue-6)" />
    ) : m.status === 'failed' ? (
      <IconAlertCircle size={14} color="var(--mantine-color-red-7)" />
    ) : null;
  return (
    <Tooltip label={label}>
      <Box component="span" aria-label={label} role="img" style={{ display: 'inline-flex' }} data-status={m.status}>
        {icon}
      </Box>
    </Tooltip>
  );
}

function MessageContent({ message: m }: { message: Message }) {
  const { t } = useTranslation('inbox');
  if (m.payload.revokedAt) {
    return (
      <Text size="sm" fs="italic" c="dimmed">
        {t('message.deleted')}
      </Text>
    );
  }
  const location = locationOf(m.payload.location);
  return (
    <Stack gap={4}>
      {m.media ? <Media message={m} /> : null}
      {m.type === 'audio' ? <Transcript message={m} /> : null}
      {location ? (
        <Anchor href={`https://www.openstreetmap.org/?mlat=${location.latitude}&mlon=${location.longitude}#map=17/${location.latitude}/${location.longitude}`} target="_blank" rel="noopener noreferrer" size="sm">
          <IconMapPin size={14} aria-hidden /> {m.body || t('message.location')}
        </Anchor>
      ) : m.body ? (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {m.body}
          {m.payload.editedAt ? (
            <Text span size="xs" c="dimmed">
              {' '}
              ({t('message.edited')})
            </Text>
          ) : null}
        </Text>
      ) : m.type === 'unsupported' ? (
        <Text size="sm" fs="italic" c="dimmed">
          {t('message.unsupported')}
        </Text>
      ) : null}
    </Stack>
  );
}

type TranscriptPayload = { status: 'done'; source: 'transcription' | 'speech'; text: string } | { status: 'failed'; error: string };

const TRANSCRIPT_ERRORS = ['unsupported_provider', 'not_configured', 'media_unavailable', 'too_large', 'no_speech', 'auth', 'rate_limited', 'unavailable'] as const;
type TranscriptError = (typeof TRANSCRIPT_ERRORS)[number] | 'other';
const isTranscriptError = (code: string): code is (typeof TRANSCRIPT_ERRORS)[number] => (TRANSCRIPT_ERRORS as readonly string[]).includes(code);

function transcriptOf(value: unknown): TranscriptPayload | null {
  if (typeof value !== 'object' || value === null || !('status' in value)) return null;
  if (value.status === 'done' && 'text' in value && typeof value.text === 'string') {
    return { status: 'done', source: 'source' in value && value.source === 'speech' ? 'speech' : 'transcription', text: value.text };
  }
  if (value.status === 'failed') return { status: 'failed', error: 'error' in value && typeof value.error === 'string' ? value.error : 'other' };
  return null;
}

/** The words of a voice note: what the AI heard in the customer's audio, or what the assistant said in its own. */
function Transcript({ message: m }: { message: Message }) {
  const { t } = useTranslation('inbox');
  const transcript = transcriptOf(m.payload.transcript);
  if (!transcript) return null;
  if (transcript.status === 'failed') {
    const reason: TranscriptError = isTranscriptError(transcript.error) ? transcript.error : 'other';
    return (
      <Text size="xs" c="dimmed" fs="italic" data-testid="transcript-failed">
        {t('message.transcriptFailed', { reason: t(`message.transcriptError.${reason}`) })}
      </Text>
    );
  }
  return (
    <Box data-testid="transcript">
      <Text size="xs" c="dimmed">
        {t(transcript.source === 'speech' ? 'message.spokenText' : 'message.transcript')}
      </Text>
      <Text size="sm" fs="italic" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        “{transcript.text}”
      </Text>
    </Box>
  );
}

function locationOf(value: unknown): { latitude: number; longitude: number } | null {
  if (typeof value !== 'object' || value === null || !('latitude' in value) || !('longitude' in value)) return null;
  const { latitude, longitude } = value;
  return typeof latitude === 'number' && typeof longitude === 'number' ? { latitude, longitude } : null;
}

function Media({ message: m }: { message: Message }) {
  const { t } = useTranslation('inbox');
  const media = m.media!;
  if (media.state === 'pending') {
    return (
      <Text size="xs" c="dimmed">
        {t('message.mediaPending')}
      </Text>
    );
  }
  if (media.state === 'failed' || !media.url) {
    const link = typeof m.payload.media === 'object' && m.payload.media && 'link' in m.payload.media && typeof m.payload.media.link === 'string' ? m.payload.media.link : null;
    if (link) {
      return (
        <Anchor href={link} target="_blank" rel="noopener noreferrer" size="sm">
          {media.filename ?? link}
        </Anchor>
      );
    }
    return (
      <Text size="xs" c="red.8">
        {t('message.mediaFailed')}
      </Text>
    );
  }
  const name = media.filename ?? t('message.attachment');
  if (m.type === 'image' || m.type === 'sticker') {
    return (
      <a href={media.url} target="_blank" rel="noopener noreferrer">
        <img src={media.url} alt={m.body || name} style={{ maxWidth: m.type === 'sticker' ? 128 : 280, maxHeight: 320, borderRadius: 8, display: 'block' }} loading="lazy" />
      </a>
    );
  }
  // biome-ignore lint/a11y/useMediaCaption: customers' voice notes and videos come without caption tracks
  if (m.type === 'audio') return <audio controls src={media.url} preload="none" aria-label={name} style={{ display: 'block', width: 260, maxWidth: '100%' }} />;
  // biome-ignore lint/a11y/useMediaCaption: customers' voice notes and videos come without caption tracks
  if (m.type === 'video') return <video controls src={media.url} preload="metadata" aria-label={name} style={{ maxWidth: 280, borderRadius: 8 }} />;
  return (
    <Anchor href={media.url} target="_blank" rel="noopener noreferrer" size="sm">
      {t('message.download', { name })}
    </Anchor>
  );
}
