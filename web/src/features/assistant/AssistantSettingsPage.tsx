import { Button, Group, NumberInput, Paper, PasswordInput, Select, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type BodyOf, type ResponseOf, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PageLoader } from '../../components/states.tsx';

type Settings = ResponseOf<'/api/v1/assistant/settings', 'get'>;
type Body = BodyOf<'/api/v1/assistant/settings', 'put'>;

/** Automation → AI assistant: on/off, brain, provider and model, persona, keywords, hand-off rules. */
export function AssistantSettingsPage() {
  const { t } = useTranslation('assistant');
  const query = useQuery({ queryKey: ['assistant', 'settings'], queryFn: () => unwrap(api.GET('/api/v1/assistant/settings')) });
  const [draft, setDraft] = useState<Settings | null>(null);
  const [apiKey, setApiKey] = useState('');
  const [stop, setStop] = useState('');
  const [testResult, setTestResult] = useState<string | null>(null);
  useEffect(() => {
    if (query.data) {
      setDraft(query.data);
      setStop(query.data.stopKeywords.join(', '));
    }
  }, [query.data]);
  const save = useApiMutation({
    mutationFn: (body: Body) => unwrap(api.PUT('/api/v1/assistant/settings', { body })),
    invalidate: [['assistant', 'settings']],
    successMessage: t('saved'),
    onSuccess: () => setApiKey(''),
  });
  const test = useApiMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/assistant/settings/test')),
    onSuccess: (r) => setTestResult(r.ok ? t('testOk', { ms: r.latencyMs }) : t('testFailed', { error: r.error ?? '' })),
  });
  if (!draft) return <PageLoader />;
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => setDraft({ ...draft, [key]: value });
  const submit = () =>
    save.mutate({
      enabled: draft.enabled,
      brain: draft.brain,
      provider: draft.provider,
      baseUrl: draft.baseUrl || null,
      model: draft.model || null,
      persona: draft.persona,
      instructions: draft.instructions,
      autoAssist: draft.autoAssist,
      stopKeywords: stop.split(',').map((s) => s.trim()).filter(Boolean),
      agentReplyPausesAi: draft.agentReplyPausesAi,
      confirmationMinutes: draft.confirmationMinutes,
      maxUnknownBeforeHandoff: draft.maxUnknownBeforeHandoff,
      ...(apiKey ? { apiKey } : {}),
    });
  return (
    <Stack>
      <PageHeader title={t('title')} description={t('description')} />
      <Paper withBorder p="md" maw={720}>
        <Stack>
          <Switch label={t('fields.enabled')} checked={draft.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} />
          <Select
            label={t('fields.brain')}
            value={draft.brain}
            allowDeselect={false}
            data={(['auto', 'llm', 'offline'] as const).map((v) => ({ value: v, label: t(`brains.${v}`) }))}
            onChange={(v) => v && set('brain', v as Settings['brain'])}
          />
          <Select
            label={t('fields.provider')}
            value={draft.provider}
            clearable
            data={(['openai', 'openai_compatible', 'anthropic'] as const).map((v) => ({ value: v, label: t(`providers.${v}`) }))}
            onChange={(v) => set('provider', (v as Settings['provider']) ?? null)}
          />
          <PasswordInput
            label={t('fields.apiKey')}
            description={draft.apiKey.isSet ? t('fields.apiKeySet', { last4: draft.apiKey.last4 ?? '····' }) : undefined}
            value={apiKey}
            onChange={(e) => setApiKey(e.currentTarget.value)}
            autoComplete="off"
          />
          <TextInput label={t('fields.baseUrl')} value={draft.baseUrl ?? ''} onChange={(e) => set('baseUrl', e.currentTarget.value)} />
          <TextInput label={t('fields.model')} placeholder="gpt-4o-mini" value={draft.model ?? ''} onChange={(e) => set('model', e.currentTarget.value)} />
          <Textarea label={t('fields.persona')} autosize minRows={2} value={draft.persona} onChange={(e) => set('persona', e.currentTarget.value)} />
          <Textarea label={t('fields.instructions')} autosize minRows={3} value={draft.instructions} onChange={(e) => set('instructions', e.currentTarget.value)} />
          <Switch label={t('fields.autoAssist')} checked={draft.autoAssist} onChange={(e) => set('autoAssist', e.currentTarget.checked)} />
          <TextInput label={t('fields.stopKeywords')} value={stop} onChange={(e) => setStop(e.currentTarget.value)} />
          <Switch label={t('fields.agentReplyPausesAi')} checked={draft.agentReplyPausesAi} onChange={(e) => set('agentReplyPausesAi', e.currentTarget.checked)} />
          <NumberInput label={t('fields.confirmationMinutes')} min={1} max={1440} value={draft.confirmationMinutes} onChange={(v) => set('confirmationMinutes', Number(v) || 10)} />
          <NumberInput label={t('fields.maxUnknown')} min={1} max={10} value={draft.maxUnknownBeforeHandoff} onChange={(v) => set('maxUnknownBeforeHandoff', Number(v) || 2)} />
          <Text size="sm" c="dimmed">
            {t('usage', { input: draft.usage.inputTokens, output: draft.usage.outputTokens, cost: draft.usage.estimatedCostUsd.toFixed(4) })}
          </Text>
          <Group>
            <Button onClick={submit} loading={save.isPending}>
              {t('save')}
            </Button>
            <Button variant="default" onClick={() => test.mutate()} loading={test.isPending}>
              {t('test')}
            </Button>
          </Group>
          {testResult && (
            <Text size="sm" role="status">
              {testResult}
            </Text>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
