import { Alert, Anchor, Button, Checkbox, Grid, Group, List, MultiSelect, Paper, Radio, Select, Stack, Stepper, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconArrowLeft } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { useFormatters } from '../../components/format.ts';
import { WhatsAppPreview } from '../templates/WhatsAppPreview.tsx';
import type { CampaignBody, CampaignPreview, VariableSource } from './api.ts';
import { defaultMapping, VariableMapping } from './VariableMapping.tsx';

type Audience = CampaignBody['audience'];

/**
 * New campaign, in four steps like Chatforse's form but checked as you go: the template, a value for
 * each of its variables (with a preview for a real contact), the audience (with how many are left out
 * for lack of consent or number), and when — a time in the organization's zone, or now.
 */
export function CampaignWizardPage() {
  const { t } = useTranslation('campaigns');
  const navigate = useNavigate();
  const { timeZone } = useFormatters();
  const [step, setStep] = useState(0);
  const [name, setName] = useState('');
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [variables, setVariables] = useState<Record<string, VariableSource>>({});
  const [audience, setAudience] = useState<Audience>({ kind: 'all' });
  const [sendNow, setSendNow] = useState(false);
  const [when, setWhen] = useState('');
  const [serverErrors, setServerErrors] = useState<{ path: string; message: string }[]>([]);

  const templates = useQuery({
    queryKey: ['templates', 'approved-for-campaigns'],
    queryFn: async () => (await unwrap(api.GET('/api/v1/templates', { params: { query: { status: 'approved', limit: 200 } } }))).items.filter((x) => x.supported && x.category !== 'authentication'),
  });
  const groups = useQuery({ queryKey: ['groups', 'all'], queryFn: async () => (await unwrap(api.GET('/api/v1/groups', { params: { query: { limit: 200 } } }))).items });
  const template = templates.data?.find((x) => x.id === templateId);
  useEffect(() => {
    if (template) setVariables(defaultMapping(template));
  }, [template]);

  const [previewInput] = useDebouncedValue({ templateId, variables, audience }, 400);
  const preview = useQuery<CampaignPreview>({
    queryKey: ['campaigns', 'preview', previewInput],
    queryFn: () => unwrap(api.POST('/api/v1/campaigns/preview', { body: { templateId: previewInput.templateId ?? '', variables: previewInput.variables, audience: previewInput.audience } })),
    enabled: !!previewInput.templateId && previewInput.templateId === templateId,
    retry: false,
  });
  const issues = [...(preview.data?.issues ?? []), ...serverErrors];
  const errorOf = (path: string) => issues.find((i) => i.path === path)?.message;

  const create = useApiMutation({
    mutationFn: (action: 'draft' | 'schedule' | 'send') =>
      unwrap(api.POST('/api/v1/campaigns', { body: { name, templateId: templateId ?? '', variables, audience, action, ...(action === 'schedule' ? { scheduledAt: when } : {}) } })),
    invalidate: [['campaigns']],
    errorNs: 'campaigns',
    successMessage: (_c, action) => (action === 'send' ? t('wizard.started') : action === 'schedule' ? t('wizard.scheduled') : t('wizard.created')),
    onSuccess: (c) => navigate(`/campaigns/${c.id}`),
    onError: (error) => {
      if (error instanceof ApiError && error.fieldErrors.length) setServerErrors(error.fieldErrors);
      return false;
    },
  });

  const counts = preview.data?.audience;
  const marketing = template?.category === 'marketing';
  const canNext = [!!name.trim() && !!template, !!template && (preview.data?.issues.length ?? 1) === 0, (counts?.recipients ?? 0) > 0, true][step];
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/campaigns" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={16} aria-hidden />
          {t('wizard.back')}
        </Group>
      </Anchor>
      <Title order={2}>{t('wizard.title')}</Title>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stepper active={step} onStepClick={(s) => s < step && setStep(s)} size="sm">
            <Stepper.Step label={t('wizard.steps.template')}>
              <Stack gap="sm" mt="md">
                <TextInput label={t('wizard.name')} placeholder={t('wizard.namePlaceholder')} value={name} onChange={(e) => setName(e.currentTarget.value)} required error={errorOf('name')} />
                {templates.data && templates.data.length === 0 ? <Alert color="yellow">{t('wizard.noTemplates')}</Alert> : null}
                <Select
                  label={t('wizard.template')}
                  placeholder={t('wizard.templatePlaceholder')}
                  data={(templates.data ?? []).map((x) => ({ value: x.id, label: `${x.name} (${x.language})` }))}
                  value={templateId}
                  onChange={setTemplateId}
                  searchable
                  required
                  error={errorOf('templateId')}
                />
              </Stack>
            </Stepper.Step>
            <Stepper.Step label={t('wizard.steps.variables')}>
              <Stack gap="sm" mt="md">
                {template ? <VariableMapping template={template} value={variables} onChange={setVariables} errorOf={errorOf} /> : null}
                {preview.data?.sample?.missing.length ? <Alert color="yellow">{t('wizard.missing', { keys: preview.data.sample.missing.join(', ') })}</Alert> : null}
              </Stack>
            </Stepper.Step>
            <Stepper.Step label={t('wizard.steps.audience')}>
              <Stack gap="sm" mt="md">
                <Radio.Group
                  label={t('wizard.audienceKind')}
                  value={audience.kind}
                  onChange={(v) => setAudience(v === 'groups' ? { kind: 'groups', groupIds: [] } : v === 'filter' ? { kind: 'filter', filter: {} } : { kind: 'all' })}
                >
                  <Group mt="xs">
                    <Radio value="all" label={t('wizard.audienceAll')} />
                    <Radio value="groups" label={t('wizard.audienceGroups')} />
                    <Radio value="filter" label={t('wizard.audienceFilter')} />
                  </Group>
                </Radio.Group>
                {audience.kind === 'groups' ? (
                  <MultiSelect label={t('wizard.groups')} data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))} value={audience.groupIds} onChange={(ids) => setAudience({ kind: 'groups', groupIds: ids })} searchable />
                ) : null}
                {audience.kind === 'filter' ? (
                  <>
                    <TextInput label={t('wizard.filterQuery')} value={audience.filter.q ?? ''} onChange={(e) => setAudience({ kind: 'filter', filter: { ...audience.filter, q: e.currentTarget.value || undefined } })} />
                    <MultiSelect
                      label={t('wizard.groups')}
                      data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
                      value={audience.filter.groupIds ?? []}
                      onChange={(ids) => setAudience({ kind: 'filter', filter: { ...audience.filter, groupIds: ids.length ? ids : undefined } })}
                      searchable
                    />
                  </>
                ) : null}
                {counts ? (
                  <Paper withBorder p="sm">
                    <List size="sm" spacing={2}>
                      <List.Item>{t('wizard.counts.total', { n: counts.total })}</List.Item>
                      <List.Item>{t('wizard.counts.noPhone', { n: counts.excludedNoPhone })}</List.Item>
                      <List.Item>{t(marketing ? 'wizard.counts.noConsentMarketing' : 'wizard.counts.noConsentOther', { n: counts.excludedNoConsent })}</List.Item>
                      <List.Item fw={600}>{t('wizard.counts.recipients', { n: counts.recipients })}</List.Item>
                    </List>
                  </Paper>
                ) : null}
              </Stack>
            </Stepper.Step>
            <Stepper.Step label={t('wizard.steps.schedule')}>
              <Stack gap="sm" mt="md">
                <Checkbox label={t('wizard.sendNow')} checked={sendNow} onChange={(e) => setSendNow(e.currentTarget.checked)} />
                {!sendNow ? (
                  <TextInput type="datetime-local" label={t('wizard.when', { timezone: timeZone ?? 'UTC' })} value={when} onChange={(e) => setWhen(e.currentTarget.value)} error={errorOf('scheduledAt')} w={280} />
                ) : null}
                <Group>
                  <Button variant="default" onClick={() => create.mutate('draft')} loading={create.isPending && create.variables === 'draft'}>
                    {t('wizard.saveDraft')}
                  </Button>
                  {sendNow ? (
                    <Button onClick={() => create.mutate('send')} loading={create.isPending && create.variables === 'send'}>
                      {t('wizard.send')}
                    </Button>
                  ) : (
                    <Button onClick={() => create.mutate('schedule')} disabled={!when} loading={create.isPending && create.variables === 'schedule'}>
                      {t('wizard.schedule')}
                    </Button>
                  )}
                </Group>
              </Stack>
            </Stepper.Step>
          </Stepper>
          {step < 3 ? (
            <Group mt="lg">
              {step > 0 ? (
                <Button variant="default" onClick={() => setStep(step - 1)}>
                  {t('wizard.previous')}
                </Button>
              ) : null}
              <Button onClick={() => setStep(step + 1)} disabled={!canNext}>
                {t('wizard.next')}
              </Button>
            </Group>
          ) : null}
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="xs" style={{ position: 'sticky', top: 16 }}>
            <Text fw={500}>{preview.data?.sample ? t('wizard.sample', { name: preview.data.sample.contact.name }) : template ? t('wizard.sampleNone') : ''}</Text>
            {template ? <WhatsAppPreview preview={preview.data?.sample?.preview ?? template.preview} label={t('wizard.sample', { name: preview.data?.sample?.contact.name ?? '' })} /> : null}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
