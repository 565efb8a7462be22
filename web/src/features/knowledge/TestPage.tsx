import { ActionIcon, Alert, Badge, Button, Card, Group, Progress, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconMessageQuestion, IconPlayerPlay, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation, useCursorList } from '../../api/query.ts';
import { useFormatters } from '../../components/format.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { type KnowledgeAnswer, keys } from './api.ts';
import { KnowledgeTabs } from './parts.tsx';

const pct = (x: number) => Math.round(x * 100);

/** "Test your knowledge": ask, see the answer and every retrieved chunk with its scores; save and run tests. */
export function TestPage() {
  const { t } = useTranslation(['knowledge', 'app']);
  const [question, setQuestion] = useState('');
  const [result, setResult] = useState<{ question: string; answer: KnowledgeAnswer } | null>(null);
  const ask = useApiMutation({
    mutationFn: (q: string) => unwrap(api.POST('/api/v1/knowledge/ask', { body: { question: q } })),
    errorNs: 'knowledge',
    onSuccess: (answer, q) => setResult({ question: q, answer }),
  });
  const save = useApiMutation({
    mutationFn: (r: { question: string; answer: KnowledgeAnswer }) =>
      unwrap(
        api.POST('/api/v1/knowledge/tests', {
          body: r.answer.status === 'answered' ? { question: r.question, expectedDocumentId: r.answer.results[0]?.documentId ?? null, expectedAnswer: r.answer.answer?.slice(0, 200) ?? null } : { question: r.question, expectNoAnswer: true },
        }),
      ),
    invalidate: [keys.tests],
    successMessage: t('test.testSaved'),
  });
  return (
    <>
      <PageHeader title={t('title')} description={t('test.description')} />
      <KnowledgeTabs />
      <Stack gap="lg">
        <Card withBorder padding="lg">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (question.trim()) ask.mutate(question.trim());
            }}
          >
            <Group align="flex-end" wrap="nowrap">
              <TextInput style={{ flex: 1 }} label={t('test.question')} value={question} onChange={(e) => setQuestion(e.currentTarget.value)} placeholder="¿Cuánto cuesta el envío?" data-autofocus />
              <Button type="submit" loading={ask.isPending} leftSection={<IconMessageQuestion size={18} aria-hidden />}>
                {t('test.ask')}
              </Button>
            </Group>
          </form>
        </Card>
        {result ? <AnswerView result={result} onSave={() => save.mutate(result)} saving={save.isPending} /> : null}
        <SavedTests />
      </Stack>
    </>
  );
}

function AnswerView({ result, onSave, saving }: { result: { question: string; answer: KnowledgeAnswer }; onSave: () => void; saving: boolean }) {
  const { t } = useTranslation('knowledge');
  const a = result.answer;
  return (
    <Card withBorder padding="lg">
      <Stack gap="md">
        <Group justify="space-between" wrap="wrap">
          <Title order={2} size="h5">
            {t('test.answer')}
          </Title>
          <Button variant="default" size="xs" onClick={onSave} loading={saving}>
            {t('test.saveAsTest')}
          </Button>
        </Group>
        {a.status === 'answered' ? (
          <Alert color="teal" variant="light" title={a.matchedQuestion ? `${t('test.matched')}: ${a.matchedQuestion}` : undefined}>
            <Text style={{ whiteSpace: 'pre-wrap' }}>{a.answer}</Text>
          </Alert>
        ) : (
          <Alert color="yellow" variant="light" title={t('test.unknown')}>
            {a.reason ? t(`test.reasons.${a.reason}`) : null}
          </Alert>
        )}
        <Text size="sm" c="dimmed">
          {t('test.confidence', { value: pct(a.confidence), threshold: pct(a.threshold) })}
        </Text>
        <Progress value={pct(a.confidence)} color={a.confidence >= a.threshold ? 'teal' : 'yellow'} aria-label={t('test.confidence', { value: pct(a.confidence), threshold: pct(a.threshold) })} />
        <Title order={3} size="h6">
          {t('test.retrieved')}
        </Title>
        <Stack gap="xs">
          {a.results.map((r) => (
            <Card key={r.chunkId} withBorder padding="sm" radius="sm">
              <Group justify="space-between" wrap="wrap" gap="xs" mb={4}>
                <Text size="sm" fw={600}>
                  {r.documentTitle}
                  {r.topic ? <Text span c="dimmed" size="xs">{` · ${r.topic}`}</Text> : null}
                </Text>
                <Group gap={6}>
                  <Badge variant="light" color={r.confidence >= a.threshold ? 'teal' : 'gray'}>
                    {pct(r.confidence)}%
                  </Badge>
                  <Badge variant="outline" color="gray">
                    {t('test.score')} {r.score.toFixed(4)}
                  </Badge>
                </Group>
              </Group>
              {r.matchedQuestion ? (
                <Text size="sm" fw={500}>
                  {r.matchedQuestion}
                </Text>
              ) : null}
              <Text size="sm" c="dimmed" lineClamp={3} style={{ whiteSpace: 'pre-wrap' }}>
                {r.answer ?? r.content}
              </Text>
            </Card>
          ))}
        </Stack>
      </Stack>
    </Card>
  );
}

function SavedTests() {
  const { t } = useTranslation(['knowledge', 'app']);
  const { relative } = useFormatters();
  const list = useCursorList(keys.tests, (cursor) => unwrap(api.GET('/api/v1/knowledge/tests', { params: { query: { cursor } } })));
  const runs = useQuery({ queryKey: keys.runs, queryFn: () => unwrap(api.GET('/api/v1/knowledge/tests/runs')) });
  const run = useApiMutation({ mutationFn: () => unwrap(api.POST('/api/v1/knowledge/tests/run')), invalidate: [keys.tests, keys.runs] });
  const remove = useApiMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/knowledge/tests/{id}', { params: { path: { id } } })),
    invalidate: [keys.tests],
    successMessage: t('test.testDeleted'),
  });
  const latest = runs.data?.items[0];
  return (
    <Card withBorder padding="lg">
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={2} size="h5">
          {t('test.savedTests')}
        </Title>
        <Button leftSection={<IconPlayerPlay size={16} aria-hidden />} onClick={() => run.mutate()} loading={run.isPending} disabled={list.items.length === 0}>
          {t('test.runAll')}
        </Button>
      </Group>
      {latest ? (
        <Text size="sm" mb="sm" fw={600}>
          {t('test.passRate', { rate: pct(latest.passRate), passed: latest.passed, total: latest.total })}
          {runs.data && runs.data.items.length > 1 ? (
            <Text span size="xs" c="dimmed" fw={400}>
              {` · ${t('test.history')}: ${runs.data.items.slice(1, 6).map((r) => `${pct(r.passRate)}%`).join(', ')}`}
            </Text>
          ) : null}
        </Text>
      ) : null}
      {list.items.length === 0 && !list.isLoading ? <Text c="dimmed">{t('test.noTests')}</Text> : null}
      <Stack gap={6}>
        {list.items.map((test) => (
          <Group key={test.id} justify="space-between" wrap="nowrap" gap="sm">
            <Stack gap={0} style={{ minWidth: 0 }}>
              <Text size="sm" fw={500} truncate>
                {test.question}
              </Text>
              <Text size="xs" c="dimmed" truncate>
                {test.expectNoAnswer ? t('test.expectNoAnswer') : `${t('test.expectedAnswer')}: ${test.expectedAnswer ?? '—'}`}
                {test.lastRunAt ? ` · ${relative(test.lastRunAt)}` : ''}
              </Text>
            </Stack>
            <Group gap={6} wrap="nowrap">
              <Badge variant="light" color={test.lastPassed === null ? 'gray' : test.lastPassed ? 'teal' : 'red'}>
                {test.lastPassed === null ? t('test.notRun') : test.lastPassed ? t('test.passed') : t('test.failed')}
              </Badge>
              <ActionIcon variant="subtle" color="red" aria-label={t('actions.delete')} onClick={() => remove.mutate(test.id)}>
                <IconTrash size={16} aria-hidden />
              </ActionIcon>
            </Group>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}
