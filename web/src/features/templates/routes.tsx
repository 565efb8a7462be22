import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazy-page.tsx';

/** Message templates: the list, the builder, and one template. */
export const templatesRoutes: RouteObject[] = [
  { path: 'templates', ...lazyPage(() => import('./TemplatesPage.tsx').then((m) => m.TemplatesPage), 'templates.read') },
  { path: 'templates/new', ...lazyPage(() => import('./TemplateBuilderPage.tsx').then((m) => m.TemplateBuilderPage), 'templates.manage') },
  { path: 'templates/:id', ...lazyPage(() => import('./TemplateBuilderPage.tsx').then((m) => m.TemplateBuilderPage), 'templates.read') },
];
