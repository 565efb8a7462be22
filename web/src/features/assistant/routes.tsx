import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazy-page.tsx';

/** Automation → AI assistant (settings), Automated replies and Playground. */
export const assistantRoutes: RouteObject[] = [
  { path: 'automation/assistant', ...lazyPage(() => import('./AssistantSettingsPage.tsx').then((m) => m.AssistantSettingsPage), 'assistant.manage') },
  { path: 'automation/automated-replies', ...lazyPage(() => import('./AutomatedRepliesPage.tsx').then((m) => m.AutomatedRepliesPage), 'assistant.manage') },
  { path: 'automation/playground', ...lazyPage(() => import('./PlaygroundPage.tsx').then((m) => m.PlaygroundPage), 'assistant.manage') },
];
