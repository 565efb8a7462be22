import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, isApiError, type ResponseOf, setCsrfToken, unwrap } from '../api/client.ts';
import { applyLanguage, storedLanguage } from '../i18n/index.ts';
import { isLanguage } from '../i18n/languages.ts';

/** The dashboard session: the signed-in person, their organizations and the CSRF token. */
export type Session = ResponseOf<'/api/v1/auth/session', 'get'>;
/** The caller in the active organization: role and permissions. */
export type Me = ResponseOf<'/api/v1/me', 'get'>;
/** A permission the API may grant (see `GET /api/v1/me`). */
export type Permission = Me['permissions'][number];
/** A member role. */
export type Role = Me['role'];

/** Query keys of the session, shared by everything that reads or replaces it. */
export const sessionKeys = {
  session: ['session'] as const,
  me: (organizationId: string | null) => ['me', organizationId] as const,
  setup: ['setup'] as const,
};

interface SessionValue {
  /** `undefined` while loading, `null` when signed out. */
  session: Session | null | undefined;
  /** The caller in the active organization (`undefined` while loading or without one). */
  me: Me | undefined;
  /** Why the session or the caller could not be loaded (server unreachable…), if so. */
  loadError: unknown;
  /** Loads the session and the caller again (after `loadError`). */
  reload(): void;
  /** Whether the signed-in member holds a permission in the active organization. */
  can(permission: Permission): boolean;
  /**
   * Stores a session payload answered by login, setup, invitation acceptance, PATCH /me… When the
   * active organization changes, every other cached answer is dropped.
   */
  setSession(session: Session | null): void;
  /** Signs out and forgets every cached answer. */
  signOut(): Promise<void>;
  /** Makes another organization the active one and refetches everything. */
  switchOrganization(organizationId: string): Promise<Session>;
}

const SessionContext = createContext<SessionValue | null>(null);

async function fetchSession(): Promise<Session | null> {
  try {
    const session = await unwrap(api.GET('/api/v1/auth/session'));
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (isApiError(error, 401)) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

/**
 * Loads the session (`GET /api/v1/auth/session`) and, with an active organization, the caller's role
 * and permissions (`GET /api/v1/me`); picks the interface language: the person's, else the one chosen
 * on this browser, else the organization's.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const sessionQuery = useQuery({ queryKey: sessionKeys.session, queryFn: fetchSession, staleTime: 60_000 });
  // React Query notifies observers on a later tick; a page that stores a session and navigates at once
  // must not be judged by the previous one, so the latest stored session is also kept in React state.
  const [stored, setStored] = useState<{ session: Session | null } | null>(null);
  useEffect(() => {
    if (sessionQuery.data !== undefined) setStored({ session: sessionQuery.data });
  }, [sessionQuery.data]);
  const session = stored ? stored.session : sessionQuery.data;
  const organizationId = session?.activeOrganizationId ?? null;
  const meQuery = useQuery({
    queryKey: sessionKeys.me(organizationId),
    queryFn: () => unwrap(api.GET('/api/v1/me')),
    enabled: organizationId !== null,
    staleTime: 60_000,
  });
  const me = organizationId ? meQuery.data : undefined;

  useEffect(() => {
    if (!session) return;
    const preferred = session.user.locale ?? storedLanguage() ?? (me && isLanguage(me.organization.locale) ? me.organization.locale : null);
    if (preferred) void applyLanguage(preferred);
  }, [session, me]);

  const setSession = useCallback(
    (next: Session | null) => {
      setCsrfToken(next?.csrfToken ?? null);
      const previous = client.getQueryData<Session | null>(sessionKeys.session);
      if (previous && next && previous.activeOrganizationId !== next.activeOrganizationId) {
        // Every cached answer belongs to the previous organization.
        client.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKeys.session[0] });
      }
      client.setQueryData(sessionKeys.session, next);
      setStored({ session: next });
    },
    [client],
  );

  const signOut = useCallback(async () => {
    try {
      await unwrap(api.POST('/api/v1/auth/logout'));
    } catch (error) {
      // Already signed out elsewhere: nothing to undo.
      if (!isApiError(error, 401)) throw error;
    }
    client.clear();
    setSession(null);
  }, [client, setSession]);

  const switchOrganization = useCallback(
    async (id: string) => {
      const next = await unwrap(api.POST('/api/v1/auth/switch-organization', { body: { organizationId: id } }));
      setSession(next);
      return next;
    },
    [setSession],
  );

  const value = useMemo<SessionValue>(
    () => ({
      session,
      me,
      loadError: sessionQuery.error ?? meQuery.error,
      reload: () => {
        void sessionQuery.refetch();
        if (organizationId) void meQuery.refetch();
      },
      can: (permission) => me?.permissions.includes(permission) ?? false,
      setSession,
      signOut,
      switchOrganization,
    }),
    [session, me, sessionQuery, meQuery, organizationId, setSession, signOut, switchOrganization],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session, the caller's permissions and the actions on them. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}

/** The session and caller of a page inside the signed-in shell (where both are loaded). */
export function useMember(): { session: Session; me: Me; can: (permission: Permission) => boolean } {
  const { session, me, can } = useSession();
  if (!session || !me) throw new Error('useMember is only available inside the signed-in shell');
  return { session, me, can };
}

/** Renders its children only when the member holds the permission. */
export function Can({ permission, children, fallback = null }: { permission: Permission; children: ReactNode; fallback?: ReactNode }) {
  const { can } = useSession();
  return <>{can(permission) ? children : fallback}</>;
}
