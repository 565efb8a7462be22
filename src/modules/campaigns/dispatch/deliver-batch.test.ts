import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CUSTOMER, setup } from '../../../../emulator/test-helpers.ts';
import { createTestContext } from '../../../../test/support/context.ts';
import type { ClaimedSend } from './claim-batch.ts';
import { deliverBatch, SendWindow } from './deliver-batch.ts';

describe('SendWindow', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts at most `rate` sends in any one second: late sends that arrive together are spread, in order', async () => {
    const window = new SendWindow(() => Date.now());
    const started: { i: number; at: number }[] = [];
    const t0 = Date.now();
    // Twelve sends whose timers all fired at once (a busy event loop), at 5 per second.
    const all = Array.from({ length: 12 }, (_, i) => window.admit(5).then(() => started.push({ i, at: Date.now() - t0 })));
    await vi.advanceTimersByTimeAsync(0);
    expect(started.map((s) => s.i)).toEqual([0, 1, 2, 3, 4]);
    await vi.advanceTimersByTimeAsync(999);
    expect(started).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toHaveLength(10);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(all);
    expect(started.map((s) => s.i)).toEqual([...Array(12).keys()]);
    // No one-second window holds more than five starts.
    for (const s of started) expect(started.filter((o) => o.at >= s.at && o.at < s.at + 1000).length).toBeLessThanOrEqual(5);
  });

  it('lets evenly paced sends through without waiting', async () => {
    const window = new SendWindow(() => Date.now());
    let started = 0;
    for (let i = 0; i < 20; i++) {
      void window.admit(10).then(() => started++);
      await vi.advanceTimersByTimeAsync(100);
      expect(started).toBe(i + 1);
    }
  });
});

describe('deliverBatch', () => {
  it('sends every recipient once: temporary failures are retried in the batch, none is dropped', async () => {
    const ctx = await createTestContext();
    const wa = await setup();
    try {
      // The first 12 requests fail with a 5xx (retried within the batch after a second).
      const injected = await wa.control('POST', '/_emulator/failures', { httpStatus: 503, code: 131000, details: 'try later', times: 12 });
      expect(injected.status).toBe(201);
      const sends: ClaimedSend[] = Array.from({ length: 30 }, (_, i) => ({
        recipientId: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}`,
        messageId: `00000000-0000-7000-9000-${String(i).padStart(12, '0')}`,
        to: `+${CUSTOMER.slice(0, -2)}${String(i).padStart(2, '0')}`,
        message: { type: 'text', body: `Hola ${i}`, payload: {} },
        inDoubt: false,
        messageCreatedAt: new Date(),
      }));
      const outcome = await deliverBatch(sends, {
        client: wa.client,
        rateLimiter: ctx.container.rateLimiter,
        key: 'wa:test-retries',
        ratePerSecond: 50,
        signal: new AbortController().signal,
        stillSending: () => true,
      });
      expect(outcome.refused).toEqual([]);
      expect(outcome.unsent).toEqual([]);
      expect(outcome.unanswered).toEqual([]);
      expect(outcome.accepted.map((a) => a.messageId).sort()).toEqual(sends.map((s) => s.messageId).sort());
      expect(new Set(outcome.accepted.map((a) => a.wamid)).size).toBe(30);
      // The emulator accepted exactly one message per recipient.
      const accepted = wa.emulator.state.outbound.size;
      expect(accepted).toBe(30);
    } finally {
      await wa.close();
      await ctx.close();
    }
  });
});
