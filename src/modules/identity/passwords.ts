import { z } from 'zod';

/** Password rules: long enough to matter, short enough not to be a denial-of-service vector for argon2. */
export const passwordSchema = z
  .string()
  .min(8, 'Use at least 8 characters')
  .max(200, 'Use at most 200 characters')
  .describe('At least 8 characters.');

// argon2id with OWASP's second recommended profile (19 MiB, 2 passes).
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// The native argon2 binding is loaded on first use: API-key and session requests never need it.
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;
const loadArgon2 = () => (argon2 ??= import('@node-rs/argon2'));

/** Hashes a password with argon2id. */
export const hashPassword = async (password: string): Promise<string> => (await loadArgon2()).hash(password, OPTIONS);

/** A hash of a random password, verified against when the user does not exist, so timing does not reveal accounts. */
let dummyHash: Promise<string> | undefined;

/** Verifies a password; with `null` (unknown user) it still spends the same time and returns false. */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hashPassword('charla-dummy-password');
    await (await loadArgon2()).verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await (await loadArgon2()).verify(passwordHash, password);
  } catch {
    return false;
  }
}
