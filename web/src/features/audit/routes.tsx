import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazy-page.tsx';

/** Settings → Audit log (owners). */
export const auditRoutes: RouteObject[] = [
  { path: 'settings/audit-log', ...lazyPage(() => import('./AuditPage.tsx').then((m) => m.AuditPage), 'audit.read') },
];
