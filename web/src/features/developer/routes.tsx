import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazy-page.tsx';

/** Settings → Developer tools (owners: API keys). */
export const developerRoutes: RouteObject[] = [
  { path: 'settings/developer', ...lazyPage(() => import('./DeveloperPage.tsx').then((m) => m.DeveloperPage), 'apiKeys.manage') },
];
