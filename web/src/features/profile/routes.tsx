import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazy-page.tsx';

/** `/profile`: the signed-in person's own settings. */
export const profileRoutes: RouteObject[] = [{ path: 'profile', ...lazyPage(() => import('./ProfilePage.tsx').then((m) => m.ProfilePage)) }];
