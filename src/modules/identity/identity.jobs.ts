import { lt, or, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../../container.ts';
import { passwordResets } from '../../db/schema/index.ts';
import { defineJob, type JobDefinition, type JobHandler } from '../../jobs/queue.ts';
import { pruneSessions } from './sessions.ts';

/** Removes expired sessions and used or expired password-reset tokens. */
export const pruneAuthJob = defineJob({ name: 'identity.prune', payload: z.object({}), maxAttempts: 3 });

/** The identity module's jobs with their handlers (and how often the recurring ones run). */
export function identityJobs(deps: Pick<Deps, 'database'>): {
  job: JobDefinition<Record<string, unknown>>;
  handler: JobHandler<Record<string, unknown>>;
  everySeconds?: number;
}[] {
  return [
    {
      job: pruneAuthJob,
      everySeconds: 3600,
      handler: async () => {
        const db = deps.database.db;
        await pruneSessions(db);
        await db.delete(passwordResets).where(or(lt(passwordResets.expiresAt, new Date()), isNotNull(passwordResets.usedAt)));
      },
    },
  ];
}
