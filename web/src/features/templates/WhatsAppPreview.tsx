import { Box, Group, Paper, Stack, Text } from '@mantine/core';
import { IconCopy, IconExternalLink, IconFileText, IconPhone, IconPhoto, IconPlayerPlay, IconArrowBackUp } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { RenderedTemplate } from './api.ts';

/** WhatsApp's inline formatting: *bold*, _italic_, ~strikethrough~, ```monospace```. */
function formatted(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /(\*[^*\n]+\*|_[^_\n]+_|~[^~\n]+~|```[^`]+```)/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const inner = m[0].startsWith('```') ? m[0].slice(3, -3) : m[0].slice(1, -1);
    const key = `${m.index}`;
    if (m[0].startsWith('*')) out.push(<strong key={key}>{inner}</strong>);
    else if (m[0].startsWith('_')) out.push(<em key={key}>{inner}</em>);
    else if (m[0].startsWith('~')) out.push(<s key={key}>{inner}</s>);
    else out.push(<code key={key}>{inner}</code>);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Items with keys made of their content (and a counter for identical ones). */
function keyed<T>(items: T[]): { key: string; item: T }[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const base = JSON.stringify(item);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { key: `${base}#${n}`, item };
  });
}

const BUTTON_ICON: Record<string, ReactNode> = {
  url: <IconExternalLink size={14} aria-hidden />,
  phone_number: <IconPhone size={14} aria-hidden />,
  copy_code: <IconCopy size={14} aria-hidden />,
  otp: <IconCopy size={14} aria-hidden />,
  quick_reply: <IconArrowBackUp size={14} aria-hidden />,
};

/**
 * A template as it looks in a WhatsApp chat: the green-grey chat background, a message bubble with
 * the header (text or media placeholder), the body with WhatsApp formatting, the footer, and the
 * buttons under the bubble.
 */
export function WhatsAppPreview({ preview, label }: { preview: RenderedTemplate | null | undefined; label: string }) {
  const media = preview?.header && preview.header.type !== 'text' ? preview.header : null;
  return (
    <Box role="figure" aria-label={label} p="md" style={{ background: '#e5ddd5', borderRadius: 12, minHeight: 180 }}>
      {preview ? (
        <Stack gap={4} maw={340}>
          <Paper shadow="xs" p="xs" radius="md" style={{ background: '#fff' }}>
            {media ? (
              <Box mb={6} style={{ background: '#cfd8dc', borderRadius: 8, height: 120, display: 'grid', placeItems: 'center' }}>
                {media.type === 'image' ? <IconPhoto size={36} aria-hidden /> : media.type === 'video' ? <IconPlayerPlay size={36} aria-hidden /> : <IconFileText size={36} aria-hidden />}
              </Box>
            ) : null}
            {preview.header?.type === 'text' ? (
              <Text fw={700} size="sm" mb={4}>
                {preview.header.text}
              </Text>
            ) : null}
            <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
              {formatted(preview.body)}
            </Text>
            {preview.footer ? (
              <Text size="xs" c="dimmed" mt={6}>
                {preview.footer}
              </Text>
            ) : null}
          </Paper>
          {keyed(preview.buttons).map(({ key, item: b }) => (
            <Paper key={key} p={6} radius="md" style={{ background: '#fff' }}>
              <Group gap={6} justify="center" c="blue.7">
                {BUTTON_ICON[b.type] ?? null}
                <Text size="sm" c="blue.7">
                  {b.text || b.code}
                </Text>
              </Group>
            </Paper>
          ))}
        </Stack>
      ) : null}
    </Box>
  );
}
