import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazy-page.tsx';

/** Settings → General. */
export const settingsRoutes: RouteObject[] = [
  { path: 'settings', lazy: async () => ({ Component: (await import('./SettingsIndex.tsx')).SettingsIndex }) },
  { path: 'settings/general', ...lazyPage(() => import('./GeneralSettingsPage.tsx').then((m) => m.GeneralSettingsPage), 'organization.read') },
];
