import { Alert, Anchor, Autocomplete, Button, Group, NumberInput, PasswordInput, SegmentedControl, Select, SimpleGrid, Slider, Stack, Switch, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { IconInfoCircle, IconMicrophone } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api, type BodyOf, type ResponseOf, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { SaveBar } from '../../components/SaveBar.tsx';
import { SettingsSection } from '../../components/SettingsSection.tsx';
import { ErrorState, PageLoader } from '../../components/states.tsx';

type Settings = ResponseOf<'/api/v1/assistant/settings', 'get'>;
type Body = BodyOf<'/api/v1/assistant/settings', 'put'>;
type Provider = NonNullable<Settings['provider']>;

/** The voices of OpenAI's text-to-speech models. */
export const VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer', 'verse'] as const;
const PROVIDERS: Provider[] = ['openai', 'openai_compatible', 'anthropic'];
/** Suggested models (any other name can be typed). */
const MODEL_SUGGESTIONS: Record<Provider, string[]> = { openai: ['gpt-4o-mini', 'gpt-4o'], openai_compatible: [], anthropic: [] };
const FORM_ID = 'assistant-settings';
const settingsKey = ['assistant', 'settings'] as const;

/** The form's values: the settings' shape, with the write-only key as "new key" / "remove it". */
interface SettingsValues {
  enabled: boolean;
  brain: Settings['brain'];
  provider: Provider | null;
  apiKey: string;
  removeApiKey: boolean;
  baseUrl: string;
  model: string;
  persona: string;
  instructions: string;
  autoAssist: boolean;
  startKeywords: string[];
  stopKeywords: string[];
  keywordMatch: Settings['keywordMatch'];
  agentReplyPausesAi: boolean;
  confirmationMinutes: number | string;
  inheritKnowledgeThreshold: boolean;
  knowledgeThreshold: number;
  maxUnknownBeforeHandoff: number | string;
  transcribeAudio: boolean;
  audioReplies: boolean;
  voice: string;
}

function toValues(s: Settings): SettingsValues {
  return {
    enabled: s.enabled,
    brain: s.brain,
    provider: s.provider,
    apiKey: '',
    removeApiKey: false,
    baseUrl: s.baseUrl ?? '',
    model: s.model ?? '',
    persona: s.persona,
    instructions: s.instructions,
    autoAssist: s.autoAssist,
    startKeywords: s.startKeywords,
    stopKeywords: s.stopKeywords,
    keywordMatch: s.keywordMatch,
    agentReplyPausesAi: s.agentReplyPausesAi,
    confirmationMinutes: s.confirmationMinutes,
    inheritKnowledgeThreshold: s.knowledgeThreshold === null,
    knowledgeThreshold: Math.round((s.knowledgeThreshold ?? 0.45) * 100),
    maxUnknownBeforeHandoff: s.maxUnknownBeforeHandoff,
    transcribeAudio: s.transcribeAudio,
    audioReplies: s.audioReplies,
    voice: s.voice,
  };
}

/** Every setting of `PUT /api/v1/assistant/settings`; the key only when typed (or removed). */
function toBody(v: SettingsValues): Body {
  return {
    enabled: v.enabled,
    brain: v.brain,
    provider: v.provider,
    ...(v.apiKey.trim() ? { apiKey: v.apiKey.trim() } : v.removeApiKey ? { apiKey: null } : {}),
    baseUrl: v.baseUrl.trim() || null,
    model: v.model.trim() || null,
    persona: v.persona,
    instructions: v.instructions,
    autoAssist: v.autoAssist,
    startKeywords: v.startKeywords.map((k) => k.trim()).filter(Boolean),
    stopKeywords: v.stopKeywords.map((k) => k.trim()).filter(Boolean),
    keywordMatch: v.keywordMatch,
    agentReplyPausesAi: v.agentReplyPausesAi,
    confirmationMinutes: Number(v.confirmationMinutes),
    knowledgeThreshold: v.inheritKnowledgeThreshold ? null : v.knowledgeThreshold / 100,
    maxUnknownBeforeHandoff: Number(v.maxUnknownBeforeHandoff),
    transcribeAudio: v.transcribeAudio,
    audioReplies: v.audioReplies,
    voice: v.voice.trim(),
  };
}

/** Automation → AI assistant: every AI setting, in sections, with a sticky save bar. */
export function AssistantSettingsPage() {
  const { t } = useTranslation('assistant');
  const query = useQuery({ queryKey: settingsKey, queryFn: () => unwrap(api.GET('/api/v1/assistant/settings')) });
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      {query.error ? <ErrorState error={query.error} onRetry={() => void query.refetch()} /> : null}
      {query.isLoading ? <PageLoader /> : null}
      {query.data ? <SettingsForm settings={query.data} /> : null}
    </>
  );
}

function useSettingsForm(settings: Settings) {
  const { t } = useTranslation(['assistant', 'app']);
  return useForm<SettingsValues>({
    initialValues: toValues(settings),
    validate: {
      baseUrl: (value, v) => {
        if (v.provider === 'openai_compatible' && !value.trim()) return t('app:validation.required');
        if (!value.trim()) return null;
        try {
          return ['http:', 'https:'].includes(new URL(value.trim()).protocol) ? null : t('rules.form.linkInvalid');
        } catch {
          return t('rules.form.linkInvalid');
        }
      },
      confirmationMinutes: (value) => (value === '' ? t('app:validation.required') : null),
      maxUnknownBeforeHandoff: (value) => (value === '' ? t('app:validation.required') : null),
      voice: (value) => (value.trim() ? null : t('app:validation.required')),
    },
  });
}

function SettingsForm({ settings }: { settings: Settings }) {
  const { t, i18n } = useTranslation(['assistant', 'app']);
  const form = useSettingsForm(settings);
  const number = new Intl.NumberFormat(i18n.language);
  const v = form.getValues();
  const save = useApiMutation({
    mutationFn: (values: SettingsValues) => unwrap(api.PUT('/api/v1/assistant/settings', { body: toBody(values) })),
    form,
    errorNs: 'assistant',
    invalidate: [settingsKey],
    successMessage: t('saved'),
    onSuccess: (saved) => {
      const next = toValues(saved);
      form.setInitialValues(next);
      form.setValues(next);
      form.resetDirty(next);
    },
  });
  const test = useApiMutation({ mutationFn: () => unwrap(api.POST('/api/v1/assistant/settings/test')) });
  const key = settings.apiKey;
  const audioCapable = v.provider === 'openai' || v.provider === 'openai_compatible';
  const dirty = form.isDirty();

  return (
    <form id={FORM_ID} onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
      <Stack gap="xl">
        <SettingsSection title={t('sections.general.title')} description={t('sections.general.description')}>
          <Switch label={t('fields.enabled')} description={t('fields.enabledHint')} {...form.getInputProps('enabled', { type: 'checkbox' })} />
          <Select
            label={t('fields.brain')}
            description={t('fields.brainHint')}
            data={(['auto', 'llm', 'offline'] as const).map((b) => ({ value: b, label: t(`brains.${b}`) }))}
            allowDeselect={false}
            {...form.getInputProps('brain')}
          />
          <Switch label={t('fields.autoAssist')} description={t('fields.autoAssistHint')} {...form.getInputProps('autoAssist', { type: 'checkbox' })} />
        </SettingsSection>

        <SettingsSection title={t('sections.model.title')} description={t('sections.model.description')}>
          <Select
            label={t('fields.provider')}
            placeholder={t('fields.providerPlaceholder')}
            data={PROVIDERS.map((p) => ({ value: p, label: t(`providers.${p}`) }))}
            clearable
            {...form.getInputProps('provider')}
          />
          <Stack gap={4}>
            <PasswordInput
              label={t('fields.apiKey')}
              description={v.removeApiKey ? t('fields.apiKeyRemoved') : key.isSet ? t('fields.apiKeySet', { last4: key.last4 ?? '····' }) : t('fields.apiKeyNotSet')}
              autoComplete="off"
              disabled={v.removeApiKey}
              {...form.getInputProps('apiKey')}
            />
            {key.isSet ? (
              <Anchor component="button" type="button" size="xs" c={v.removeApiKey ? undefined : 'red'} onClick={() => form.setFieldValue('removeApiKey', !v.removeApiKey)} w="fit-content">
                {v.removeApiKey ? t('fields.apiKeyKeep') : t('fields.apiKeyRemove')}
              </Anchor>
            ) : null}
          </Stack>
          <TextInput
            label={t('fields.baseUrl')}
            description={t('fields.baseUrlHint')}
            placeholder={v.provider === 'openai_compatible' ? 'http://localhost:11434/v1' : undefined}
            required={v.provider === 'openai_compatible'}
            {...form.getInputProps('baseUrl')}
          />
          <Autocomplete label={t('fields.model')} description={t('fields.modelHint')} placeholder="gpt-4o-mini" data={MODEL_SUGGESTIONS[v.provider ?? 'openai']} {...form.getInputProps('model')} />
          <Group gap="sm">
            <Button variant="default" onClick={() => test.mutate()} loading={test.isPending} disabled={dirty}>
              {t('test')}
            </Button>
            {dirty ? (
              <Text size="xs" c="dimmed">
                {t('testUnsaved')}
              </Text>
            ) : null}
          </Group>
          {test.data && !test.isPending ? (
            <Alert color={test.data.ok ? 'teal' : 'red'} variant="light" role="status">
              {test.data.ok ? t('testOk', { ms: test.data.latencyMs }) : t('testFailed', { error: test.data.error ?? '' })}
            </Alert>
          ) : null}
        </SettingsSection>

        <SettingsSection title={t('sections.persona.title')} description={t('sections.persona.description')}>
          <Textarea label={t('fields.persona')} description={t('fields.personaHint')} autosize minRows={2} maxLength={4000} {...form.getInputProps('persona')} />
          <Textarea label={t('fields.instructions')} description={t('fields.instructionsHint')} autosize minRows={4} maxLength={8000} {...form.getInputProps('instructions')} />
        </SettingsSection>

        <SettingsSection title={t('sections.keywords.title')} description={t('sections.keywords.description')}>
          <TagsInput
            label={t('fields.startKeywords')}
            description={t('fields.startKeywordsHint')}
            placeholder={t('fields.keywordsPlaceholder')}
            maxTags={50}
            splitChars={[',']}
            clearable
            {...form.getInputProps('startKeywords')}
          />
          <TagsInput
            label={t('fields.stopKeywords')}
            description={t('fields.stopKeywordsHint')}
            placeholder={t('fields.keywordsPlaceholder')}
            maxTags={50}
            splitChars={[',']}
            clearable
            {...form.getInputProps('stopKeywords')}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="keyword-match-label">
              {t('fields.keywordMatch')}
            </Text>
            <SegmentedControl
              aria-labelledby="keyword-match-label"
              data={(['exact', 'contains', 'starts_with'] as const).map((m) => ({ value: m, label: t(`matchModes.${m}`) }))}
              {...form.getInputProps('keywordMatch')}
            />
            <Text size="xs" c="dimmed">
              {t('fields.keywordMatchHint')}
            </Text>
          </Stack>
          <Switch label={t('fields.agentReplyPausesAi')} {...form.getInputProps('agentReplyPausesAi', { type: 'checkbox' })} />
        </SettingsSection>

        <SettingsSection title={t('sections.handoff.title')} description={t('sections.handoff.description')}>
          <NumberInput label={t('fields.confirmationMinutes')} description={t('fields.confirmationMinutesHint')} min={1} max={1440} allowDecimal={false} {...form.getInputProps('confirmationMinutes')} />
          <NumberInput label={t('fields.maxUnknown')} description={t('fields.maxUnknownHint')} min={1} max={10} allowDecimal={false} {...form.getInputProps('maxUnknownBeforeHandoff')} />
          <Switch label={t('fields.knowledgeInherit')} {...form.getInputProps('inheritKnowledgeThreshold', { type: 'checkbox' })} />
          {!v.inheritKnowledgeThreshold ? (
            <Stack gap={4}>
              <Text size="sm" fw={500} id="knowledge-threshold-label">
                {t('fields.knowledgeThreshold')}: {v.knowledgeThreshold}%
              </Text>
              <Slider min={0} max={100} step={5} label={(x) => `${x}%`} aria-labelledby="knowledge-threshold-label" {...form.getInputProps('knowledgeThreshold')} />
              {form.errors.knowledgeThreshold ? (
                <Text size="xs" c="red">
                  {form.errors.knowledgeThreshold}
                </Text>
              ) : null}
            </Stack>
          ) : null}
        </SettingsSection>

        <SettingsSection title={t('sections.voice.title')} description={t('sections.voice.description')}>
          <Alert variant="light" color={audioCapable ? 'blue' : 'yellow'} icon={audioCapable ? <IconInfoCircle size={18} aria-hidden /> : <IconMicrophone size={18} aria-hidden />}>
            {t('voiceNeedsOpenai')}
            {!audioCapable && (v.transcribeAudio || v.audioReplies) ? ` ${t('voiceUnavailable')}` : ''}
          </Alert>
          <Switch label={t('fields.transcribeAudio')} description={t('fields.transcribeAudioHint')} {...form.getInputProps('transcribeAudio', { type: 'checkbox' })} />
          <Switch label={t('fields.audioReplies')} description={t('fields.audioRepliesHint')} {...form.getInputProps('audioReplies', { type: 'checkbox' })} />
          {v.provider === 'openai_compatible' ? (
            <Autocomplete label={t('fields.voice')} description={t('fields.voiceCustomHint')} data={[...VOICES]} disabled={!v.audioReplies} maxLength={50} {...form.getInputProps('voice')} />
          ) : (
            <Select
              label={t('fields.voice')}
              description={t('fields.voiceHint')}
              data={[...VOICES.map((voice) => ({ value: voice, label: t(`voices.${voice}`) })), ...(VOICES.includes(v.voice as (typeof VOICES)[number]) ? [] : [{ value: v.voice, label: v.voice }])]}
              allowDeselect={false}
              disabled={!v.audioReplies}
              {...form.getInputProps('voice')}
            />
          )}
        </SettingsSection>

        <SettingsSection title={t('sections.usage.title')} description={t('sections.usage.description')}>
          <SimpleGrid cols={{ base: 1, xs: 3 }}>
            <Figure label={t('usage.inputTokens')} value={number.format(settings.usage.inputTokens)} />
            <Figure label={t('usage.outputTokens')} value={number.format(settings.usage.outputTokens)} />
            <Figure label={t('usage.cost')} value={t('usage.costValue', { cost: settings.usage.estimatedCostUsd.toFixed(4) })} />
          </SimpleGrid>
          <Text size="xs" c="dimmed">
            {t('usage.note')}
          </Text>
        </SettingsSection>

        <SaveBar visible={dirty} saving={save.isPending} onDiscard={() => form.reset()} formId={FORM_ID} />
      </Stack>
    </form>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="lg" fw={600}>
        {value}
      </Text>
    </Stack>
  );
}
