import { ActionIcon, Alert, Box, Button, FileButton, Group, Loader, Popover, SegmentedControl, Stack, Text, Textarea, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconClockHour4, IconMoodSmile, IconPaperclip, IconSend, IconTemplate } from '@tabler/icons-react';
import { lazy, Suspense, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApiMutation } from '../../api/query.ts';
import { useMember } from '../../app/session.tsx';
import { useFormatters } from '../../components/format.ts';
import { notifyError } from '../../components/notify.tsx';
import { type Conversation, inboxKeys, mediaTypeOf, type Outbound, sendMessage, uploadFile } from './api.ts';
import { TemplatePicker, useApprovedTemplates } from './TemplatePicker.tsx';

// The picker is large; it loads the first time someone opens it.
const EmojiPicker = lazy(() => import('emoji-picker-react'));

interface Send {
  body: Outbound;
  key: string;
}

/**
 * The composer: reply or private note, emoji, attachments and templates. On WhatsApp, outside the
 * 24-hour customer-service window free text is blocked with the reason, and templates are offered.
 */
export function Composer({ conversation: c }: { conversation: Conversation }) {
  const { t } = useTranslation('inbox');
  const { session } = useMember();
  const { relative } = useFormatters();
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [text, setText] = useState('');
  const [uploading, setUploading] = useState<string | null>(null);
  const [emojiOpen, emoji] = useDisclosure();
  const [pickerOpen, picker] = useDisclosure();
  const input = useRef<HTMLTextAreaElement>(null);
  const templates = useApprovedTemplates(c.channel.id);
  const note = mode === 'note';
  const blocked = !note && !c.window.open;

  const send = useApiMutation({
    mutationFn: ({ body, key }: Send) => sendMessage(c.id, body, key),
    invalidate: [inboxKeys.messages(c.id), inboxKeys.one(c.id), inboxKeys.lists],
    errorNs: 'inbox',
  });
  // One idempotency key per message, so a retried request after a timeout is not sent twice.
  const submit = (body: Outbound, after?: () => void) => send.mutate({ body, key: crypto.randomUUID() }, { onSuccess: after });

  const sendText = () => {
    const value = text.trim();
    if (!value || blocked) return;
    submit(note ? { type: 'text', text: value, private: true } : { type: 'text', text: value }, () => setText(''));
  };

  const attach = async (file: File | null) => {
    if (!file) return;
    setUploading(file.name);
    try {
      const uploaded = await uploadFile(file, session.csrfToken);
      const caption = text.trim() || undefined;
      const mediaType = mediaTypeOf(uploaded.mimeType);
      submit(
        {
          type: 'media',
          mediaType,
          fileId: uploaded.id,
          caption: mediaType === 'image' || mediaType === 'video' || mediaType === 'document' ? caption : undefined,
          filename: mediaType === 'document' ? file.name : undefined,
        },
        () => setText(''),
      );
    } catch (error) {
      notifyError(error, { ns: 'inbox' });
    } finally {
      setUploading(null);
    }
  };

  const insertEmoji = (value: string) => {
    const el = input.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    setText(text.slice(0, start) + value + text.slice(end));
    emoji.close();
    requestAnimationFrame(() => el?.focus());
  };

  return (
    <Box p="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)', background: note ? 'var(--mantine-color-yellow-0)' : undefined }}>
      <Stack gap={6}>
        <Group justify="space-between" gap="xs">
          <SegmentedControl
            size="xs"
            aria-label={t('composer.modeLabel')}
            value={mode}
            onChange={(v) => setMode(v === 'note' ? 'note' : 'reply')}
            data={[
              { value: 'reply', label: t('composer.reply') },
              { value: 'note', label: t('composer.note') },
            ]}
          />
          {c.channel.type === 'whatsapp' && c.window.open && c.window.expiresAt ? (
            <Group gap={4}>
              <IconClockHour4 size={14} aria-hidden />
              <Text size="xs" c="dimmed">
                {t('composer.windowEnds', { when: relative(c.window.expiresAt) })}
              </Text>
            </Group>
          ) : null}
        </Group>
        {blocked ? (
          <Alert color="orange" variant="light" p="xs" role="status">
            <Group justify="space-between" gap="xs" wrap="nowrap">
              <Text size="sm">{t('composer.windowClosed')}</Text>
              {templates.data ? (
                <Button size="xs" leftSection={<IconTemplate size={14} aria-hidden />} onClick={picker.open} style={{ flexShrink: 0 }}>
                  {t('composer.template')}
                </Button>
              ) : null}
            </Group>
          </Alert>
        ) : null}
        <Textarea
          ref={input}
          aria-label={note ? t('composer.note') : t('composer.messageLabel')}
          placeholder={note ? t('composer.notePlaceholder') : t('composer.placeholder')}
          autosize
          minRows={2}
          maxRows={8}
          maxLength={4096}
          disabled={blocked}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              sendText();
            }
          }}
          description={t('composer.enterHint')}
        />
        <Group justify="space-between" gap="xs">
          <Group gap={4}>
            <Popover opened={emojiOpen} onChange={(o) => (o ? emoji.open() : emoji.close())} position="top-start" withinPortal>
              <Popover.Target>
                <Tooltip label={t('composer.emoji')}>
                  <ActionIcon variant="subtle" aria-label={t('composer.emoji')} onClick={emoji.toggle} disabled={blocked}>
                    <IconMoodSmile size={20} />
                  </ActionIcon>
                </Tooltip>
              </Popover.Target>
              <Popover.Dropdown p={0}>
                {emojiOpen ? (
                  <Suspense fallback={<Loader size="sm" m="md" />}>
                    <EmojiPicker onEmojiClick={(e) => insertEmoji(e.emoji)} lazyLoadEmojis />
                  </Suspense>
                ) : null}
              </Popover.Dropdown>
            </Popover>
            {!note ? (
              <FileButton onChange={(f) => void attach(f)} disabled={blocked || uploading !== null}>
                {(props) => (
                  <Tooltip label={t('composer.attach')}>
                    <ActionIcon variant="subtle" aria-label={t('composer.attach')} {...props} disabled={blocked || uploading !== null}>
                      <IconPaperclip size={20} />
                    </ActionIcon>
                  </Tooltip>
                )}
              </FileButton>
            ) : null}
            {!note && templates.data && c.channel.type === 'whatsapp' ? (
              <Tooltip label={t('composer.template')}>
                <ActionIcon variant="subtle" aria-label={t('composer.template')} onClick={picker.open}>
                  <IconTemplate size={20} />
                </ActionIcon>
              </Tooltip>
            ) : null}
            {uploading ? (
              <Text size="xs" c="dimmed" role="status">
                {t('composer.uploading', { name: uploading })}
              </Text>
            ) : null}
          </Group>
          <Button
            size="sm"
            color={note ? 'yellow' : undefined}
            rightSection={<IconSend size={16} aria-hidden />}
            onClick={sendText}
            loading={send.isPending}
            disabled={blocked || !text.trim()}
          >
            {note ? t('composer.addNote') : t('composer.send')}
          </Button>
        </Group>
      </Stack>
      {templates.data ? (
        <TemplatePicker
          opened={pickerOpen}
          onClose={picker.close}
          templates={templates.data}
          sending={send.isPending}
          onSend={(template) => submit({ type: 'template', template }, picker.close)}
        />
      ) : null}
    </Box>
  );
}
