import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazy-page.tsx';

/** Automation → Integrations: the list, one integration with its tools, and the tool builder. */
export const integrationsRoutes: RouteObject[] = [
  { path: 'automation/integrations', ...lazyPage(() => import('./IntegrationsPage.tsx').then((m) => m.IntegrationsPage), 'assistant.manage') },
  { path: 'automation/integrations/:integrationId', ...lazyPage(() => import('./IntegrationPage.tsx').then((m) => m.IntegrationPage), 'assistant.manage') },
  { path: 'automation/integrations/:integrationId/tools/new', ...lazyPage(() => import('./ToolBuilderPage.tsx').then((m) => m.ToolBuilderPage), 'assistant.manage') },
  { path: 'automation/integrations/:integrationId/tools/:toolId', ...lazyPage(() => import('./ToolBuilderPage.tsx').then((m) => m.ToolBuilderPage), 'assistant.manage') },
];
