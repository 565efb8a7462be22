import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazy-page.tsx';

/** `/`: the home page. */
export const homeRoutes: RouteObject[] = [{ index: true, ...lazyPage(() => import('./HomePage.tsx').then((m) => m.HomePage)) }];
