import { Button, Group, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { useMember } from '../../app/session.tsx';
import { useSession } from '../../app/session.tsx';
import { rules } from '../../components/forms.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { SettingsSection } from '../../components/SettingsSection.tsx';
import { applyLanguage, i18n } from '../../i18n/index.ts';
import { isLanguage, LANGUAGE_NAMES, LANGUAGES } from '../../i18n/languages.ts';

/** The signed-in person's name, interface language and password. */
export function ProfilePage() {
  const { t } = useTranslation('profile');
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <Stack gap="xl">
        <DetailsSection />
        <LanguageSection />
        <PasswordSection />
      </Stack>
    </>
  );
}

function DetailsSection() {
  const { t } = useTranslation(['profile', 'app']);
  const { session } = useMember();
  const { setSession } = useSession();
  const form = useForm({ initialValues: { name: session.user.name }, validate: { name: rules.required } });
  const save = useApiMutation({
    mutationFn: (values: { name: string }) => unwrap(api.PATCH('/api/v1/me', { body: { name: values.name.trim() } })),
    form,
    invalidate: [['me'], ['members']],
    successMessage: t('details.saved'),
    onSuccess: (next) => {
      setSession(next);
      form.resetDirty({ name: next.user.name });
    },
  });
  return (
    <SettingsSection title={t('details.title')} description={t('details.description')}>
      <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
        <Stack>
          <TextInput label={t('details.name')} required autoComplete="name" {...form.getInputProps('name')} />
          <TextInput label={t('details.email')} value={session.user.email} readOnly description={t('details.emailHint')} />
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
              {t('app:common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </SettingsSection>
  );
}

function LanguageSection() {
  const { t } = useTranslation('profile');
  const { session, me } = useMember();
  const { setSession } = useSession();
  const organizationLanguage = isLanguage(me.organization.locale) ? me.organization.locale : 'en';
  const save = useApiMutation({
    mutationFn: (locale: (typeof LANGUAGES)[number] | null) => unwrap(api.PATCH('/api/v1/me', { body: { locale } })),
    successMessage: t('language.saved'),
    onSuccess: async (next, locale) => {
      setSession(next);
      await applyLanguage(locale ?? organizationLanguage, { remember: true });
    },
  });
  return (
    <SettingsSection title={t('language.title')} description={t('language.description')}>
      <Select
        label={t('language.label')}
        data={[
          { value: '', label: t('language.organizationDefault', { language: LANGUAGE_NAMES[organizationLanguage] }) },
          ...LANGUAGES.map((value) => ({ value, label: LANGUAGE_NAMES[value] })),
        ]}
        value={session.user.locale ?? ''}
        allowDeselect={false}
        disabled={save.isPending}
        onChange={(value) => save.mutate(isLanguage(value) ? value : null)}
        maw={360}
      />
    </SettingsSection>
  );
}

function PasswordSection() {
  const { t } = useTranslation('profile');
  const form = useForm({
    initialValues: { currentPassword: '', newPassword: '', confirm: '' },
    validate: {
      currentPassword: rules.required,
      newPassword: rules.password,
      confirm: (value, values) => (value === values.newPassword ? null : i18n.t('app:validation.passwordsDiffer')),
    },
  });
  const change = useApiMutation({
    mutationFn: (values: typeof form.values) =>
      unwrap(api.POST('/api/v1/auth/change-password', { body: { currentPassword: values.currentPassword, newPassword: values.newPassword } })),
    form,
    successMessage: t('password.changed'),
    onSuccess: () => form.reset(),
  });
  return (
    <SettingsSection title={t('password.title')} description={t('password.description')}>
      <form onSubmit={form.onSubmit((values) => change.mutate(values))} noValidate>
        <Stack>
          <PasswordInput label={t('password.current')} autoComplete="current-password" required {...form.getInputProps('currentPassword')} />
          <PasswordInput label={t('password.new')} description={t('password.hint')} autoComplete="new-password" required {...form.getInputProps('newPassword')} />
          <PasswordInput label={t('password.confirm')} autoComplete="new-password" required {...form.getInputProps('confirm')} />
          <Group justify="flex-end">
            <Button type="submit" loading={change.isPending}>
              {t('password.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </SettingsSection>
  );
}
