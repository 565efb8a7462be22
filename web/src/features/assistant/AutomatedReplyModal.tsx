import { Alert, Chip, Divider, Group, Modal, MultiSelect, NumberInput, Paper, SegmentedControl, Select, Stack, Switch, TagsInput, Text, Textarea, TextInput, Button } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, isApiError, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { useMember } from '../../app/session.tsx';
import { useFormatters } from '../../components/format.ts';
import { rules as formRules } from '../../components/forms.ts';
import { type AutomatedReply, type AutomatedReplyBody, MATCH_MODES, type MatchMode, MEDIA_TYPES, type MediaType, ruleKeys, saveRule, WEEK, weekdayName } from './automated-replies.ts';

type ReplyType = 'text' | 'media' | 'template';

interface RuleValues {
  name: string;
  keywords: string[];
  match: MatchMode;
  priority: number | string;
  channelIds: string[];
  limitHours: boolean;
  activeFrom: string;
  activeTo: string;
  activeDays: string[];
  reply: { type: ReplyType; text: string; mediaType: MediaType; link: string; caption: string; template: string };
  enabled: boolean;
}

/** A template option's value: `name|language` (a rule stores the template by name and language). */
const templateValue = (name: string, language: string) => `${name}|${language}`;

function toValues(rule: AutomatedReply | null): RuleValues {
  const r = rule?.reply;
  return {
    name: rule?.name ?? '',
    keywords: rule?.keywords ?? [],
    match: rule?.match ?? 'contains',
    priority: rule?.priority ?? 0,
    channelIds: rule?.channelIds ?? [],
    limitHours: !!rule?.activeFrom,
    activeFrom: rule?.activeFrom ?? '09:00',
    activeTo: rule?.activeTo ?? '18:00',
    activeDays: (rule?.activeDays ?? []).map(String),
    reply: {
      type: r?.type ?? 'text',
      text: r?.type === 'text' ? r.text : '',
      mediaType: r?.type === 'media' ? r.mediaType : 'image',
      link: r?.type === 'media' ? r.link : '',
      caption: r?.type === 'media' ? (r.caption ?? '') : '',
      template: r?.type === 'template' ? templateValue(r.name, r.language) : '',
    },
    enabled: rule?.enabled ?? true,
  };
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value.trim()).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The approved templates a rule can send as they are: supported and without variables (a rule fills none). */
function useSendableTemplates(enabled: boolean) {
  return useQuery({
    queryKey: ['templates', 'approved', 'no-variables'],
    queryFn: async () => {
      const page = await unwrap(api.GET('/api/v1/templates', { params: { query: { status: 'approved', limit: 100 } } }));
      const seen = new Set<string>();
      return page.items.filter((t) => {
        const key = templateValue(t.name, t.language);
        if (!t.supported || t.parameters.length > 0 || seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    },
    enabled,
    staleTime: 60_000,
  });
}

/** "New automated reply" / edit: keywords and match mode, priority, channels, active hours and days, the reply, on/off. */
export function AutomatedReplyModal({ rule, onClose }: { rule: AutomatedReply | 'new' | null; onClose: () => void }) {
  const { t } = useTranslation('assistant');
  const existing = rule && rule !== 'new' ? rule : null;
  return (
    <Modal opened={rule !== null} onClose={onClose} title={existing ? t('rules.form.editTitle') : t('rules.form.addTitle')} size="lg">
      {rule !== null ? <RuleForm key={existing?.id ?? 'new'} rule={existing} onDone={onClose} /> : null}
    </Modal>
  );
}

function RuleForm({ rule, onDone }: { rule: AutomatedReply | null; onDone: () => void }) {
  const { t, i18n } = useTranslation(['assistant', 'app']);
  const { can } = useMember();
  const { timeZone } = useFormatters();
  const channels = useQuery({
    queryKey: ['channels'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/channels'))).items,
    enabled: can('channels.manage'),
  });
  const form = useForm<RuleValues>({
    initialValues: toValues(rule),
    validate: {
      name: formRules.required,
      keywords: (value) => (value.length === 0 ? t('rules.form.keywordsRequired') : null),
      activeFrom: (value, v) => (v.limitHours && !value ? t('rules.form.bothTimes') : null),
      activeTo: (value, v) => (v.limitHours && !value ? t('rules.form.bothTimes') : null),
      reply: {
        text: (value, v) => (v.reply.type === 'text' ? formRules.required(value) : null),
        link: (value, v) => (v.reply.type === 'media' ? (value.trim() === '' ? t('app:validation.required') : isHttpsUrl(value) ? null : t('rules.form.linkInvalid')) : null),
        template: (value, v) => (v.reply.type === 'template' ? formRules.required(value) : null),
      },
    },
  });
  const v = form.getValues();
  const templates = useSendableTemplates(v.reply.type === 'template' && can('templates.read'));
  const template = templates.data?.find((x) => templateValue(x.name, x.language) === v.reply.template) ?? null;
  const storedTemplate = rule?.reply.type === 'template' ? rule.reply : null;

  const toBody = (values: RuleValues): AutomatedReplyBody => {
    const r = values.reply;
    let reply: AutomatedReplyBody['reply'];
    if (r.type === 'text') reply = { type: 'text', text: r.text.trim() };
    else if (r.type === 'media') reply = { type: 'media', mediaType: r.mediaType, link: r.link.trim(), ...(r.caption.trim() && r.mediaType !== 'audio' ? { caption: r.caption.trim() } : {}) };
    else {
      const [name = '', language = ''] = r.template.split('|');
      const chosen = templates.data?.find((x) => templateValue(x.name, x.language) === r.template);
      const preview = chosen ? previewText(chosen.preview) : storedTemplate && templateValue(storedTemplate.name, storedTemplate.language) === r.template ? storedTemplate.preview : undefined;
      reply = { type: 'template', name, language, ...(preview ? { preview: preview.slice(0, 4096) } : {}) };
    }
    return {
      name: values.name.trim(),
      keywords: values.keywords.map((k) => k.trim()).filter(Boolean),
      match: values.match,
      priority: Number(values.priority) || 0,
      channelIds: values.channelIds,
      activeFrom: values.limitHours ? values.activeFrom : null,
      activeTo: values.limitHours ? values.activeTo : null,
      activeDays: values.activeDays.map(Number).sort(),
      reply,
      enabled: values.enabled,
    };
  };

  const rename: Record<string, string> = { 'reply.name': 'reply.template', 'reply.language': 'reply.template', 'reply.preview': 'reply.template' };
  for (let i = 0; i < 50; i++) {
    rename[`keywords.${i}`] = 'keywords';
    rename[`channelIds.${i}`] = 'channelIds';
  }
  for (let i = 0; i < 7; i++) rename[`activeDays.${i}`] = 'activeDays';
  const save = useApiMutation({
    mutationFn: (values: RuleValues) => {
      const body = toBody(values);
      return rule ? saveRule(rule.id, body) : unwrap(api.POST('/api/v1/automated-replies', { body }));
    },
    form,
    rename,
    errorNs: 'assistant',
    invalidate: [ruleKeys.all],
    successMessage: rule ? t('rules.saved') : t('rules.created'),
    onSuccess: onDone,
  });

  const matchOptions = MATCH_MODES.map((m) => ({ value: m, label: t(`matchModes.${m}`) }));
  const templateOptions = (templates.data ?? []).map((x) => ({ value: templateValue(x.name, x.language), label: `${x.name} (${x.language})` }));
  if (storedTemplate && v.reply.template === templateValue(storedTemplate.name, storedTemplate.language) && !template && templates.data) {
    templateOptions.push({ value: v.reply.template, label: `${storedTemplate.name} (${storedTemplate.language})` });
  }

  return (
    <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
      <Stack>
        <TextInput label={t('rules.form.name')} description={t('rules.form.nameHint')} required maxLength={200} {...form.getInputProps('name')} />
        <TagsInput
          label={t('rules.form.keywords')}
          description={t('rules.form.keywordsHint')}
          placeholder={t('rules.form.keywordsPlaceholder')}
          required
          maxTags={50}
          splitChars={v.match === 'regex' ? [] : [',']}
          clearable
          {...form.getInputProps('keywords')}
        />
        <Select
          label={t('rules.form.match')}
          description={`${t('rules.form.matchHint')} ${t(`rules.form.matchHints.${v.match}`)}`}
          data={matchOptions}
          allowDeselect={false}
          {...form.getInputProps('match')}
        />
        <Group grow align="flex-start">
          <NumberInput label={t('rules.form.priority')} description={t('rules.form.priorityHint')} min={-1000} max={1000} allowDecimal={false} {...form.getInputProps('priority')} />
          {can('channels.manage') ? (
            <MultiSelect
              label={t('rules.form.channels')}
              description={t('rules.form.channelsHint')}
              placeholder={v.channelIds.length ? undefined : t('rules.form.channelsPlaceholder')}
              data={(channels.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
              clearable
              {...form.getInputProps('channelIds')}
            />
          ) : null}
        </Group>

        <Divider label={t('rules.form.hours')} labelPosition="left" />
        <Switch label={t('rules.form.limitHours')} {...form.getInputProps('limitHours', { type: 'checkbox' })} />
        {v.limitHours ? (
          <Group grow align="flex-start">
            <TextInput type="time" label={t('rules.form.from')} required {...form.getInputProps('activeFrom')} />
            <TextInput type="time" label={t('rules.form.to')} required {...form.getInputProps('activeTo')} />
          </Group>
        ) : null}
        <Stack gap={6}>
          <Text size="sm" fw={500} id="rule-days-label">
            {t('rules.form.days')}
          </Text>
          <Chip.Group multiple value={v.activeDays} onChange={(days) => form.setFieldValue('activeDays', days)}>
            <Group gap={6} role="group" aria-labelledby="rule-days-label">
              {WEEK.map((day) => (
                <Chip key={day} value={String(day)} size="sm">
                  {weekdayName(day, i18n.language)}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
          <Text size="xs" c="dimmed">
            {t('rules.form.daysHint')} {t('rules.form.hoursHint', { timezone: timeZone ?? 'UTC' })}
          </Text>
        </Stack>

        <Divider label={t('rules.form.reply')} labelPosition="left" />
        <SegmentedControl
          aria-label={t('rules.form.replyType')}
          data={(['text', 'media', 'template'] as const).map((type) => ({ value: type, label: t(`rules.form.replyTypes.${type}`) }))}
          {...form.getInputProps('reply.type')}
        />
        {v.reply.type === 'text' ? <Textarea label={t('rules.form.text')} required autosize minRows={3} maxLength={4096} {...form.getInputProps('reply.text')} /> : null}
        {v.reply.type === 'media' ? (
          <>
            <Select
              label={t('rules.form.mediaType')}
              data={MEDIA_TYPES.map((m) => ({ value: m, label: t(`rules.replyKinds.${m}`) }))}
              allowDeselect={false}
              {...form.getInputProps('reply.mediaType')}
            />
            <TextInput label={t('rules.form.link')} description={t('rules.form.linkHint')} placeholder="https://" required type="url" maxLength={2000} {...form.getInputProps('reply.link')} />
            {v.reply.mediaType !== 'audio' ? <Textarea label={t('rules.form.caption')} autosize minRows={1} maxLength={1024} {...form.getInputProps('reply.caption')} /> : null}
          </>
        ) : null}
        {v.reply.type === 'template' ? (
          <>
            {templates.data && templateOptions.length === 0 ? (
              <Alert color="yellow" variant="light">
                {t('rules.form.noTemplates')}
              </Alert>
            ) : null}
            {templates.error && !isApiError(templates.error, 403) ? (
              <Alert color="red" variant="light">
                {t('app:problems.internal_error')}
              </Alert>
            ) : null}
            <Select
              label={t('rules.form.template')}
              description={t('rules.form.templateHint')}
              placeholder={t('rules.form.templatePlaceholder')}
              data={templateOptions}
              searchable
              required
              nothingFoundMessage={t('app:common.noResults')}
              {...form.getInputProps('reply.template')}
            />
            {storedTemplate && templates.data && !template && v.reply.template === templateValue(storedTemplate.name, storedTemplate.language) ? (
              <Alert color="yellow" variant="light">
                {t('rules.form.templateMissing', { name: storedTemplate.name, language: storedTemplate.language })}
              </Alert>
            ) : null}
            {template || storedTemplate?.preview ? (
              <Paper withBorder p="sm" bg="var(--mantine-color-body)">
                <Text size="xs" c="dimmed" mb={4}>
                  {t('rules.form.preview')}
                </Text>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {template ? previewText(template.preview) : storedTemplate?.preview}
                </Text>
              </Paper>
            ) : null}
          </>
        ) : null}

        <Divider />
        <Switch label={t('rules.form.enabled')} {...form.getInputProps('enabled', { type: 'checkbox' })} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('app:common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending}>
            {rule ? t('app:common.save') : t('app:common.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The text of a template as the customer reads it (header, body, footer). */
function previewText(preview: { header: { type: string; text?: string } | null; body: string; footer: string | null }): string {
  return [preview.header?.type === 'text' ? preview.header.text : null, preview.body, preview.footer].filter(Boolean).join('\n\n');
}
