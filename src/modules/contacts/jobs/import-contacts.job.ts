import { z } from 'zod';
import type { Deps } from '../../../container.ts';
import { defineJob, type JobHandler } from '../../../jobs/queue.ts';
import { runImport } from '../imports/run-import.ts';

/**
 * Runs a contact import. Idempotent by construction: the import row's checkpoint says where to
 * resume, so a re-run after a crash or a lapsed lease continues after the last committed batch.
 */
export const importContactsJob = defineJob({
  name: 'contacts.import',
  payload: z.object({ importId: z.uuid(), organizationId: z.uuid() }),
  maxAttempts: 10,
  backoff: { baseMs: 1_000, maxMs: 60_000 },
  leaseMs: 60_000,
});

/** The handler, bound to the container. */
export function importContactsHandler(deps: Deps): JobHandler<z.infer<typeof importContactsJob.payload>> {
  return async (payload, ctx) => {
    await runImport(deps, payload.importId, { signal: ctx.signal });
  };
}
