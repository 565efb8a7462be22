import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconMailCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { PublicOnly } from '../../app/gates.tsx';
import { AuthLayout } from '../../app/layout/AuthLayout.tsx';
import { rules } from '../../components/forms.ts';

/** Asks for a password-reset e-mail (the answer never reveals whether the account exists). */
export function ForgotPasswordPage() {
  return (
    <PublicOnly>
      <ForgotPasswordForm />
    </PublicOnly>
  );
}

function ForgotPasswordForm() {
  const { t } = useTranslation('auth');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useForm({ initialValues: { email: '' }, validate: { email: rules.email } });
  const request = useApiMutation({
    mutationFn: (body: { email: string }) => unwrap(api.POST('/api/v1/auth/password-reset', { body })),
    form,
    onSuccess: (_, body) => setSentTo(body.email),
  });
  const back = (
    <Anchor component={Link} to="/login">
      {t('forgot.backToLogin')}
    </Anchor>
  );

  if (sentTo) {
    return (
      <AuthLayout title={t('forgot.sentTitle')} footer={back}>
        <Stack>
          <Alert color="teal" variant="light" icon={<IconMailCheck size={20} />} role="status">
            {t('forgot.sent', { email: sentTo })}
          </Alert>
          <Text size="sm" c="dimmed">
            {t('forgot.noSmtp')}
          </Text>
        </Stack>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title={t('forgot.title')} description={t('forgot.description')} footer={back}>
      <form onSubmit={form.onSubmit((values) => request.mutate(values))} noValidate>
        <Stack>
          <TextInput label={t('fields.email')} type="email" autoComplete="email" required autoFocus {...form.getInputProps('email')} />
          <Button type="submit" fullWidth loading={request.isPending}>
            {t('forgot.submit')}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
