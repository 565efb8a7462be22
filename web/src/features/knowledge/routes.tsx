import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazy-page.tsx';

/** Knowledge base: documents, one document, knowledge gaps, the test panel and settings. */
export const knowledgeRoutes: RouteObject[] = [
  { path: 'knowledge', ...lazyPage(() => import('./DocumentsPage.tsx').then((m) => m.DocumentsPage), 'knowledge.manage') },
  { path: 'knowledge/documents/:documentId', ...lazyPage(() => import('./DocumentPage.tsx').then((m) => m.DocumentPage), 'knowledge.manage') },
  { path: 'knowledge/gaps', ...lazyPage(() => import('./GapsPage.tsx').then((m) => m.GapsPage), 'knowledge.manage') },
  { path: 'knowledge/test', ...lazyPage(() => import('./TestPage.tsx').then((m) => m.TestPage), 'knowledge.manage') },
  { path: 'knowledge/settings', ...lazyPage(() => import('./KnowledgeSettingsPage.tsx').then((m) => m.KnowledgeSettingsPage), 'knowledge.manage') },
];
