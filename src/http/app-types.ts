import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Principal } from '../modules/identity/policy.ts';

/** The Fastify instance with the Zod type provider: route schemas type the handlers. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** How a route authenticates: anyone, a logged-in person (no organization needed), or a member/API key of an organization. */
export type RouteAuth = 'public' | 'session' | 'org';

/** A resolved dashboard session. */
export interface SessionContext {
  id: string;
  userId: string;
  email: string;
  name: string;
  locale: string | null;
  csrfToken: string;
  activeOrganizationId: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated organization principal, when the request carries one. */
    principal: Principal | null;
    /** The dashboard session, when the request carries the session cookie. */
    sessionContext: SessionContext | null;
  }
  interface FastifyContextConfig {
    /** Defaults to `org`. */
    auth?: RouteAuth;
  }
}
