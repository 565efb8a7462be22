import { Alert, Anchor, Button, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { PublicOnly, safeNext } from '../../app/gates.tsx';
import { AuthLayout } from '../../app/layout/AuthLayout.tsx';
import { useSession } from '../../app/session.tsx';
import { rules } from '../../components/forms.ts';
import { problemMessage } from '../../components/notify.tsx';

/** Sign in with e-mail and password; continues to `?next=` afterwards. */
export function LoginPage() {
  return (
    <PublicOnly>
      <LoginForm />
    </PublicOnly>
  );
}

function LoginForm() {
  const { t } = useTranslation('auth');
  const { setSession } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: { email: rules.email, password: rules.required },
  });
  const login = useApiMutation({
    mutationFn: (body: typeof form.values) => unwrap(api.POST('/api/v1/auth/login', { body })),
    form,
    // Shown inside the form, where the person is looking.
    onError: () => true,
    onSuccess: (session) => {
      setSession(session);
      navigate(safeNext(params.get('next')), { replace: true });
    },
  });

  return (
    <AuthLayout title={t('login.title')} description={t('login.description')}>
      <form onSubmit={form.onSubmit((values) => login.mutate(values))} noValidate>
        <Stack>
          {login.error ? (
            <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
              {problemMessage(login.error)}
            </Alert>
          ) : null}
          <TextInput label={t('fields.email')} type="email" autoComplete="email" required autoFocus {...form.getInputProps('email')} />
          <PasswordInput label={t('fields.password')} autoComplete="current-password" required {...form.getInputProps('password')} />
          <Group justify="flex-end" mt={-6}>
            <Anchor component={Link} to="/forgot-password" size="sm">
              {t('login.forgot')}
            </Anchor>
          </Group>
          <Button type="submit" fullWidth loading={login.isPending}>
            {t('login.submit')}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
