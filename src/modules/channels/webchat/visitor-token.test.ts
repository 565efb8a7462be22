import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../../shared/secrets.ts';
import { signFileLink, signVisitorToken, verifyFileLink, verifyVisitorToken } from './visitor-token.ts';

describe('web chat visitor tokens', () => {
  const box = new SecretBox('a-master-key-for-tests-0123456789abcdef');
  const channel = '0190a4b2-0000-7000-8000-00000000000a';
  const visitor = '0190a4b2-0000-7000-8000-00000000000b';

  it('round-trips and is bound to the channel and the master key', () => {
    const token = signVisitorToken(box, channel, visitor);
    expect(verifyVisitorToken(box, channel, token)).toBe(visitor);
    expect(verifyVisitorToken(box, '0190a4b2-0000-7000-8000-00000000000c', token)).toBeNull();
    expect(verifyVisitorToken(new SecretBox('another-master-key-0123456789abcdef00'), channel, token)).toBeNull();
  });

  it('rejects tampering and garbage', () => {
    const token = signVisitorToken(box, channel, visitor);
    const other = '0190a4b2-0000-7000-8000-00000000000d';
    for (const bad of [`${other}.${token.split('.')[1]}`, `${token}x`, token.slice(0, -1), 'nope', '', `.${token}`, 'x'.repeat(500)]) {
      expect(verifyVisitorToken(box, channel, bad), bad).toBeNull();
    }
    expect(verifyVisitorToken(box, channel, undefined)).toBeNull();
  });

  it('signs expiring file links', () => {
    const exp = Date.now() + 60_000;
    const sig = signFileLink(box, channel, visitor, exp);
    expect(verifyFileLink(box, channel, visitor, exp, sig)).toBe(true);
    expect(verifyFileLink(box, channel, visitor, exp + 1, sig)).toBe(false);
    expect(verifyFileLink(box, channel, visitor, Date.now() - 1, signFileLink(box, channel, visitor, Date.now() - 1))).toBe(false);
  });
});
