import { describe, expect, it } from 'vitest';
import { Fifo, SlidingWindow } from './fifo.ts';

describe('Fifo', () => {
  it('returns items in order, across the compaction of its consumed front', () => {
    const q = new Fifo<number>();
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) {
      q.push(i);
      if (i % 3 === 0) out.push(q.shift()!);
    }
    expect(q.peek()).toBe(out.length);
    while (q.size) out.push(q.shift()!);
    expect(out).toEqual([...Array(5000).keys()]);
    expect(q.shift()).toBeUndefined();
  });
});

describe('SlidingWindow', () => {
  it('allows `limit` events in any window, and frees a place when the oldest leaves it', () => {
    const w = new SlidingWindow(1000);
    expect([0, 100, 200].map((t) => w.take(t, 3))).toEqual([true, true, true]);
    expect(w.take(999, 3)).toBe(false);
    expect(w.nextFreeAt()).toBe(1000);
    expect(w.take(1000, 3)).toBe(true);
    expect(w.take(1050, 3)).toBe(false);
    expect(w.take(1100, 3)).toBe(true);
  });
});
