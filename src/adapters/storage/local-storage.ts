import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Keys are relative paths of safe segments: letters, digits, `.`, `_`, `-`; no empty, `.` or `..` segment. */
const SEGMENT_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** The file-storage port: bytes by key. Modules never see paths, only keys. */
export interface FileStorage {
  /** Writes (or replaces) the object at `key`; returns its size in bytes. */
  put(key: string, data: Buffer | Readable): Promise<number>;
  /** Opens the object for reading; throws `FileNotFoundError` when it does not exist. */
  get(key: string): Promise<{ stream: Readable; size: number }>;
  /** Reads the whole object into memory (for small files). */
  read(key: string): Promise<Buffer>;
  /** Removes the object; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Whether the object exists. */
  exists(key: string): Promise<boolean>;
}

/** Raised by `get`/`read` for a key that holds nothing. */
export class FileNotFoundError extends Error {
  override name = 'FileNotFoundError';
}

/** Raised for a key that could escape the storage root or is otherwise malformed. */
export class InvalidStorageKeyError extends Error {
  override name = 'InvalidStorageKeyError';
}

/**
 * Files on the local disk under one root (`<CHARLA_DATA_DIR>/files`). Writes go to a temporary file in
 * the same directory and are renamed into place, so a reader never sees half a file and a crash leaves
 * no partial object under the final key. Keys are validated segment by segment and the resolved path
 * is checked to stay under the root, so no key can reach outside it.
 */
export class LocalStorage implements FileStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The absolute path of a key, after validating it. */
  pathOf(key: string): string {
    const segments = key.split('/');
    if (key.length > 512 || segments.length > 12 || !segments.every((s) => SEGMENT_RE.test(s) && s !== '.' && s !== '..')) {
      throw new InvalidStorageKeyError(`Invalid storage key: ${JSON.stringify(key.slice(0, 80))}`);
    }
    const full = path.resolve(this.root, ...segments);
    if (!full.startsWith(this.root + path.sep)) throw new InvalidStorageKeyError('Storage key escapes the storage root');
    return full;
  }

  async put(key: string, data: Buffer | Readable): Promise<number> {
    const target = this.pathOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      if (Buffer.isBuffer(data)) {
        await fs.writeFile(tmp, data, { mode: 0o600 });
      } else {
        await pipeline(data, createWriteStream(tmp, { mode: 0o600 }));
      }
      await fs.rename(tmp, target);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    return (await fs.stat(target)).size;
  }

  async get(key: string): Promise<{ stream: Readable; size: number }> {
    const target = this.pathOf(key);
    let size: number;
    try {
      const stat = await fs.stat(target);
      if (!stat.isFile()) throw new FileNotFoundError(key);
      size = stat.size;
    } catch (err) {
      if (err instanceof FileNotFoundError || (err as NodeJS.ErrnoException).code === 'ENOENT') throw new FileNotFoundError(key);
      throw err;
    }
    return { stream: createReadStream(target), size };
  }

  async read(key: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new FileNotFoundError(key);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await fs.stat(this.pathOf(key))).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}
