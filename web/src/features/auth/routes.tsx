import type { RouteObject } from 'react-router';

/** Signed-out pages. The invitation page works signed in too (accepting switches the session). */
export const authRoutes: RouteObject[] = [
  { path: 'login', lazy: async () => ({ Component: (await import('./LoginPage.tsx')).LoginPage }) },
  { path: 'onboarding', lazy: async () => ({ Component: (await import('./OnboardingPage.tsx')).OnboardingPage }) },
  { path: 'forgot-password', lazy: async () => ({ Component: (await import('./ForgotPasswordPage.tsx')).ForgotPasswordPage }) },
  { path: 'reset-password/:token', lazy: async () => ({ Component: (await import('./ResetPasswordPage.tsx')).ResetPasswordPage }) },
  { path: 'invite/:token', lazy: async () => ({ Component: (await import('./AcceptInvitationPage.tsx')).AcceptInvitationPage }) },
];
