import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazy-page.tsx';

/** Settings → Team. */
export const teamRoutes: RouteObject[] = [
  { path: 'settings/team', ...lazyPage(() => import('./TeamPage.tsx').then((m) => m.TeamPage), 'team.read') },
];
