import { createBrowserRouter } from 'react-router';
import { NotFound, RequireMember } from './gates.tsx';
import { AppLayout } from './layout/AppLayout.tsx';
import { RouteError } from './RouteError.tsx';
import { memberRoutes, publicRoutes } from './routes.tsx';
import { PageLoader } from '../components/states.tsx';

function FullPageLoader() {
  return <PageLoader fullScreen />;
}

/** The dashboard's routes: public pages, then the signed-in shell with every feature's pages. */
export function createRouter() {
  return createBrowserRouter([
    {
      ErrorBoundary: RouteError,
      HydrateFallback: FullPageLoader,
      children: [
        ...publicRoutes,
        {
          Component: RequireMember,
          children: [
            {
              Component: AppLayout,
              ErrorBoundary: RouteError,
              children: [...memberRoutes, { path: '*', Component: NotFound }],
            },
          ],
        },
      ],
    },
  ]);
}
