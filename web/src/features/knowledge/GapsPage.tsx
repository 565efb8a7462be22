import { Badge, Button, Card, Group, Modal, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconArrowDownRight, IconArrowUpRight, IconMoodCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation, useCursorList } from '../../api/query.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { useFormatters } from '../../components/format.ts';
import { rules } from '../../components/forms.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorState } from '../../components/states.tsx';
import { type GapGroup, keys } from './api.ts';
import { KnowledgeTabs } from './parts.tsx';

type Reason = 'unanswered' | 'low_confidence' | 'handoff_after_ai' | 'negative_reaction';

/** Knowledge gaps: similar unanswered questions grouped with counts and trend; add the answer or resolve. */
export function GapsPage() {
  const { t } = useTranslation(['knowledge', 'app']);
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const [sort, setSort] = useState<'recent' | 'count'>('recent');
  const [answering, setAnswering] = useState<GapGroup | null>(null);
  const [resolving, setResolving] = useState<GapGroup | null>(null);
  const list = useCursorList([...keys.gaps, { status, sort }], (cursor) => unwrap(api.GET('/api/v1/knowledge/gaps', { params: { query: { status, sort, cursor } } })));
  return (
    <>
      <PageHeader title={t('title')} description={t('gaps.description')} />
      <KnowledgeTabs />
      <Group mb="md" gap="md" wrap="wrap">
        <SegmentedControl
          value={status}
          onChange={(v) => setStatus(v as 'open' | 'resolved')}
          data={[
            { value: 'open', label: t('gaps.open') },
            { value: 'resolved', label: t('gaps.resolved') },
          ]}
        />
        <SegmentedControl
          value={sort}
          onChange={(v) => setSort(v as 'recent' | 'count')}
          data={[
            { value: 'recent', label: t('gaps.sortRecent') },
            { value: 'count', label: t('gaps.sortCount') },
          ]}
        />
      </Group>
      {list.error ? <ErrorState error={list.error} onRetry={list.refetch} /> : null}
      {!list.isLoading && !list.error && list.items.length === 0 ? <EmptyState icon={IconMoodCheck} title={t('gaps.empty.title')} description={t('gaps.empty.description')} /> : null}
      <Stack gap="md">
        {list.items.map((g) => (
          <GapCard key={g.id} group={g} onAnswer={() => setAnswering(g)} onResolve={() => setResolving(g)} />
        ))}
        {list.hasNextPage ? (
          <Button variant="default" onClick={list.fetchNextPage} loading={list.isFetchingNextPage}>
            {t('app:table.loadMore')}
          </Button>
        ) : null}
      </Stack>
      <AddAnswerModal group={answering} onClose={() => setAnswering(null)} />
      <ResolveModal group={resolving} onClose={() => setResolving(null)} />
    </>
  );
}

function GapCard({ group: g, onAnswer, onResolve }: { group: GapGroup; onAnswer: () => void; onResolve: () => void }) {
  const { t } = useTranslation('knowledge');
  const { relative, dateTime } = useFormatters();
  const { last7Days: now, previous7Days: before } = g.trend;
  const trend = now > before ? t('gaps.trendUp', { count: now, previous: before }) : now < before ? t('gaps.trendDown', { count: now, previous: before }) : t('gaps.trendSame', { count: now });
  const TrendIcon = now > before ? IconArrowUpRight : now < before ? IconArrowDownRight : null;
  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={4} style={{ flex: '1 1 320px', minWidth: 0 }}>
          <Text fw={600}>{g.question}</Text>
          <Group gap="xs" wrap="wrap">
            <Badge variant="light" radius="sm">
              {t('gaps.columns.count')}: {g.count}
            </Badge>
            <Badge variant="light" radius="sm" color={now > before ? 'red' : 'gray'} leftSection={TrendIcon ? <TrendIcon size={12} aria-hidden /> : null}>
              {t('gaps.columns.trend')}: {trend}
            </Badge>
            {Object.entries(g.reasons).map(([reason, n]) => (
              <Badge key={reason} variant="outline" radius="sm" color="gray">
                {t(`gaps.reasons.${reason as Reason}`)} · {n}
              </Badge>
            ))}
            <Text size="xs" c="dimmed" title={dateTime(g.lastSeenAt)}>
              {t('gaps.columns.lastSeen')}: {relative(g.lastSeenAt)}
            </Text>
          </Group>
        </Stack>
        {g.status === 'open' ? (
          <Group gap="xs">
            <Button variant="default" onClick={onResolve}>
              {t('gaps.resolve')}
            </Button>
            <Button onClick={onAnswer}>{t('gaps.addAnswer')}</Button>
          </Group>
        ) : (
          <Badge color="teal" variant="light">
            {g.resolution === 'answer_added' ? t('gaps.resolvedWith') : t('gaps.resolved')}
          </Badge>
        )}
      </Group>
      <Text size="xs" c="dimmed" mt="md" mb={4}>
        {t('gaps.examples')}
      </Text>
      <Stack gap={4}>
        {g.examples.map((e) => (
          <Text key={e.id} size="sm">
            “{e.question}”{e.answerGiven ? <Text span c="dimmed" size="xs">{` — ${t('gaps.answerGiven')}: ${e.answerGiven}`}</Text> : null}
          </Text>
        ))}
      </Stack>
      {g.resolutionNote ? (
        <Text size="sm" c="dimmed" mt="sm">
          {g.resolutionNote}
        </Text>
      ) : null}
    </Card>
  );
}

function AddAnswerModal({ group, onClose }: { group: GapGroup | null; onClose: () => void }) {
  const { t } = useTranslation(['knowledge', 'app']);
  const form = useForm({ initialValues: { questions: '', answer: '' }, validate: { questions: rules.required, answer: rules.required } });
  const [openedFor, setOpenedFor] = useState<string | null>(null);
  if (group && group.id !== openedFor) {
    setOpenedFor(group.id);
    form.setValues({ questions: [...new Set([group.question, ...group.examples.map((e) => e.question)])].join('\n'), answer: '' });
  }
  const add = useApiMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(api.POST('/api/v1/knowledge/gaps/{id}/answer', { params: { path: { id: group!.id } }, body: { answer: v.answer.trim(), questions: v.questions.split('\n').map((q) => q.trim()).filter(Boolean) } })),
    form,
    errorNs: 'knowledge',
    invalidate: [keys.gaps, keys.documents],
    successMessage: t('gaps.answered'),
    onSuccess: onClose,
  });
  return (
    <Modal opened={group !== null} onClose={onClose} title={t('gaps.answerTitle')} size="lg">
      <form onSubmit={form.onSubmit((v) => add.mutate(v))} noValidate>
        <Stack>
          <Textarea label={t('gaps.questionsLabel')} description={t('gaps.questionsHint')} autosize minRows={3} required {...form.getInputProps('questions')} />
          <Textarea label={t('gaps.answerLabel')} autosize minRows={4} required data-autofocus {...form.getInputProps('answer')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app:common.cancel')}
            </Button>
            <Button type="submit" loading={add.isPending}>
              {t('gaps.addAnswer')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ResolveModal({ group, onClose }: { group: GapGroup | null; onClose: () => void }) {
  const { t } = useTranslation(['knowledge', 'app']);
  const [note, setNote] = useState('');
  const resolve = useApiMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/knowledge/gaps/{id}/resolve', { params: { path: { id: group!.id } }, body: { note: note.trim() || undefined } })),
    errorNs: 'knowledge',
    invalidate: [keys.gaps],
    successMessage: t('gaps.resolvedToast'),
    onSuccess: () => {
      setNote('');
      onClose();
    },
  });
  return (
    <Modal opened={group !== null} onClose={onClose} title={t('gaps.resolve')}>
      <Stack>
        <Textarea label={t('gaps.resolveNote')} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('app:common.cancel')}
          </Button>
          <Button loading={resolve.isPending} onClick={() => resolve.mutate()}>
            {t('gaps.resolve')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
