import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { FileNotFoundError, InvalidStorageKeyError, LocalStorage } from './local-storage.ts';

describe('LocalStorage', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-storage-'));
  const storage = new LocalStorage(path.join(root, 'files'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('puts, reads, streams and deletes by key', async () => {
    expect(await storage.put('org/2026/11/a', Buffer.from('hola'))).toBe(4);
    expect((await storage.read('org/2026/11/a')).toString()).toBe('hola');
    expect(await storage.put('org/2026/11/b', Readable.from([Buffer.from('ab'), Buffer.from('cd')]))).toBe(4);
    const { stream, size } = await storage.get('org/2026/11/b');
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('abcd');
    expect(size).toBe(4);
    await storage.delete('org/2026/11/a');
    await storage.delete('org/2026/11/a');
    expect(await storage.exists('org/2026/11/a')).toBe(false);
    await expect(storage.read('org/2026/11/a')).rejects.toBeInstanceOf(FileNotFoundError);
    // No temporary files are left behind.
    expect(fs.readdirSync(path.join(root, 'files/org/2026/11'))).toEqual(['b']);
  });

  it('refuses keys that could leave the root', async () => {
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a//b', '.hidden', 'a/./b', 'a\\..\\b', '', 'a/b\u0000c', '..']) {
      expect(() => storage.pathOf(key), key).toThrow(InvalidStorageKeyError);
    }
    await expect(storage.put('../escape', Buffer.from('x'))).rejects.toBeInstanceOf(InvalidStorageKeyError);
    expect(fs.existsSync(path.join(root, 'escape'))).toBe(false);
  });
});
