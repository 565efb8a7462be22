import { Anchor, Badge, Button, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ResponseOf, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { PageHeader } from '../../components/PageHeader.tsx';

type Turn = ResponseOf<'/api/v1/assistant/playground', 'post'>;
type Entry = { id: number } & ({ from: 'customer'; text: string } | { from: 'assistant'; reply: Turn['replies'][number] } | { from: 'event'; event: Turn['events'][number] });

let nextEntryId = 0;

/** "Try your assistant": a chat with the real runtime, showing tool calls, confirmations, hand-offs and sources inline. */
export function PlaygroundPage() {
  const { t } = useTranslation('assistant');
  const [sessionId, setSessionId] = useState<string | undefined>();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [text, setText] = useState('');
  const send = useApiMutation({
    mutationFn: (value: string) => unwrap(api.POST('/api/v1/assistant/playground', { body: { text: value, ...(sessionId ? { sessionId } : {}) } })),
    onSuccess: (turn: Turn) => {
      setSessionId(turn.sessionId);
      setEntries((e) => [
        ...e,
        ...turn.events.map((event) => ({ id: nextEntryId++, from: 'event' as const, event })),
        ...turn.replies.map((reply) => ({ id: nextEntryId++, from: 'assistant' as const, reply })),
      ]);
    },
  });
  const say = (value: string, shown = value) => {
    if (!value.trim()) return;
    setEntries((e) => [...e, { id: nextEntryId++, from: 'customer', text: shown }]);
    send.mutate(value);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    say(text);
    setText('');
  };
  return (
    <Stack>
      <PageHeader
        title={t('playground.title')}
        description={t('playground.description')}
        actions={
          <Button variant="default" onClick={() => {
              setSessionId(undefined);
              setEntries([]);
            }}>
            {t('playground.reset')}
          </Button>
        }
      />
      <Paper withBorder p="md" maw={720}>
        <Stack gap="xs" aria-live="polite">
          {entries.map((entry) => (
            <EntryView key={entry.id} entry={entry} onButton={(id, title) => say(id, title)} />
          ))}
        </Stack>
        <form onSubmit={submit}>
          <Group mt="md" align="end">
            <TextInput style={{ flex: 1 }} aria-label={t('playground.placeholder')} placeholder={t('playground.placeholder')} value={text} onChange={(e) => setText(e.currentTarget.value)} />
            <Button type="submit" loading={send.isPending}>
              {t('playground.send')}
            </Button>
          </Group>
        </form>
      </Paper>
    </Stack>
  );
}

function EntryView({ entry, onButton }: { entry: Entry; onButton: (id: string, title: string) => void }) {
  const { t } = useTranslation('assistant');
  if (entry.from === 'customer') {
    return (
      <Paper p="xs" bg="blue.0" ml="auto" maw="80%">
        <Text size="sm">{entry.text}</Text>
      </Paper>
    );
  }
  if (entry.from === 'assistant') {
    const r = entry.reply;
    return (
      <Paper p="xs" withBorder maw="80%">
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {r.text}
        </Text>
        {r.type === 'media' && (
          <Anchor href={r.link} target="_blank" rel="noreferrer" size="sm">
            {t('playground.openMedia', { kind: r.mediaType })}
          </Anchor>
        )}
        {r.type === 'buttons' && (
          <Group mt="xs" gap="xs">
            {r.buttons.map((b) => (
              <Button key={b.id} size="xs" variant="light" onClick={() => onButton(b.id, b.title)}>
                {b.title}
              </Button>
            ))}
          </Group>
        )}
      </Paper>
    );
  }
  const e = entry.event;
  const label = (() => {
    switch (e.type) {
      case 'tool_call':
        return `${t('playground.toolCall', { tool: e.tool, status: e.status, ms: e.latencyMs })} ${JSON.stringify(e.args)}`;
      case 'confirmation_requested':
        return t('playground.confirmation', { tool: e.tool });
      case 'confirmation_confirmed':
        return t('playground.confirmed');
      case 'confirmation_cancelled':
        return t('playground.cancelled');
      case 'confirmation_expired':
        return t('playground.expired');
      case 'handoff':
        return t('playground.handoff', { reason: e.reason });
      case 'knowledge':
        return t('playground.knowledge', { sources: e.sources.map((s) => s.documentTitle).join(', ') });
      case 'automated_reply':
        return t('playground.automatedReply', { name: e.name });
      default:
        return null;
    }
  })();
  if (!label) return null;
  return (
    <Badge variant="outline" color={e.type === 'handoff' ? 'orange' : e.type === 'tool_call' && e.status !== 'ok' ? 'red' : 'gray'} tt="none" style={{ height: 'auto', whiteSpace: 'normal' }}>
      {label}
    </Badge>
  );
}
