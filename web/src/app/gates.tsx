import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconLock, IconMapOff, IconUserOff } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, useLocation, useMatches, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../api/client.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorState, PageLoader } from '../components/states.tsx';
import { type Permission, sessionKeys, useSession } from './session.tsx';

/** Whether Charla still needs its first organization (GET /api/v1/setup). */
export function useSetupStatus(enabled = true) {
  return useQuery({ queryKey: sessionKeys.setup, queryFn: () => unwrap(api.GET('/api/v1/setup')), enabled, staleTime: 60_000 });
}

/**
 * The signed-in area's gate: signed out → /login (or /onboarding on a new installation); signed in
 * without an active organization → an explanation; otherwise the page, once the caller is loaded.
 */
export function RequireMember() {
  const { session, me, loadError, reload } = useSession();
  const location = useLocation();
  const setup = useSetupStatus(session === null);
  if (loadError && !me) {
    return (
      <Center h="100dvh" p="md">
        <div style={{ maxWidth: 480, width: '100%' }}>
          <ErrorState error={loadError} onRetry={reload} />
        </div>
      </Center>
    );
  }
  if (session === undefined) return <PageLoader fullScreen />;
  if (session === null) {
    if (setup.data === undefined) return setup.error ? <Navigate to="/login" replace /> : <PageLoader fullScreen />;
    if (setup.data.needsSetup) return <Navigate to="/onboarding" replace />;
    const next = location.pathname === '/' ? '' : `?next=${encodeURIComponent(location.pathname + location.search)}`;
    return <Navigate to={`/login${next}`} replace />;
  }
  if (!session.activeOrganizationId) return <NoOrganization />;
  if (!me) return <PageLoader fullScreen />;
  return <Outlet />;
}

/** Pages for signed-out people (sign in, onboarding…): a signed-in person goes to `?next=` or home. */
export function PublicOnly({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const [params] = useSearchParams();
  if (session === undefined) return <PageLoader fullScreen />;
  if (session) return <Navigate to={safeNext(params.get('next'))} replace />;
  return <>{children}</>;
}

/** A same-origin path to continue to after signing in (anything else → home). */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** The `handle` of a route that needs a permission (set by `lazyPage`). */
export interface PermissionHandle {
  permission: Permission;
}

function permissionOf(handle: unknown): string | null {
  if (typeof handle !== 'object' || handle === null || !('permission' in handle)) return null;
  return typeof handle.permission === 'string' ? handle.permission : null;
}

/** Renders the matched page only when the member holds every permission its routes ask for (`handle.permission`). */
export function PermissionOutlet() {
  const { me } = useSession();
  const granted: readonly string[] = me?.permissions ?? [];
  const missing = useMatches().some((match) => {
    const permission = permissionOf(match.handle);
    return permission !== null && !granted.includes(permission);
  });
  return missing ? <Forbidden /> : <Outlet />;
}

/** The page a member sees where their role does not reach. */
export function Forbidden() {
  const { t } = useTranslation();
  return (
    <EmptyState
      icon={IconLock}
      title={t('errors.forbidden')}
      description={t('errors.forbiddenHint')}
      action={
        <Button component={Link} to="/" variant="light">
          {t('errors.goHome')}
        </Button>
      }
    />
  );
}

/** Unknown addresses. */
export function NotFound() {
  const { t } = useTranslation();
  return (
    <Center mih="60dvh">
      <EmptyState
        icon={IconMapOff}
        title={t('errors.notFound')}
        description={t('errors.notFoundHint')}
        action={
          <Button component={Link} to="/" variant="light">
            {t('errors.goHome')}
          </Button>
        }
      />
    </Center>
  );
}

function NoOrganization() {
  const { t } = useTranslation();
  const { signOut } = useSession();
  const navigate = useNavigate();
  return (
    <Center h="100dvh" p="md">
      <Stack align="center" maw={460} ta="center">
        <IconUserOff size={40} stroke={1.5} aria-hidden />
        <Title order={1} size="h3">
          {t('errors.noOrganization')}
        </Title>
        <Text c="dimmed">{t('errors.noOrganizationHint')}</Text>
        <Button variant="default" onClick={() => void signOut().then(() => navigate('/login', { replace: true }))}>
          {t('header.signOut')}
        </Button>
      </Stack>
    </Center>
  );
}
