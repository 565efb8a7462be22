import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazy-page.tsx';

/** The team inbox ("Chats"): every member; what each one sees follows the ticket settings. */
export const inboxRoutes: RouteObject[] = [
  { path: 'inbox', ...lazyPage(() => import('./InboxPage.tsx').then((m) => m.InboxPage)) },
  { path: 'inbox/:conversationId', ...lazyPage(() => import('./InboxPage.tsx').then((m) => m.InboxPage)) },
];
