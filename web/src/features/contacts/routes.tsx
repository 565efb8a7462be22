import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazy-page.tsx';

/** Contacts (list, groups, imports) and Settings → Contact fields. */
export const contactsRoutes: RouteObject[] = [
  { path: 'contacts', ...lazyPage(() => import('./ContactsPage.tsx').then((m) => m.ContactsPage), 'contacts.read') },
  { path: 'settings/contact-fields', ...lazyPage(() => import('./ContactFieldsPage.tsx').then((m) => m.ContactFieldsPage), 'contacts.read') },
];
