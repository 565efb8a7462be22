import { Alert, Anchor, Badge, Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { IconMailOff } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, isApiError, type ResponseOf, unwrap } from '../../api/client.ts';
import { useApiMutation } from '../../api/query.ts';
import { AuthLayout } from '../../app/layout/AuthLayout.tsx';
import { useSession } from '../../app/session.tsx';
import { formatDateTime } from '../../components/format.ts';
import { rules } from '../../components/forms.ts';
import { ErrorState, PageLoader } from '../../components/states.tsx';
import { applyLanguage, i18n, storedLanguage } from '../../i18n/index.ts';

type Invitation = ResponseOf<'/api/v1/invitations/lookup', 'get'>;

/**
 * `/invite/:token`: shows the organization and role of an invitation; a new person sets their name and
 * password, an existing account confirms with its password. Accepting signs in to that organization.
 */
export function AcceptInvitationPage() {
  const { t } = useTranslation('auth');
  const { token = '' } = useParams();
  const lookup = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => unwrap(api.GET('/api/v1/invitations/lookup', { params: { query: { token } } })),
    retry: false,
  });

  // Speak the organization's language unless this browser already chose one.
  useEffect(() => {
    if (lookup.data && !storedLanguage()) void applyLanguage(lookup.data.language);
  }, [lookup.data]);

  if (lookup.isLoading) return <PageLoader fullScreen />;
  if (lookup.error) {
    const invalid = isApiError(lookup.error, 404) || isApiError(lookup.error, 400);
    return (
      <AuthLayout
        title={t('invite.invalidTitle')}
        footer={
          <Anchor component={Link} to="/login">
            {t('forgot.backToLogin')}
          </Anchor>
        }
      >
        {invalid ? (
          <Alert color="orange" variant="light" icon={<IconMailOff size={20} />}>
            {t('invite.invalid')}
          </Alert>
        ) : (
          <ErrorState error={lookup.error} onRetry={() => void lookup.refetch()} />
        )}
      </AuthLayout>
    );
  }
  if (!lookup.data) return null;
  return <AcceptForm token={token} invitation={lookup.data} />;
}

function AcceptForm({ token, invitation }: { token: string; invitation: Invitation }) {
  const { t } = useTranslation('auth');
  const { setSession } = useSession();
  const navigate = useNavigate();
  const isNew = invitation.needsPassword;
  const form = useForm({
    initialValues: { name: invitation.name, password: '', confirm: '' },
    validate: {
      name: (value) => (isNew ? rules.required(value) : null),
      password: (value) => (isNew ? rules.password(value) : rules.required(value)),
      confirm: (value, values) => (isNew && value !== values.password ? i18n.t('app:validation.passwordsDiffer') : null),
    },
  });
  const accept = useApiMutation({
    mutationFn: (values: typeof form.values) =>
      unwrap(api.POST('/api/v1/invitations/accept', { body: { token, password: values.password, ...(isNew ? { name: values.name.trim() } : {}) } })),
    form,
    successMessage: t('invite.joined', { organization: invitation.organizationName }),
    onSuccess: (session) => {
      setSession(session);
      navigate('/', { replace: true });
    },
  });

  return (
    <AuthLayout
      title={t('invite.title', { organization: invitation.organizationName })}
      description={
        <>
          {t('invite.description', { role: i18n.t(`app:roles.${invitation.role}`), email: invitation.email })}{' '}
          {t('invite.expires', { date: formatDateTime(invitation.expiresAt, i18n.language) })}
        </>
      }
    >
      <form onSubmit={form.onSubmit((values) => accept.mutate(values))} noValidate>
        <Stack>
          <Group gap="xs">
            <Badge variant="light">{i18n.t(`app:roles.${invitation.role}`)}</Badge>
            <Text size="sm" c="dimmed">
              {invitation.email}
            </Text>
          </Group>
          <Text size="sm">{isNew ? t('invite.newAccount') : t('invite.existingAccount')}</Text>
          {isNew ? <TextInput label={t('fields.name')} autoComplete="name" required autoFocus {...form.getInputProps('name')} /> : null}
          <PasswordInput
            label={t('fields.password')}
            description={isNew ? t('fields.passwordHint') : undefined}
            autoComplete={isNew ? 'new-password' : 'current-password'}
            required
            autoFocus={!isNew}
            {...form.getInputProps('password')}
          />
          {isNew ? <PasswordInput label={t('fields.confirmPassword')} autoComplete="new-password" required {...form.getInputProps('confirm')} /> : null}
          <Button type="submit" fullWidth loading={accept.isPending}>
            {t('invite.submit')}
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
