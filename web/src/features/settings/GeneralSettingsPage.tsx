import { Alert, Fieldset, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api, type BodyOf, type ResponseOf, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { sessionKeys, useMember } from '../../app/session.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { SaveBar } from '../../components/SaveBar.tsx';
import { ErrorState, PageLoader } from '../../components/states.tsx';
import { i18n } from '../../i18n/index.ts';
import { CampaignSection, NotificationSection, OrganizationSections, TicketSection } from './sections.tsx';

/** The organization as `GET /api/v1/organization` answers it. */
export type Organization = ResponseOf<'/api/v1/organization', 'get'>;

/** The form mirrors the API's shape, so server field errors (`body.settings.…`) land on the right input. */
export interface GeneralValues {
  name: string;
  timezone: string;
  locale: Organization['locale'];
  country: string | null;
  address: { street: string; city: string; state: string; postalCode: string; country: string };
  settings: Organization['settings'];
}

/** The form of the page, passed to its sections. */
export type GeneralForm = ReturnType<typeof useGeneralForm>;

/** The query key of the organization. */
export const organizationKey = ['organization'] as const;
const FORM_ID = 'general-settings';

function toValues(org: Organization): GeneralValues {
  const a = org.address;
  return {
    name: org.name,
    timezone: org.timezone,
    locale: org.locale,
    country: org.country,
    address: { street: a.street ?? '', city: a.city ?? '', state: a.state ?? '', postalCode: a.postalCode ?? '', country: a.country ?? '' },
    settings: structuredClone(org.settings),
  };
}

function toPatch(v: GeneralValues): BodyOf<'/api/v1/organization', 'patch'> {
  const text = (s: string) => (s.trim() === '' ? null : s.trim());
  const { campaigns } = v.settings;
  return {
    name: v.name.trim(),
    timezone: v.timezone,
    locale: v.locale,
    country: v.country,
    address: { street: text(v.address.street), city: text(v.address.city), state: text(v.address.state), postalCode: text(v.address.postalCode), country: text(v.address.country) },
    settings: {
      notifications: v.settings.notifications,
      campaigns: { ...campaigns, retryIntervalsHours: campaigns.retryIntervalsHours.map(Number), failedGroupId: campaigns.failedGroupId || null },
      tickets: v.settings.tickets,
    },
  };
}

/** Settings → General: every organization setting; owners edit, other members read. */
export function GeneralSettingsPage() {
  const { t } = useTranslation('settings');
  const query = useQuery({ queryKey: organizationKey, queryFn: () => unwrap(api.GET('/api/v1/organization')) });
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      {query.error ? <ErrorState error={query.error} onRetry={() => void query.refetch()} /> : null}
      {query.isLoading ? <PageLoader /> : null}
      {query.data ? <GeneralForm organization={query.data} /> : null}
    </>
  );
}

function GeneralForm({ organization }: { organization: Organization }) {
  const { t } = useTranslation('settings');
  const { can } = useMember();
  const canEdit = can('organization.update');
  const form = useGeneralForm(organization);

  const save = useApiMutation({
    mutationFn: (values: GeneralValues) => unwrap(api.PATCH('/api/v1/organization', { body: toPatch(values) })),
    form,
    invalidate: [sessionKeys.session, ['me']],
    successMessage: t('saved'),
    onSuccess: (org) => {
      const next = toValues(org);
      form.setInitialValues(next);
      form.setValues(next);
      form.resetDirty(next);
    },
  });

  const submit = form.onSubmit((values) => {
    const intervalErrors = validateIntervals(values.settings.campaigns.retryIntervalsHours);
    if (Object.keys(intervalErrors).length > 0) {
      form.setErrors(intervalErrors);
      return;
    }
    save.mutate(values);
  });

  return (
    <form id={FORM_ID} onSubmit={submit} noValidate>
      <Stack gap="xl">
        {!canEdit ? (
          <Alert variant="light" color="gray" icon={<IconLock size={18} />}>
            {i18n.t('app:common.readOnly')}
          </Alert>
        ) : null}
        <Fieldset variant="unstyled" disabled={!canEdit} p={0} m={0}>
          <Stack gap="xl">
            <OrganizationSections form={form} />
            <NotificationSection form={form} />
            <CampaignSection form={form} />
            <TicketSection form={form} />
          </Stack>
        </Fieldset>
        {canEdit ? <SaveBar visible={form.isDirty()} saving={save.isPending} onDiscard={() => form.reset()} formId={FORM_ID} /> : null}
      </Stack>
    </form>
  );
}

function useGeneralForm(organization: Organization) {
  return useForm<GeneralValues>({
    initialValues: toValues(organization),
    validate: {
      name: (value) => (value.trim() ? null : i18n.t('app:validation.required')),
      timezone: (value) => (value ? null : i18n.t('app:validation.required')),
      settings: {
        campaigns: {
          failedGroupId: (value, values) =>
            values.settings.campaigns.moveFailedToGroup && !value ? i18n.t('settings:campaigns.groupRequired') : null,
        },
      },
    },
  });
}

/** Errors of the retry interval list: each in (0, 168] and later than the one before. */
export function validateIntervals(intervals: (number | string)[]): Record<string, string> {
  const errors: Record<string, string> = {};
  intervals.forEach((raw, i) => {
    const value = Number(raw);
    const path = `settings.campaigns.retryIntervalsHours.${i}`;
    if (raw === '' || !Number.isFinite(value) || value <= 0 || value > 168) errors[path] = i18n.t('settings:campaigns.range');
    else if (i > 0 && value <= Number(intervals[i - 1])) errors[path] = i18n.t('settings:campaigns.increasing');
  });
  return errors;
}
