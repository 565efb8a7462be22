import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveMasterKey, SecretBox, secretHint } from './secrets.ts';

const MASTER = 'test-master-key-0123456789abcdef0123456789';
const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-secrets-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Flips one character of a base64url segment of the ciphertext. */
function tamper(ciphertext: string, part: 1 | 2 | 3): string {
  const parts = ciphertext.split('.');
  const s = parts[part]!;
  const i = Math.floor(s.length / 2);
  parts[part] = s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  return parts.join('.');
}

describe('SecretBox', () => {
  const box = new SecretBox(MASTER);

  it('round-trips text, unicode and empty strings', () => {
    for (const plain of ['EAAG-token-123', 'contraseña ñandú 🔑', '', 'x'.repeat(10_000)]) {
      expect(box.decrypt(box.encrypt(plain))).toBe(plain);
    }
  });

  it('never stores the plaintext, and encrypts the same value differently each time', () => {
    const a = box.encrypt('EAAG-token-123');
    const b = box.encrypt('EAAG-token-123');
    expect(a).not.toBe(b);
    expect(a).not.toContain('EAAG');
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]*$/);
  });

  it('detects tampering with the iv, the tag or the data', () => {
    const c = box.encrypt('secret value');
    for (const part of [1, 2, 3] as const) expect(() => box.decrypt(tamper(c, part))).toThrow();
    expect(() => box.decrypt('v2.a.b.c')).toThrow(/format/);
    expect(() => box.decrypt('garbage')).toThrow();
  });

  it('binds the context: a secret copied to another organization does not decrypt', () => {
    const c = box.encrypt('token', 'org-a');
    expect(box.decrypt(c, 'org-a')).toBe('token');
    expect(() => box.decrypt(c, 'org-b')).toThrow();
    expect(() => box.decrypt(c)).toThrow();
  });

  it('does not decrypt under another master key', () => {
    const c = box.encrypt('token');
    expect(() => new SecretBox(`${MASTER}-other`).decrypt(c)).toThrow();
    expect(new SecretBox(MASTER).decrypt(c)).toBe('token');
  });
});

describe('secretHint', () => {
  it('shows only whether it is set and, for long secrets, the last four characters', () => {
    expect(secretHint(null)).toEqual({ isSet: false, last4: null });
    expect(secretHint('')).toEqual({ isSet: false, last4: null });
    expect(secretHint('short')).toEqual({ isSet: true, last4: null });
    expect(secretHint('EAAG1234567890abcd')).toEqual({ isSet: true, last4: 'abcd' });
  });
});

describe('resolveMasterKey', () => {
  it('uses CHARLA_SECRET_KEY when configured and writes nothing', () => {
    const dir = tempDir();
    expect(resolveMasterKey(MASTER, dir)).toBe(MASTER);
    expect(fs.existsSync(path.join(dir, 'master.key'))).toBe(false);
  });

  it('generates a key once into the data dir with mode 0600, and reuses it', () => {
    const dir = path.join(tempDir(), 'nested', 'data');
    const first = resolveMasterKey(undefined, dir);
    const file = path.join(dir, 'master.key');
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveMasterKey(undefined, dir)).toBe(first);
    // A secret encrypted before a restart still decrypts after it.
    const c = new SecretBox(first).encrypt('kept');
    expect(new SecretBox(resolveMasterKey(undefined, dir)).decrypt(c)).toBe('kept');
  });

  it('generates different keys for different installations', () => {
    expect(resolveMasterKey(undefined, tempDir())).not.toBe(resolveMasterKey(undefined, tempDir()));
  });

  it('refuses an empty key file instead of encrypting with an empty key', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'master.key'), '\n', { mode: 0o600 });
    expect(() => resolveMasterKey(undefined, dir)).toThrow(/master\.key/);
  });
});
