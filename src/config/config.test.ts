import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

/** The message of the ConfigError that `env` produces (fails the test if it loads). */
function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('loadConfig', () => {
  it('has working defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe('0.0.0.0');
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c.database).toEqual({ kind: 'pglite', dataDir: path.join(path.resolve('./data'), 'pglite') });
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.secureCookies).toBe(false);
    expect(c.logLevel).toBe('info');
    expect(c.secretKey).toBeUndefined();
    expect(c.smtp.url).toBeUndefined();
    expect(c.allowPrivateNetwork).toBe(false);
    expect(c.rateLimits).toEqual({ apiPerMinute: 600, loginPer15Minutes: 10 });
    expect(c.bodyLimitBytes).toBe(2 * 1024 * 1024);
    expect(c.jobConcurrency).toBe(8);
  });

  it('is frozen, nested objects included', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.database)).toBe(true);
    expect(Object.isFrozen(c.rateLimits)).toBe(true);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/charla', DATABASE_POOL_SIZE: '20' });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/charla', poolSize: 20 });
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/charla' }).database.kind).toBe('postgres');
    // Defaults sized for PostgreSQL: 32 jobs at once (round-trip bound), a pool with room for the API too.
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/charla' }).database).toMatchObject({ poolSize: 40 });
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/charla' }).jobConcurrency).toBe(32);
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/charla', CHARLA_JOB_CONCURRENCY: '4' }).jobConcurrency).toBe(4);
  });

  it('derives the public URL from the port, strips trailing slashes, and uses secure cookies over https', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PORT: '8080' }, { port: 9090 }).port).toBe(9090);
    const c = loadConfig({ PUBLIC_URL: 'https://chat.example.com//' });
    expect(c.publicUrl).toBe('https://chat.example.com');
    expect(c.secureCookies).toBe(true);
  });

  it('treats empty variables as unset', () => {
    const c = loadConfig({ PORT: '', DATABASE_URL: '', LOG_LEVEL: '', CHARLA_SECRET_KEY: '' });
    expect(c.port).toBe(3000);
    expect(c.database.kind).toBe('pglite');
  });

  it('reads booleans in their usual spellings', () => {
    for (const v of ['1', 'true', 'TRUE', 'yes', 'on', ' On ']) expect(loadConfig({ CHARLA_ALLOW_PRIVATE_NETWORK: v }).allowPrivateNetwork).toBe(true);
    for (const v of ['0', 'false', 'no', 'off', 'OFF']) expect(loadConfig({ CHARLA_ALLOW_PRIVATE_NETWORK: v }).allowPrivateNetwork).toBe(false);
  });

  it('reads the other settings', () => {
    const c = loadConfig({
      HOST: '127.0.0.1',
      CHARLA_DATA_DIR: '/tmp/charla-x',
      CHARLA_SECRET_KEY: 'a'.repeat(44),
      LOG_LEVEL: 'debug',
      SMTP_URL: 'smtps://user:pass@mail.example.com',
      SMTP_FROM: 'Shop <hi@shop.example>',
      CHARLA_API_RATE_LIMIT: '100',
      CHARLA_LOGIN_RATE_LIMIT: '3',
      CHARLA_BODY_LIMIT_MB: '0.5',
      CHARLA_JOB_CONCURRENCY: '2',
    });
    expect(c.host).toBe('127.0.0.1');
    expect(c.dataDir).toBe('/tmp/charla-x');
    expect(c.database).toEqual({ kind: 'pglite', dataDir: '/tmp/charla-x/pglite' });
    expect(c.secretKey).toBe('a'.repeat(44));
    expect(c.logLevel).toBe('debug');
    expect(c.smtp).toEqual({ url: 'smtps://user:pass@mail.example.com', from: 'Shop <hi@shop.example>' });
    expect(c.rateLimits).toEqual({ apiPerMinute: 100, loginPer15Minutes: 3 });
    expect(c.bodyLimitBytes).toBe(512 * 1024);
    expect(c.jobConcurrency).toBe(2);
  });

  it('trusts X-Forwarded-For from nobody unless told which proxies to trust', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ CHARLA_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ CHARLA_TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
    expect(loadConfig({ CHARLA_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toBe('127.0.0.1,10.0.0.0/8');
  });

  const BAD: [string, string][] = [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '1.5'],
    ['PORT', '0x50'],
    ['PORT', '1e3'],
    ['DATABASE_URL', 'mysql://db/charla'],
    ['DATABASE_URL', 'db.example.com'],
    ['DATABASE_POOL_SIZE', '1'],
    ['DATABASE_POOL_SIZE', 'many'],
    ['CHARLA_SECRET_KEY', 'too-short'],
    ['CHARLA_SECRET_KEY', `${'a'.repeat(40)} spaces`],
    ['PUBLIC_URL', 'chat.example.com'],
    ['PUBLIC_URL', 'ftp://chat.example.com'],
    ['LOG_LEVEL', 'verbose'],
    ['SMTP_URL', 'http://mail.example.com'],
    ['SMTP_FROM', 'x'],
    ['CHARLA_ALLOW_PRIVATE_NETWORK', 'maybe'],
    ['CHARLA_API_RATE_LIMIT', '0'],
    ['CHARLA_API_RATE_LIMIT', 'lots'],
    ['CHARLA_LOGIN_RATE_LIMIT', '-5'],
    ['CHARLA_BODY_LIMIT_MB', '0'],
    ['CHARLA_BODY_LIMIT_MB', 'big'],
    ['CHARLA_BODY_LIMIT_MB', '5000'],
    ['CHARLA_JOB_CONCURRENCY', '0'],
    ['CHARLA_JOB_CONCURRENCY', '1000'],
    ['CHARLA_TRUST_PROXY', 'my proxy'],
    ['CHARLA_TRUST_PROXY', '10.0.0.1;rm -rf'],
  ];

  it.each(BAD)('rejects %s=%s with a message naming the variable', (name, value) => {
    const message = errorOf({ [name]: value });
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toContain(`  ${name}: `);
    // The message says what is expected, in words rather than a type dump.
    expect(message).not.toMatch(/NaN|received|expected (number|string|int)/);
  });

  it('lists every bad variable at once', () => {
    const message = errorOf({ PORT: 'abc', LOG_LEVEL: 'loud', CHARLA_JOB_CONCURRENCY: '0' });
    expect(message).toContain('PORT:');
    expect(message).toContain('LOG_LEVEL:');
    expect(message).toContain('CHARLA_JOB_CONCURRENCY:');
  });

  it('shows the bad value of ordinary variables but never of ones that may hold credentials', () => {
    expect(errorOf({ PORT: 'abc' })).toContain('"abc"');
    expect(errorOf({ DATABASE_URL: 'mysql://root:hunter2@db/x' })).not.toContain('hunter2');
    expect(errorOf({ SMTP_URL: 'http://u:hunter2@mail' })).not.toContain('hunter2');
    expect(errorOf({ CHARLA_SECRET_KEY: 'hunter2' })).not.toContain('hunter2');
  });
});
