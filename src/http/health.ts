import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../container.ts';
import { appliedCount, expectedMigrationCount } from '../db/migrate.ts';
import type { App } from './app-types.ts';

/** `/healthz` (the process is up) and `/readyz` (the database answers and every migration is applied). */
export function registerHealthRoutes(app: App, deps: Deps) {
  const expected = expectedMigrationCount();
  app.get(
    '/healthz',
    { config: { auth: 'public' }, schema: { hide: true, response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get('/readyz', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    try {
      await deps.database.rows(sql`select 1`);
      const applied = await appliedCount(deps.database);
      const ready = applied >= expected;
      return reply.status(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'migrations_pending',
        database: deps.database.kind,
        migrations: { applied, expected },
        vector: await deps.database.hasVector(),
      });
    } catch (err) {
      deps.logger.warn({ err }, 'readiness check failed');
      return reply.status(503).send({ status: 'database_unreachable' });
    }
  });
}
