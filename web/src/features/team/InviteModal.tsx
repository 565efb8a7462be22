import { Alert, Button, Group, Modal, Radio, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { type Role, useMember } from '../../app/session.tsx';
import { rules } from '../../components/forms.ts';
import { LANGUAGE_NAMES, LANGUAGES, isLanguage } from '../../i18n/languages.ts';

const ROLES: Role[] = ['agent', 'manager', 'owner'];

/** The invitation form: e-mail, role (managers may only invite agents) and the e-mail's language. */
export function InviteModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation(['team', 'app']);
  const { can } = useMember();
  const grantable = can('team.roles') ? ROLES : (['agent'] satisfies Role[]);
  const form = useForm<{ email: string; role: Role; language: string }>({
    initialValues: { email: '', role: 'agent', language: '' },
    validate: { email: rules.email },
  });
  const invite = useApiMutation({
    mutationFn: (v: typeof form.values) =>
      unwrap(api.POST('/api/v1/invitations', { body: { email: v.email.trim(), role: v.role, ...(isLanguage(v.language) ? { language: v.language } : {}) } })),
    form,
    invalidate: [['invitations'], ['members'], ['outbox']],
    successMessage: (_, v) => t('invite.sent', { email: v.email.trim() }),
    onSuccess: () => {
      form.reset();
      onClose();
    },
  });

  return (
    <Modal opened={opened} onClose={onClose} title={t('invite.title')} size="lg">
      <form onSubmit={form.onSubmit((values) => invite.mutate(values))} noValidate>
        <Stack>
          <TextInput label={t('invite.email')} type="email" required data-autofocus autoComplete="off" {...form.getInputProps('email')} />
          <Radio.Group label={t('invite.role')} {...form.getInputProps('role')}>
            <Stack gap="xs" mt="xs">
              {grantable.map((role) => (
                <Radio.Card key={role} value={role} p="sm" radius="md">
                  <Group wrap="nowrap" align="flex-start" gap="sm">
                    <Radio.Indicator mt={2} />
                    <div>
                      <Text size="sm" fw={600}>
                        {t(`app:roles.${role}`)}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {t(`roleHints.${role}`)}
                      </Text>
                    </div>
                  </Group>
                </Radio.Card>
              ))}
            </Stack>
          </Radio.Group>
          {!can('team.roles') ? (
            <Text size="xs" c="dimmed">
              {t('invite.managerHint')}
            </Text>
          ) : null}
          <Select
            label={t('invite.language')}
            data={[{ value: '', label: t('invite.languageDefault') }, ...LANGUAGES.map((value) => ({ value, label: LANGUAGE_NAMES[value] }))]}
            allowDeselect={false}
            {...form.getInputProps('language')}
          />
          {can('mail.read') ? (
            <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />}>
              {t('invite.noSmtpHint')}
            </Alert>
          ) : null}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              {t('app:common.cancel')}
            </Button>
            <Button type="submit" loading={invite.isPending}>
              {t('invite.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
