import { Anchor, Button, Grid, Group, NumberInput, Paper, Radio, Stack, Switch, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { IconArrowLeft, IconTrash } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { confirmAction } from '../../components/confirm.tsx';
import { notifySuccess } from '../../components/notify.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorState, PageLoader } from '../../components/states.tsx';
import { PlaceholderInput } from './PlaceholderInput.tsx';
import { type TestValues, TestPanel } from './TestPanel.tsx';
import { MappingEditor, ParametersEditor, RequestEditor } from './ToolEditors.tsx';
import { bodyProblem, jsonPath, MONO, newToolValues, rowKey, suggestionsFor, type ToolFormValues, toolBody, toolValues, variableFor } from './tool-form.ts';
import { type Integration, keys, type Tool, type ToolTestResult } from './types.ts';

// Server field paths (`request.url`) → the builder's form fields.
const RENAME: Record<string, string> = { 'request.url': 'url', 'request.method': 'method', 'request.body': 'bodyText' };

/** The tool builder: what it does, inputs, request, reply, failure behaviour — with a live Test panel. */
export function ToolBuilderPage() {
  const { integrationId = '', toolId } = useParams();
  const integration = useQuery({ queryKey: keys.integration(integrationId), queryFn: () => unwrap(api.GET('/api/v1/integrations/{id}', { params: { path: { id: integrationId } } })) });
  const tool = useQuery({
    queryKey: keys.tool(toolId ?? 'new'),
    queryFn: () => unwrap(api.GET('/api/v1/integrations/{id}/tools/{toolId}', { params: { path: { id: integrationId, toolId: toolId ?? '' } } })),
    enabled: !!toolId,
  });
  if (integration.isLoading || (toolId && tool.isLoading)) return <PageLoader />;
  if (!integration.data) return <ErrorState error={integration.error} onRetry={() => void integration.refetch()} />;
  if (toolId && !tool.data) return <ErrorState error={tool.error} onRetry={() => void tool.refetch()} />;
  return <Builder key={tool.data?.updatedAt ?? 'new'} integration={integration.data} tool={tool.data ?? null} />;
}

function Builder({ integration, tool }: { integration: Integration; tool: Tool | null }) {
  const { t } = useTranslation(['integrations', 'app']);
  const navigate = useNavigate();
  const mcp = integration.kind === 'mcp';
  const back = `/automation/integrations/${integration.id}`;
  const form = useForm<ToolFormValues>({
    initialValues: tool ? toolValues(tool) : newToolValues(),
    validate: { bodyText: (value) => (bodyProblem(value) ? t('builder.bodyInvalid') : null) },
  });
  const [result, setResult] = useState<ToolTestResult | null>(null);
  const v = form.getValues();
  const secretNames = integration.secrets.map((s) => s.name);
  const requestSuggestions = suggestionsFor(v, secretNames, 'request');
  const replySuggestions = suggestionsFor(v, secretNames, 'reply');

  const save = useApiMutation({
    mutationFn: (values: ToolFormValues) => {
      const body = toolBody(values);
      if (!tool) return unwrap(api.POST('/api/v1/integrations/{id}/tools', { params: { path: { id: integration.id } }, body }));
      const patch = mcp ? { description: body.description, examples: body.examples, responseMapping: body.responseMapping, responseMode: body.responseMode, replyTemplate: body.replyTemplate, timeoutMs: body.timeoutMs, fallbackMessage: body.fallbackMessage, handoffOnFailure: body.handoffOnFailure, requiresConfirmation: body.requiresConfirmation, enabled: body.enabled } : body;
      return unwrap(api.PATCH('/api/v1/integrations/{id}/tools/{toolId}', { params: { path: { id: integration.id, toolId: tool.id } }, body: patch }));
    },
    form,
    rename: RENAME,
    errorNs: 'integrations',
    invalidate: [keys.integrations, ['tools']],
    successMessage: (saved) => (tool ? t('builder.saved') : t('builder.created', { name: saved.name })),
    onSuccess: (saved) => {
      if (!tool) navigate(`${back}/tools/${saved.id}`, { replace: true });
    },
  });
  const test = useApiMutation({
    mutationFn: async ({ args, contact }: TestValues) => {
      const sampleContact = Object.fromEntries(Object.entries(contact).filter(([, value]) => value.trim()));
      const sample = { args: Object.fromEntries(Object.entries(args).filter(([, value]) => value !== '')), contact: sampleContact };
      if (tool && (mcp || !form.isDirty())) return unwrap(api.POST('/api/v1/tools/{id}/test', { params: { path: { id: tool.id } }, body: sample }));
      const validation = form.validate();
      if (validation.hasErrors) throw new Error(t('builder.bodyInvalid'));
      return unwrap(api.POST('/api/v1/integrations/{id}/tools/test', { params: { path: { id: integration.id } }, body: { tool: toolBody(form.getValues()), ...sample } }));
    },
    form,
    rename: Object.fromEntries(Object.entries(RENAME).map(([k, value]) => [`tool.${k}`, value])),
    errorNs: 'integrations',
    onSuccess: setResult,
  });
  const pick = (steps: (string | number)[]) => {
    if (!steps.length) return;
    const path = jsonPath(steps);
    const mapping = form.getValues().responseMapping;
    if (mapping.some((m) => m.path === path)) return;
    const variable = variableFor(steps, mapping.map((m) => m.variable));
    form.insertListItem('responseMapping', { key: rowKey(), variable, path });
    notifySuccess(t('test.picked', { path, variable }));
  };
  const remove = useApiMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/integrations/{id}/tools/{toolId}', { params: { path: { id: integration.id, toolId: tool?.id ?? '' } } })),
    invalidate: [keys.integrations, ['tools']],
    successMessage: t('builder.deleted'),
    onSuccess: () => navigate(back),
  });

  return (
    <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
      <Anchor component={Link} to={back} size="sm" mb="xs" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconArrowLeft size={14} aria-hidden /> {integration.name}
      </Anchor>
      <PageHeader
        title={tool ? t('builder.editTitle', { name: tool.name }) : t('builder.newTitle')}
        actions={
          <>
            {tool ? (
              <Button
                variant="subtle"
                color="red"
                leftSection={<IconTrash size={16} aria-hidden />}
                loading={remove.isPending}
                onClick={async () => {
                  if (await confirmAction({ message: t('builder.deleteConfirm', { name: tool.name }), confirmLabel: t('builder.delete'), danger: true })) remove.mutate();
                }}
              >
                {t('builder.delete')}
              </Button>
            ) : null}
            <Button type="submit" loading={save.isPending}>
              {t('builder.save')}
            </Button>
          </>
        }
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="lg">
            <Section title={t('builder.basics')}>
              <TextInput label={t('builder.name')} description={t('builder.nameHint')} styles={MONO} required readOnly={mcp && !!tool} {...form.getInputProps('name')} />
              <Textarea label={t('builder.description')} description={t('builder.descriptionHint')} required autosize minRows={2} {...form.getInputProps('description')} />
              <TagsInput label={t('builder.examples')} description={t('builder.examplesHint')} {...form.getInputProps('examples')} />
            </Section>
            {!mcp ? (
              <Section title={t('builder.parameters')} hint={t('builder.parametersHint', { example: '{{name}}' })}>
                <ParametersEditor form={form} />
              </Section>
            ) : null}
            <Section title={t('builder.request')} hint={mcp ? t('builder.mcpRequest', { name: tool?.mcpToolName ?? '' }) : t('builder.requestHint', { example: '{{' })}>
              {!mcp ? <RequestEditor form={form} suggestions={requestSuggestions} bodyError={typeof form.errors.bodyText === 'string' ? form.errors.bodyText : null} /> : null}
            </Section>
            <Section title={t('builder.response')}>
              <Radio.Group label={t('builder.responseMode')} {...form.getInputProps('responseMode')}>
                <Stack gap={6} mt={4}>
                  <Radio value="template" label={t('builder.modeTemplate')} />
                  <Radio value="json" label={t('builder.modeJson')} />
                </Stack>
              </Radio.Group>
              <Text size="sm" fw={500}>
                {t('builder.mapping')}
              </Text>
              <Text size="xs" c="dimmed" mt={-8}>
                {t('builder.mappingHint')}
              </Text>
              <MappingEditor form={form} />
              {v.responseMode === 'template' ? (
                <PlaceholderInput
                  label={t('builder.replyTemplate')}
                  description={t('builder.replyTemplateHint', { example: 'Tu pedido {{orderId}} está {{status}}' })}
                  multiline
                  suggestions={replySuggestions}
                  value={v.replyTemplate}
                  error={form.errors.replyTemplate}
                  onChange={(value) => form.setFieldValue('replyTemplate', value)}
                />
              ) : null}
            </Section>
            <Section title={t('builder.behaviour')}>
              <Group grow align="flex-start">
                <NumberInput label={t('builder.timeout')} min={500} max={60000} step={500} allowDecimal={false} {...form.getInputProps('timeoutMs')} />
                {!mcp ? <NumberInput label={t('builder.retries')} description={t('builder.retriesHint')} min={0} max={5} allowDecimal={false} {...form.getInputProps('retries')} /> : null}
              </Group>
              <Textarea label={t('builder.fallback')} description={t('builder.fallbackHint')} autosize minRows={1} {...form.getInputProps('fallbackMessage')} />
              <Switch label={t('builder.handoff')} {...form.getInputProps('handoffOnFailure', { type: 'checkbox' })} />
              <Switch label={t('builder.confirmation')} description={t('builder.confirmationHint')} {...form.getInputProps('requiresConfirmation', { type: 'checkbox' })} />
              <Switch label={t('builder.enabled')} {...form.getInputProps('enabled', { type: 'checkbox' })} />
            </Section>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <div style={{ position: 'sticky', top: 16 }}>
            <TestPanel parameters={v.parameters} running={test.isPending} result={result} onRun={(values) => test.mutate(values)} onPick={pick} />
          </div>
        </Grid.Col>
      </Grid>
    </form>
  );
}

function Section({ title, hint, children }: { title: string; hint?: string; children?: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h5">
            {title}
          </Title>
          {hint ? (
            <Text size="xs" c="dimmed">
              {hint}
            </Text>
          ) : null}
        </div>
        {children}
      </Stack>
    </Paper>
  );
}
