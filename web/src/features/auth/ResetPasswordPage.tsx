import { Anchor, Button, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { AuthLayout } from '../../app/layout/AuthLayout.tsx';
import { useSession } from '../../app/session.tsx';
import { rules } from '../../components/forms.ts';
import { i18n } from '../../i18n/index.ts';

/** `/reset-password/:token`: sets a new password with the e-mailed token, then goes to sign in. */
export function ResetPasswordPage() {
  const { t } = useTranslation('auth');
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const { session, setSession } = useSession();
  const form = useForm({
    initialValues: { password: '', confirm: '' },
    validate: {
      password: rules.password,
      confirm: (value, values) => (value === values.password ? null : i18n.t('app:validation.passwordsDiffer')),
    },
  });
  const reset = useApiMutation({
    mutationFn: (password: string) => unwrap(api.POST('/api/v1/auth/password-reset/confirm', { body: { token, password } })),
    form,
    successMessage: t('reset.done'),
    onSuccess: () => {
      // Every session of the person was signed out, this browser's included.
      if (session) setSession(null);
      navigate('/login', { replace: true });
    },
  });

  return (
    <AuthLayout
      title={t('reset.title')}
      description={t('reset.description')}
      footer={
        <Anchor component={Link} to="/login">
          {t('forgot.backToLogin')}
        </Anchor>
      }
    >
      <form onSubmit={form.onSubmit((values) => reset.mutate(values.password))} noValidate>
        <Stack>
          <PasswordInput label={t('fields.newPassword')} description={t('fields.passwordHint')} autoComplete="new-password" required autoFocus {...form.getInputProps('password')} />
          <PasswordInput label={t('fields.confirmPassword')} autoComplete="new-password" required {...form.getInputProps('confirm')} />
          <Button type="submit" fullWidth loading={reset.isPending}>
            {t('reset.submit')}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
