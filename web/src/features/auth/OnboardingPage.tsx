import { Button, Divider, Group, PasswordInput, Radio, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { IconSparkles, IconSquarePlus } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { useSetupStatus } from '../../app/gates.tsx';
import { AuthLayout } from '../../app/layout/AuthLayout.tsx';
import { sessionKeys, useSession } from '../../app/session.tsx';
import { rules } from '../../components/forms.ts';
import { browserCountry, browserTimeZone, CountrySelect, LanguageSelect, TimezoneSelect } from '../../components/pickers.tsx';
import { PageLoader } from '../../components/states.tsx';
import { applyLanguage, currentLanguage } from '../../i18n/index.ts';
import { isLanguage, type Language } from '../../i18n/languages.ts';

/** First run: creates the organization and its owner (optionally with demo data) and signs in. */
export function OnboardingPage() {
  const setup = useSetupStatus();
  const { session } = useSession();
  if (setup.isLoading || session === undefined) return <PageLoader fullScreen />;
  if (setup.data && !setup.data.needsSetup) return <Navigate to={session ? '/' : '/login'} replace />;
  return <OnboardingForm />;
}

interface Values {
  organizationName: string;
  name: string;
  email: string;
  password: string;
  language: Language;
  timezone: string;
  country: string | null;
  start: 'empty' | 'demo';
}

function OnboardingForm() {
  const { t } = useTranslation('auth');
  const { setSession } = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const form = useForm<Values>({
    initialValues: {
      organizationName: '',
      name: '',
      email: '',
      password: '',
      language: currentLanguage(),
      timezone: browserTimeZone(),
      country: browserCountry(),
      start: 'empty',
    },
    validate: {
      organizationName: rules.required,
      name: rules.required,
      email: rules.email,
      password: rules.password,
      timezone: rules.required,
    },
  });
  const create = useApiMutation({
    mutationFn: (v: Values) =>
      unwrap(
        api.POST('/api/v1/setup', {
          body: {
            organizationName: v.organizationName.trim(),
            name: v.name.trim(),
            email: v.email.trim(),
            password: v.password,
            language: v.language,
            timezone: v.timezone,
            ...(v.country ? { country: v.country } : {}),
            demo: v.start === 'demo',
          },
        }),
      ),
    form,
    successMessage: t('onboarding.done'),
    onSuccess: async (session, v) => {
      await applyLanguage(v.language, { remember: true });
      client.setQueryData(sessionKeys.setup, { needsSetup: false });
      setSession(session);
      navigate('/', { replace: true });
    },
  });

  return (
    <AuthLayout title={t('onboarding.title')} description={t('onboarding.description')} wide>
      <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
        <Stack gap="md">
          <Divider label={t('onboarding.organizationSection')} labelPosition="left" />
          <TextInput label={t('fields.organizationName')} autoComplete="organization" required autoFocus {...form.getInputProps('organizationName')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TimezoneSelect label={t('fields.timezone')} description={t('onboarding.timezoneHint')} required {...form.getInputProps('timezone')} />
            <CountrySelect label={t('fields.country')} description={t('onboarding.countryHint')} clearable {...form.getInputProps('country')} />
          </SimpleGrid>
          <LanguageSelect
            label={t('fields.language')}
            {...form.getInputProps('language')}
            onChange={(value) => {
              if (!isLanguage(value)) return;
              form.setFieldValue('language', value);
              void applyLanguage(value, { remember: true });
            }}
          />

          <Divider label={t('onboarding.accountSection')} labelPosition="left" mt="sm" />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('fields.name')} autoComplete="name" required {...form.getInputProps('name')} />
            <TextInput label={t('fields.email')} type="email" autoComplete="email" required {...form.getInputProps('email')} />
          </SimpleGrid>
          <PasswordInput label={t('fields.password')} description={t('fields.passwordHint')} autoComplete="new-password" required {...form.getInputProps('password')} />

          <Divider label={t('onboarding.startSection')} labelPosition="left" mt="sm" />
          <Radio.Group {...form.getInputProps('start')} aria-label={t('onboarding.startSection')}>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <StartCard value="empty" icon={<IconSquarePlus size={22} aria-hidden />} title={t('onboarding.empty')} hint={t('onboarding.emptyHint')} />
              <StartCard value="demo" icon={<IconSparkles size={22} aria-hidden />} title={t('onboarding.demo')} hint={t('onboarding.demoHint')} />
            </SimpleGrid>
          </Radio.Group>

          <Button type="submit" size="md" fullWidth mt="sm" loading={create.isPending}>
            {t('onboarding.submit')}
          </Button>
          {create.isPending ? (
            <Text size="sm" c="dimmed" ta="center" role="status">
              {t('onboarding.creating')}
            </Text>
          ) : null}
        </Stack>
      </form>
    </AuthLayout>
  );
}

function StartCard({ value, icon, title, hint }: { value: string; icon: ReactNode; title: string; hint: string }) {
  return (
    <Radio.Card value={value} p="md" radius="md" style={{ height: '100%' }}>
      <Group wrap="nowrap" align="flex-start" gap="sm">
        <Radio.Indicator mt={2} />
        <Stack gap={4}>
          <Group gap={6} wrap="nowrap">
            {icon}
            <Text fw={600} size="sm">
              {title}
            </Text>
          </Group>
          <Text size="xs" c="dimmed">
            {hint}
          </Text>
        </Stack>
      </Group>
    </Radio.Card>
  );
}
