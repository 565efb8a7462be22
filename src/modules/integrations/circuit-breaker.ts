import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { type Integration, integrations } from '../../db/schema/index.ts';

/** Whether a call may go out: `closed` (normal), `probe` (the one half-open trial call) or `open` (refused). */
export type Admission = 'closed' | 'probe' | 'open';

/** How long a half-open probe holds its lease before another process may try. */
const PROBE_LEASE_MS = 60_000;

/**
 * The per-integration circuit breaker, kept in the database so every process agrees. After
 * `circuitFailureThreshold` consecutive failures the circuit opens for `circuitCooldownSeconds`; calls
 * are refused at once (the customer gets the fallback instead of waiting for a timeout). When the
 * cool-down ends, exactly one caller wins the probe lease (an atomic update); its success closes the
 * circuit, its failure opens it again.
 */
export async function admitCall(db: Db, integration: Pick<Integration, 'id' | 'organizationId' | 'circuitOpenUntil'>, now = new Date()): Promise<Admission> {
  if (!integration.circuitOpenUntil) return 'closed';
  if (integration.circuitOpenUntil > now) return 'open';
  const claimed = await db
    .update(integrations)
    .set({ circuitProbeUntil: new Date(now.getTime() + PROBE_LEASE_MS) })
    .where(
      and(
        eq(integrations.id, integration.id),
        eq(integrations.organizationId, integration.organizationId),
        lt(integrations.circuitOpenUntil, sql`${now.toISOString()}::timestamptz`),
        or(isNull(integrations.circuitProbeUntil), lt(integrations.circuitProbeUntil, sql`${now.toISOString()}::timestamptz`)),
      ),
    )
    .returning({ id: integrations.id });
  return claimed.length ? 'probe' : 'open';
}

/** Records a call's outcome: success closes the circuit; a failure counts and may open it. */
export async function recordCallOutcome(db: Db, integration: Pick<Integration, 'id' | 'organizationId'>, outcome: { failed: boolean; probe: boolean }): Promise<void> {
  const where = and(eq(integrations.id, integration.id), eq(integrations.organizationId, integration.organizationId));
  if (!outcome.failed) {
    await closeCircuit(db, integration);
    return;
  }
  const failures = sql`${integrations.circuitFailures} + 1`;
  const opens = outcome.probe ? sql`true` : sql`${failures} >= ${integrations.circuitFailureThreshold}`;
  await db
    .update(integrations)
    .set({
      circuitFailures: failures,
      circuitOpenUntil: sql`case when ${opens} then now() + make_interval(secs => ${integrations.circuitCooldownSeconds}) else ${integrations.circuitOpenUntil} end`,
      circuitProbeUntil: null,
    })
    .where(where);
}

/**
 * The statement a success runs: resets the failure count and closes the circuit — a no-op (no row
 * written, no lock taken) when it was already closed. A query builder, so the executor can run it in
 * the same statement as the call's log entry.
 */
export function closeCircuit(db: Db, integration: Pick<Integration, 'id' | 'organizationId'>) {
  return db
    .update(integrations)
    .set({ circuitFailures: 0, circuitOpenUntil: null, circuitProbeUntil: null })
    .where(
      and(
        eq(integrations.id, integration.id),
        eq(integrations.organizationId, integration.organizationId),
        or(sql`${integrations.circuitFailures} > 0`, sql`${integrations.circuitOpenUntil} is not null`),
      ),
    );
}

/** Gives back a probe lease without a verdict (the call never reached the remote system). */
export async function releaseProbe(db: Db, integration: Pick<Integration, 'id' | 'organizationId'>): Promise<void> {
  await db
    .update(integrations)
    .set({ circuitProbeUntil: null })
    .where(and(eq(integrations.id, integration.id), eq(integrations.organizationId, integration.organizationId)));
}
