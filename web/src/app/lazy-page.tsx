import type { ComponentType } from 'react';
import type { RouteObject } from 'react-router';
import type { PermissionHandle } from './gates.tsx';
import type { Permission } from './session.tsx';

/**
 * A route whose page is loaded on first visit (its own chunk), optionally only for members holding a
 * permission (others see a "no access" page): spread it into a route,
 * `{ path: 'settings/team', ...lazyPage(() => import('./TeamPage.tsx').then((m) => m.TeamPage), 'team.read') }`.
 */
export function lazyPage(load: () => Promise<ComponentType>, permission?: Permission): Pick<RouteObject, 'lazy' | 'handle'> {
  const handle: PermissionHandle | undefined = permission ? { permission } : undefined;
  return { lazy: async () => ({ Component: await load() }), handle };
}
