import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazy-page.tsx';

/** Settings → Channels (owners and managers). */
export const channelsRoutes: RouteObject[] = [
  { path: 'settings/channels', ...lazyPage(() => import('./ChannelsPage.tsx').then((m) => m.ChannelsPage), 'channels.manage') },
];
