import type { RouteObject } from 'react-router';
import { auditRoutes } from '../features/audit/routes.tsx';
import { authRoutes } from '../features/auth/routes.tsx';
import { channelsRoutes } from '../features/channels/routes.tsx';
import { contactsRoutes } from '../features/contacts/routes.tsx';
import { developerRoutes } from '../features/developer/routes.tsx';
import { homeRoutes } from '../features/home/routes.tsx';
import { inboxRoutes } from '../features/inbox/routes.tsx';
import { integrationsRoutes } from '../features/integrations/routes.tsx';
import { assistantRoutes } from '../features/assistant/routes.tsx';
import { knowledgeRoutes } from '../features/knowledge/routes.tsx';
import { profileRoutes } from '../features/profile/routes.tsx';
import { settingsRoutes } from '../features/settings/routes.tsx';
import { teamRoutes } from '../features/team/routes.tsx';
import { templatesRoutes } from '../features/templates/routes.tsx';
import { campaignsRoutes } from '../features/campaigns/routes.tsx';

/**
 * Pages inside the signed-in shell (paths relative to `/`). Each feature exports its routes from
 * `features/<feature>/routes.tsx`; add ONE spread here.
 */
export const memberRoutes: RouteObject[] = [
  ...homeRoutes,
  ...inboxRoutes,
  ...contactsRoutes,
  ...templatesRoutes,
  ...campaignsRoutes,
  ...settingsRoutes,
  ...channelsRoutes,
  ...teamRoutes,
  ...developerRoutes,
  ...auditRoutes,
  ...profileRoutes,
  ...integrationsRoutes,
  ...assistantRoutes,
  ...knowledgeRoutes,
];

/** Pages outside the shell: onboarding, sign in, password reset, invitations. */
export const publicRoutes: RouteObject[] = [...authRoutes];
