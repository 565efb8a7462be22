import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SendWindow } from './deliver-batch.ts';

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
