import { describe, expect, it } from 'vitest';
import { type DeliveryStatus, nextStatus } from './apply-status.ts';

describe('nextStatus (monotonic delivery states)', () => {
  const apply = (start: Parameters<typeof nextStatus>[0], reports: DeliveryStatus[]) => reports.reduce(nextStatus, start);

  it('moves forward and ignores duplicates and late arrivals', () => {
    expect(apply('queued', ['sent', 'delivered', 'read'])).toBe('read');
    expect(apply('queued', ['read', 'delivered', 'sent', 'sent'])).toBe('read');
    expect(apply('queued', ['delivered', 'delivered'])).toBe('delivered');
    expect(apply('queued', ['read', 'played', 'read'])).toBe('played');
  });

  it('fails only what was not delivered, and lets a later delivery win over a failure', () => {
    expect(apply('queued', ['failed'])).toBe('failed');
    expect(apply('sent', ['failed'])).toBe('failed');
    expect(apply('delivered', ['failed'])).toBe('delivered');
    expect(apply('queued', ['failed', 'delivered'])).toBe('delivered');
    expect(apply('queued', ['sent', 'failed', 'sent'])).toBe('sent');
  });

  it('never changes inbound messages', () => {
    expect(apply('received', ['read', 'failed'])).toBe('received');
  });

  it('reaches the same state whatever order the reports arrive in', () => {
    const all: DeliveryStatus[] = ['sent', 'delivered', 'read'];
    const orders = [all, [...all].reverse(), ['delivered', 'sent', 'read'], ['read', 'sent', 'delivered']] as DeliveryStatus[][];
    for (const order of orders) expect(apply('queued', order)).toBe('read');
  });
});
