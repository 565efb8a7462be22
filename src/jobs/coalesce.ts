/**
 * Group commit for round trips: calls made while an earlier batch is in flight (or in the same tick)
 * are handed to `run` together, at most `maxBatch` at a time. Each caller's promise settles with its
 * own result, or with the batch's error. Used on hot job paths so that many concurrently running jobs
 * share one statement instead of one each.
 */
export function coalesce<I, O>(run: (items: I[]) => Promise<O[]>, maxBatch = 500): (item: I) => Promise<O> {
  let pending: { item: I; resolve: (value: O) => void; reject: (err: unknown) => void }[] = [];
  let running = false;
  const flush = async () => {
    running = true;
    try {
      while (pending.length) {
        const batch = pending.slice(0, maxBatch);
        pending = pending.slice(batch.length);
        try {
          const results = await run(batch.map((b) => b.item));
          for (const [i, b] of batch.entries()) b.resolve(results[i] as O);
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      running = false;
    }
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      // Wait for the end of this tick so that jobs started together share the first statement too.
      if (!running && pending.length === 1) queueMicrotask(() => void (running ? undefined : flush()));
    });
}

/** One caller's outcome inside a shared batch: its value, or its own error. */
export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

/** Runs `work` and captures its outcome as a {@link Settled}. */
export async function settle<O>(work: () => Promise<O>): Promise<Settled<O>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * {@link coalesce} for batches that settle each item on its own (e.g. a shared transaction that falls
 * back to one item at a time when it fails): every caller gets its own value or its own error.
 */
export function coalesceSettled<I, O>(run: (items: I[]) => Promise<Settled<O>[]>, maxBatch = 500): (item: I) => Promise<O> {
  const batched = coalesce(run, maxBatch);
  return async (item) => {
    const settled = await batched(item);
    if (!settled.ok) throw settled.error;
    return settled.value;
  };
}
