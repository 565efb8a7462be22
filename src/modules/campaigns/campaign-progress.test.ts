import { describe, expect, it } from 'vitest';
import { progressIntervalMs } from './campaign-progress.ts';

describe('campaign progress cadence', () => {
  it('publishes every second for ordinary campaigns and spaces out the counting of big ones, up to 5 s', () => {
    expect(progressIntervalMs(0)).toBe(1000);
    expect(progressIntervalMs(3)).toBe(1000);
    expect(progressIntervalMs(20_000)).toBe(1000);
    expect(progressIntervalMs(50_000)).toBe(2500);
    expect(progressIntervalMs(100_000)).toBe(5000);
    expect(progressIntervalMs(1_000_000)).toBe(5000);
  });
});
