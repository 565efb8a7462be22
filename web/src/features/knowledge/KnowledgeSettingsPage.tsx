import { Alert, Button, Card, Group, NumberInput, PasswordInput, Select, Slider, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorState, PageLoader } from '../../components/states.tsx';
import { type KnowledgeSettings, keys } from './api.ts';
import { KnowledgeTabs } from './parts.tsx';

type Provider = 'none' | 'openai' | 'openai_compatible';

/** Knowledge settings: the embeddings provider (key write-only) and the answer threshold. */
export function KnowledgeSettingsPage() {
  const { t } = useTranslation('knowledge');
  const settings = useQuery({ queryKey: keys.settings, queryFn: () => unwrap(api.GET('/api/v1/knowledge/settings')) });
  const data = settings.data;
  return (
    <>
      <PageHeader title={t('title')} description={t('settings.description')} />
      <KnowledgeTabs />
      {settings.isLoading ? <PageLoader /> : null}
      {!settings.isLoading && !data ? <ErrorState error={settings.error} onRetry={() => void settings.refetch()} /> : null}
      {data ? <SettingsForm key={JSON.stringify([data.embeddings, data.answerThreshold])} data={data} /> : null}
    </>
  );
}

/** The settings form, built from the saved settings (a fresh one whenever they change). */
function SettingsForm({ data }: { data: KnowledgeSettings }) {
  const { t } = useTranslation(['knowledge', 'app']);
  const form = useForm({
    initialValues: {
      provider: data.embeddings.provider as Provider,
      baseUrl: data.embeddings.baseUrl ?? '',
      model: data.embeddings.model ?? '',
      apiKey: '',
      dimensions: (data.embeddings.dimensions ?? '') as number | '',
      threshold: Math.round(data.effectiveAnswerThreshold * 100),
    },
  });
  const save = useApiMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(
        api.PUT('/api/v1/knowledge/settings', {
          body: {
            embeddings:
              v.provider === 'none'
                ? { provider: 'none' }
                : { provider: v.provider, baseUrl: v.baseUrl.trim() || null, model: v.model.trim() || null, dimensions: v.dimensions === '' ? null : Number(v.dimensions), ...(v.apiKey ? { apiKey: v.apiKey } : {}) },
            answerThreshold: v.threshold / 100,
          },
        }),
      ),
    form,
    rename: { 'embeddings.baseUrl': 'baseUrl', 'embeddings.model': 'model', 'embeddings.apiKey': 'apiKey', 'embeddings.dimensions': 'dimensions' },
    errorNs: 'knowledge',
    invalidate: [keys.settings],
    successMessage: t('settings.saved'),
  });
  const test = useApiMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/knowledge/settings/test')),
    onSuccess: (r) => {
      if (r.ok) notifySuccess(t('settings.testOk', { dimensions: r.dimensions ?? 0 }));
    },
  });

  const key = data.embeddings.apiKey;
  return (
    <Card withBorder padding="lg" maw={760}>
        <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
          <Stack>
            {!data.vectorSearchAvailable ? (
              <Alert color="yellow" variant="light">
                {t('settings.noVector')}
              </Alert>
            ) : null}
            <Select
              label={t('settings.provider')}
              data={(['none', 'openai', 'openai_compatible'] as const).map((p) => ({ value: p, label: t(`settings.providers.${p}`) }))}
              allowDeselect={false}
              {...form.getInputProps('provider')}
            />
            {form.values.provider !== 'none' ? (
              <>
                {form.values.provider === 'openai_compatible' ? <TextInput label={t('settings.baseUrl')} description={t('settings.baseUrlHint')} required {...form.getInputProps('baseUrl')} /> : null}
                <TextInput label={t('settings.model')} description={t('settings.modelHint')} required {...form.getInputProps('model')} />
                <PasswordInput
                  label={t('settings.apiKey')}
                  description={key.isSet ? (key.last4 ? t('settings.apiKeySet', { last4: key.last4 }) : t('settings.apiKeySetShort')) : undefined}
                  autoComplete="off"
                  {...form.getInputProps('apiKey')}
                />
                <NumberInput label={t('settings.dimensions')} min={16} max={4096} allowDecimal={false} {...form.getInputProps('dimensions')} />
                <Text size="sm" c="dimmed">
                  {t('settings.status', { embedded: data.embeddingStatus.embeddedChunks, total: data.embeddingStatus.totalChunks })}
                </Text>
                {data.embeddingStatus.lastError ? (
                  <Alert color="red" variant="light">
                    {t('settings.lastError', { error: data.embeddingStatus.lastError })}
                  </Alert>
                ) : null}
                {test.data && !test.data.ok ? (
                  <Alert color="red" variant="light">
                    {test.data.message}
                  </Alert>
                ) : null}
              </>
            ) : null}
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                {t('settings.threshold')}: {form.values.threshold}%
              </Text>
              <Text size="xs" c="dimmed">
                {t('settings.thresholdHint', { value: 45 })}
              </Text>
              <Slider min={10} max={95} step={5} label={(v) => `${v}%`} aria-label={t('settings.threshold')} {...form.getInputProps('threshold')} />
            </Stack>
            <Group justify="flex-end">
              {data.embeddings.provider !== 'none' ? (
                <Button variant="default" onClick={() => test.mutate()} loading={test.isPending}>
                  {t('settings.test')}
                </Button>
              ) : null}
              <Button type="submit" loading={save.isPending}>
                {t('actions.save')}
              </Button>
            </Group>
          </Stack>
        </form>
    </Card>
  );
}
