import type { RouteObject } from 'react-router';
import { lazyPage } from '../../app/lazy-page.tsx';

/** Campaigns: the list, the creation wizard and the details of one campaign. */
export const campaignsRoutes: RouteObject[] = [
  { path: 'campaigns', ...lazyPage(() => import('./CampaignsPage.tsx').then((m) => m.CampaignsPage), 'campaigns.manage') },
  { path: 'campaigns/new', ...lazyPage(() => import('./CampaignWizardPage.tsx').then((m) => m.CampaignWizardPage), 'campaigns.manage') },
  { path: 'campaigns/:id', ...lazyPage(() => import('./CampaignDetailsPage.tsx').then((m) => m.CampaignDetailsPage), 'campaigns.manage') },
];
