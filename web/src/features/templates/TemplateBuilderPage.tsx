import { Alert, Anchor, Button, FileInput, Grid, Group, List, Loader, Paper, SegmentedControl, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertCircle, IconArrowLeft, IconBraces, IconCircleCheck, IconTrash } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { useMember } from '../../app/session.tsx';
import { confirmAction } from '../../components/confirm.tsx';
import { notifyError } from '../../components/notify.tsx';
import { ErrorState, PageLoader } from '../../components/states.tsx';
import { uploadFile } from '../inbox/api.ts';
import { type LintResult, TEMPLATE_LANGUAGES, type Template, useTemplate, useWhatsAppChannels } from './api.ts';
import { ButtonsEditor } from './ButtonsEditor.tsx';
import { EMPTY_FORM, fieldOf, fromTemplate, nextVariable, type TemplateFormState, toBody, variablesIn } from './template-form.ts';
import { TemplateStatusBadge } from './TemplatesPage.tsx';
import { WhatsAppPreview } from './WhatsAppPreview.tsx';

/** Create (`/templates/new`) or view and edit (`/templates/:id`) a template. */
export function TemplateBuilderPage() {
  const { id } = useParams();
  const existing = useTemplate(id);
  if (id && existing.isLoading) return <PageLoader />;
  if (id && existing.error) return <ErrorState error={existing.error} onRetry={() => void existing.refetch()} />;
  return <TemplateBuilder key={existing.data?.updatedAt ?? 'new'} template={existing.data} />;
}

/**
 * The builder: every field of a template, a live WhatsApp-style preview rendered with the examples,
 * and Meta's rules checked as you type (`POST /api/v1/templates/lint`), each problem under its field.
 */
function TemplateBuilder({ template }: { template?: Template }) {
  const { t } = useTranslation('templates');
  const { session, can } = useMember();
  const navigate = useNavigate();
  const { i18n } = useTranslation();
  // A new template starts in the interface's language (Meta's codes: es, pt_BR, en_US).
  const [form, setForm] = useState<TemplateFormState>(() =>
    template ? fromTemplate(template) : { ...EMPTY_FORM, language: i18n.language.startsWith('pt') ? 'pt_BR' : i18n.language.startsWith('en') ? 'en_US' : 'es' },
  );
  const [lint, setLint] = useState<LintResult | null>(null);
  const [checking, setChecking] = useState(false);
  const [uploading, setUploading] = useState(false);
  const channels = useWhatsAppChannels(!template);
  const editable = can('templates.manage') && (!template || template.editable);
  const body = useMemo(() => toBody(form), [form]);
  const [debounced] = useDebouncedValue(body, 350);
  const set = (patch: Partial<TemplateFormState>) => setForm((f) => ({ ...f, ...patch }));

  useEffect(() => {
    const only = channels.data?.length === 1 ? channels.data[0]!.id : null;
    if (only) setForm((f) => (f.channelId ? f : { ...f, channelId: only }));
  }, [channels.data]);

  useEffect(() => {
    let cancelled = false;
    setChecking(true);
    unwrap(api.POST('/api/v1/templates/lint', { body: debounced }))
      .then((r) => !cancelled && setLint(r))
      .catch(() => {})
      .finally(() => !cancelled && setChecking(false));
    return () => {
      cancelled = true;
    };
  }, [debounced]);

  const errors = lint?.issues.filter((i) => i.severity === 'error') ?? [];
  const warnings = lint?.issues.filter((i) => i.severity === 'warning') ?? [];
  const errorOf = (field: string) => errors.find((i) => fieldOf(i.path) === field)?.message;
  const shownFields = new Set(['name', 'headerText', 'bodyText', 'footerText', 'headerFile', ...variablesIn(form.bodyText).map((k) => `bodyExamples.${k}`), ...variablesIn(form.headerText).map((k) => `headerExamples.${k}`)]);
  const general = errors.filter((i) => !shownFields.has(fieldOf(i.path)) && !/^buttons\.\d+\./.test(i.path));

  const save = useApiMutation({
    mutationFn: () => {
      if (!template) return unwrap(api.POST('/api/v1/templates', { body }));
      const { channelId: _c, name: _n, language: _l, ...content } = body;
      return unwrap(api.PATCH('/api/v1/templates/{id}', { params: { path: { id: template.id } }, body: content }));
    },
    invalidate: [['templates']],
    errorNs: 'templates',
    successMessage: template ? t('builder.saved') : t('builder.submitted'),
    onSuccess: () => navigate('/templates'),
  });
  const remove = useApiMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/templates/{id}', { params: { path: { id: template?.id ?? '' } } })),
    invalidate: [['templates']],
    errorNs: 'templates',
    successMessage: t('builder.deleted'),
    onSuccess: () => navigate('/templates'),
  });

  const onFile = async (file: File | null) => {
    if (!file || !session) return;
    setUploading(true);
    try {
      const stored = await uploadFile(file, session.csrfToken);
      set({ headerFileId: stored.id, headerFileName: file.name });
    } catch (err) {
      notifyError(err, { ns: 'templates' });
    } finally {
      setUploading(false);
    }
  };

  const title = template ? (editable ? t('builder.editTitle', { name: template.name }) : t('builder.viewTitle', { name: template.name })) : t('builder.newTitle');
  const variables = variablesIn(form.bodyText);
  const headerVariables = form.headerFormat === 'text' ? variablesIn(form.headerText) : [];
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/templates" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={16} aria-hidden />
          {t('builder.back')}
        </Group>
      </Anchor>
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm">
          <Title order={2}>{title}</Title>
          {template ? <TemplateStatusBadge template={template} /> : null}
        </Group>
        {template && can('templates.manage') ? (
          <Button
            variant="subtle"
            color="red"
            leftSection={<IconTrash size={16} aria-hidden />}
            loading={remove.isPending}
            onClick={async () => {
              if (await confirmAction({ message: t('builder.deleteConfirm', { name: template.name }), confirmLabel: t('builder.delete'), danger: true })) remove.mutate();
            }}
          >
            {t('builder.delete')}
          </Button>
        ) : null}
      </Group>
      {template?.statusExplanation ? <Alert color={template.status === 'approved' ? 'teal' : 'yellow'}>{[template.statusExplanation, template.statusDetail].filter(Boolean).join(' ')}</Alert> : null}
      {template && !editable ? <Alert color="gray">{t('builder.notEditable')}</Alert> : null}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <Paper withBorder p="md">
              <Stack gap="sm">
                {!template && (channels.data?.length ?? 0) > 1 ? (
                  <Select label={t('builder.channel')} data={(channels.data ?? []).map((c) => ({ value: c.id, label: c.name }))} value={form.channelId || null} onChange={(v) => set({ channelId: v ?? '' })} required />
                ) : null}
                <TextInput label={t('builder.name')} description={t('builder.nameHint')} value={form.name} onChange={(e) => set({ name: e.currentTarget.value })} error={errorOf('name')} disabled={!!template} required />
                <Group grow align="flex-start">
                  <Select
                    label={t('builder.category')}
                    data={(['marketing', 'utility', 'authentication'] as const).map((c) => ({ value: c, label: t(`categories.${c}`) }))}
                    value={form.category}
                    onChange={(v) => v && set({ category: v as TemplateFormState['category'] })}
                    allowDeselect={false}
                    disabled={!editable || template?.status === 'approved'}
                  />
                  <Select label={t('builder.language')} data={TEMPLATE_LANGUAGES} value={form.language} onChange={(v) => v && set({ language: v })} searchable allowDeselect={false} disabled={!!template} error={errorOf('language')} />
                </Group>
              </Stack>
            </Paper>
            <Paper withBorder p="md">
              <Stack gap="sm">
                <Text fw={500}>{t('builder.header')}</Text>
                <SegmentedControl
                  aria-label={t('builder.header')}
                  value={form.headerFormat}
                  onChange={(v) => set({ headerFormat: v as TemplateFormState['headerFormat'] })}
                  disabled={!editable || form.category === 'authentication'}
                  data={[
                    { value: 'none', label: t('builder.headerNone') },
                    { value: 'text', label: t('builder.headerText') },
                    { value: 'image', label: t('builder.headerImage') },
                    { value: 'video', label: t('builder.headerVideo') },
                    { value: 'document', label: t('builder.headerDocument') },
                  ]}
                />
                {form.headerFormat === 'text' ? (
                  <TextInput label={t('builder.headerTextLabel')} value={form.headerText} onChange={(e) => set({ headerText: e.currentTarget.value })} error={errorOf('headerText')} disabled={!editable} />
                ) : null}
                {headerVariables.map((v) => (
                  <TextInput key={v} label={t('builder.exampleFor', { variable: `{{${v}}}` })} value={form.headerExamples[v] ?? ''} onChange={(e) => set({ headerExamples: { ...form.headerExamples, [v]: e.currentTarget.value } })} error={errorOf(`headerExamples.${v}`)} disabled={!editable} />
                ))}
                {form.headerFormat !== 'none' && form.headerFormat !== 'text' ? (
                  <FileInput
                    label={t('builder.headerSample')}
                    description={form.headerHandle && !form.headerFileId ? t('builder.headerSampleKept') : t('builder.headerSampleHint')}
                    placeholder={form.headerFileName ? t('builder.headerSampleUploaded', { name: form.headerFileName }) : undefined}
                    accept={form.headerFormat === 'image' ? 'image/jpeg,image/png' : form.headerFormat === 'video' ? 'video/mp4' : 'application/pdf'}
                    onChange={(f) => void onFile(f)}
                    error={errorOf('headerFile')}
                    rightSection={uploading ? <Loader size="xs" /> : null}
                    disabled={!editable}
                  />
                ) : null}
              </Stack>
            </Paper>
            <Paper withBorder p="md">
              <Stack gap="sm">
                <Textarea
                  label={t('builder.body')}
                  description={t('builder.bodyHint')}
                  value={form.bodyText}
                  onChange={(e) => set({ bodyText: e.currentTarget.value })}
                  error={errorOf('bodyText')}
                  autosize
                  minRows={4}
                  required
                  disabled={!editable}
                />
                <Button variant="light" size="xs" w="fit-content" leftSection={<IconBraces size={14} aria-hidden />} onClick={() => set({ bodyText: `${form.bodyText}${form.bodyText && !form.bodyText.endsWith(' ') ? ' ' : ''}${nextVariable(form.bodyText)}` })} disabled={!editable}>
                  {t('builder.addVariable')}
                </Button>
                {variables.length ? <Text size="sm" fw={500}>{t('builder.examples')}</Text> : null}
                {variables.map((v) => (
                  <TextInput key={v} label={t('builder.exampleFor', { variable: `{{${v}}}` })} value={form.bodyExamples[v] ?? ''} onChange={(e) => set({ bodyExamples: { ...form.bodyExamples, [v]: e.currentTarget.value } })} error={errorOf(`bodyExamples.${v}`)} disabled={!editable} />
                ))}
                <TextInput label={t('builder.footer')} value={form.footerText} onChange={(e) => set({ footerText: e.currentTarget.value })} error={errorOf('footerText')} disabled={!editable} />
              </Stack>
            </Paper>
            <Paper withBorder p="md">
              <Stack gap="sm">
                <Text fw={500}>{t('builder.buttons')}</Text>
                <ButtonsEditor buttons={form.buttons} onChange={(buttons) => set({ buttons })} errorOf={(p) => errors.find((i) => i.path === p)?.message} authentication={form.category === 'authentication'} disabled={!editable} />
              </Stack>
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md" style={{ position: 'sticky', top: 16 }}>
            <Text fw={500}>{t('builder.preview')}</Text>
            <WhatsAppPreview preview={lint?.preview ?? template?.preview} label={t('builder.preview')} />
            {editable ? (
              <>
                {checking && !lint ? <Text size="sm" c="dimmed">{t('builder.checking')}</Text> : null}
                {lint && errors.length === 0 ? (
                  <Alert color="teal" icon={<IconCircleCheck size={18} />}>
                    {t('builder.valid')}
                  </Alert>
                ) : null}
                {general.length || errors.some((i) => /^buttons\./.test(i.path)) ? (
                  <Alert color="red" icon={<IconAlertCircle size={18} />} title={t('builder.problems')}>
                    <List size="sm">
                      {errors
                        .filter((i) => general.includes(i) || /^buttons/.test(i.path))
                        .map((i) => (
                          <List.Item key={`${i.path}-${i.code}`}>{i.message}</List.Item>
                        ))}
                    </List>
                  </Alert>
                ) : null}
                {warnings.length ? (
                  <Alert color="yellow" title={t('builder.advice')}>
                    <List size="sm">
                      {warnings.map((i) => (
                        <List.Item key={`${i.path}-${i.code}`}>{i.message}</List.Item>
                      ))}
                    </List>
                  </Alert>
                ) : null}
                <Button size="md" onClick={() => save.mutate()} loading={save.isPending} disabled={!lint || errors.length > 0}>
                  {template ? t('builder.save') : t('builder.submit')}
                </Button>
              </>
            ) : null}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
