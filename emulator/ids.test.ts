import { describe, expect, it } from 'vitest';
import { newNumericId, newWamid } from './ids.ts';

describe('emulator ids', () => {
  it('numeric ids are 15 digits and survive a round trip through a JSON number', () => {
    for (let i = 0; i < 2000; i++) {
      const id = newNumericId();
      expect(id).toMatch(/^[1-9]\d{14}$/);
      expect(String(JSON.parse(JSON.stringify(Number(id))))).toBe(id);
    }
  });

  it('wamids look like Meta’s and are unique', () => {
    const ids = new Set(Array.from({ length: 500 }, () => newWamid('5511987654321', 'out')));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(/^wamid\.[A-Za-z0-9+/=]+$/);
  });
});
