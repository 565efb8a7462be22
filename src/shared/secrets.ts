import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';

/**
 * Encrypts stored credentials (channel tokens, integration secrets, SMTP passwords...) with AES-256-GCM
 * under a key derived from the master key. The ciphertext format is `v1.<iv>.<tag>.<data>` (base64url),
 * and the organization id is bound as additional authenticated data when given, so a secret copied to
 * another tenant's row does not decrypt.
 */
export class SecretBox {
  readonly #key: Buffer;
  readonly #master: string;

  constructor(masterKey: string) {
    this.#master = masterKey;
    this.#key = Buffer.from(hkdfSync('sha256', masterKey, 'charla', 'secret-box/v1', 32));
  }

  /** A 32-byte key for another purpose (e.g. signing web chat visitor tokens), derived from the master key with HKDF. */
  deriveKey(purpose: string): Buffer {
    if (purpose === 'secret-box/v1') throw new Error('That purpose is reserved for encryption');
    return Buffer.from(hkdfSync('sha256', this.#master, 'charla', purpose, 32));
  }

  /** Encrypts a UTF-8 string. */
  encrypt(plaintext: string, context = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  /** Decrypts what `encrypt` produced with the same context; throws on tampering or a wrong key. */
  decrypt(ciphertext: string, context = ''): string {
    const [version, iv, tag, data] = ciphertext.split('.');
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('Unrecognized secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** What the API shows of a stored secret: whether it is set and its last four characters. */
export interface SecretHint {
  isSet: boolean;
  last4: string | null;
}

/** Builds the public hint of a plaintext secret (never more than 4 characters, never for short secrets). */
export function secretHint(plaintext: string | null | undefined): SecretHint {
  if (!plaintext) return { isSet: false, last4: null };
  return { isSet: true, last4: plaintext.length >= 12 ? plaintext.slice(-4) : null };
}

/**
 * Returns the master key: `CHARLA_SECRET_KEY` when configured, otherwise a key generated once into
 * `<dataDir>/master.key` with 0600 permissions. Losing that file makes stored secrets unreadable,
 * which is why the README tells server operators to set `CHARLA_SECRET_KEY` explicitly.
 */
export function resolveMasterKey(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'master.key');
  try {
    return readKeyFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  // Written whole to a temporary file and then linked into place, so a concurrent reader never sees
  // a half-written (empty) key file and two processes starting at once agree on one key.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${key}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
    return key;
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(file);
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Reads the generated key file, refusing one that is empty or truncated (stored secrets would be lost). */
function readKeyFile(file: string): string {
  const key = fs.readFileSync(file, 'utf8').trim();
  if (key.length < 32) {
    throw new Error(`${file} does not hold a valid master key; restore it from a backup or set CHARLA_SECRET_KEY`);
  }
  return key;
}
