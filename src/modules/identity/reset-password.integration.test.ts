import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf, callFrom, expectProblem, lastMail, login, publicCall, tokenIn } from '../../../test/support/auth.ts';
import { createTestContext, type TestContext } from '../../../test/support/context.ts';
import { call, createOrg, type TestOrg } from '../../../test/support/factories.ts';

let ctx: TestContext;
let org: TestOrg;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

/** A fresh organization whose owner has a known password (each test changes it). */
async function freshOrg() {
  org = await createOrg(ctx);
  return org;
}

async function requestReset(email: string) {
  const res = await publicCall(ctx, 'POST', '/api/v1/auth/password-reset', { email });
  expect(res.statusCode).toBe(202);
  await ctx.runJobs();
  const mail = await lastMail(ctx, email, 'password_reset');
  return mail ? tokenIn(mail.text, 'reset-password') : undefined;
}

const confirm = (token: string, password: string) => publicCall(ctx, 'POST', '/api/v1/auth/password-reset/confirm', { token, password });
const loginStatus = async (email: string, password: string) =>
  (await publicCall(ctx, 'POST', '/api/v1/auth/login', { email, password })).statusCode;

describe('password reset', () => {
  it('e-mails a link whose token sets a new password once; the old password stops working', async () => {
    const o = await freshOrg();
    const token = await requestReset(o.ownerEmail.toUpperCase());
    expect(token).toBeDefined();
    const mail = await lastMail(ctx, o.ownerEmail, 'password_reset');
    expect(mail!.text).toContain('http://charla.test/reset-password/');

    expect((await confirm(token!, 'brand new password')).statusCode).toBe(204);
    expect(await loginStatus(o.ownerEmail, 'brand new password')).toBe(200);
    expect(await loginStatus(o.ownerEmail, o.password)).toBe(401);

    const again = await confirm(token!, 'another new password');
    expectProblem(again, 400, 'invalid_token');
    expect(await loginStatus(o.ownerEmail, 'another new password')).toBe(401);
  });

  it('signs out every session of the user', async () => {
    const o = await freshOrg();
    const other = await login(ctx, o.ownerEmail, o.password);
    expect((await call(ctx, other, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await call(ctx, o.owner, 'GET', '/api/v1/me')).statusCode).toBe(200);
    const token = await requestReset(o.ownerEmail);
    expect((await confirm(token!, 'brand new password')).statusCode).toBe(204);
    expect((await call(ctx, other, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await call(ctx, o.owner, 'GET', '/api/v1/me')).statusCode).toBe(401);
    // API keys belong to the organization, not to the person: they keep working.
    expect((await call(ctx, { apiKey: o.apiKey }, 'GET', '/api/v1/me')).statusCode).toBe(200);
  });

  it('an expired token does not work and changes nothing', async () => {
    const o = await freshOrg();
    const token = await requestReset(o.ownerEmail);
    await ctx.container.database.rows(sql`update password_resets set expires_at = now() - interval '1 second'`);
    expectProblem(await confirm(token!, 'brand new password'), 400, 'invalid_token');
    expect(await loginStatus(o.ownerEmail, o.password)).toBe(200);
  });

  it('an unknown token, or a too-short password, changes nothing', async () => {
    const o = await freshOrg();
    const token = await requestReset(o.ownerEmail);
    expectProblem(await confirm('x'.repeat(43), 'brand new password'), 400, 'invalid_token');
    const short = expectProblem(await confirm(token!, 'short'), 400, 'validation_failed');
    expect(short.errors?.map((e) => e.path)).toContain('body.password');
    // The token survived both failures.
    expect((await confirm(token!, 'brand new password')).statusCode).toBe(204);
  });

  it('answers 202 for unknown e-mails without sending anything, so it reveals no accounts', async () => {
    const res = await publicCall(ctx, 'POST', '/api/v1/auth/password-reset', { email: 'nobody-here@example.test' });
    expect(res.statusCode).toBe(202);
    await ctx.runJobs();
    expect(await lastMail(ctx, 'nobody-here@example.test', 'password_reset')).toBeUndefined();
  });

  it('completing a reset burns the user\'s other outstanding reset links', async () => {
    const o = await freshOrg();
    const first = await requestReset(o.ownerEmail);
    const second = await requestReset(o.ownerEmail);
    expect(first).not.toBe(second);
    expect((await confirm(second!, 'second new password')).statusCode).toBe(204);
    // Completing a reset burns every other outstanding link of that user.
    expectProblem(await confirm(first!, 'first new password'), 400, 'invalid_token');
    expect(await loginStatus(o.ownerEmail, 'second new password')).toBe(200);
  });

  it('is audited with the client IP', async () => {
    const o = await freshOrg();
    const ip = '10.9.8.7';
    const r = await publicCall(ctx, 'POST', '/api/v1/auth/password-reset', { email: o.ownerEmail }, ip);
    expect(r.statusCode).toBe(202);
    await ctx.runJobs();
    const token = tokenIn((await lastMail(ctx, o.ownerEmail, 'password_reset'))!.text, 'reset-password');
    expect((await publicCall(ctx, 'POST', '/api/v1/auth/password-reset/confirm', { token, password: 'brand new password' }, '10.9.8.6')).statusCode).toBe(204);
    const [requested] = await auditOf(ctx, o.organizationId, 'auth.password_reset_requested');
    expect(requested).toMatchObject({ actor_user_id: o.ownerUserId, ip, target_id: o.ownerUserId });
    const [done] = await auditOf(ctx, o.organizationId, 'auth.password_reset');
    expect(done).toMatchObject({ actor_user_id: o.ownerUserId, ip: '10.9.8.6' });
    expect(done!.actor_label).not.toBe('');
  });
});

describe('change password', () => {
  it('needs the current password; signs out other sessions but keeps this one', async () => {
    const o = await freshOrg();
    const other = await login(ctx, o.ownerEmail, o.password);
    const wrong = expectProblem(
      await call(ctx, o.owner, 'POST', '/api/v1/auth/change-password', { currentPassword: 'not it at all', newPassword: 'brand new password' }),
      400,
      'wrong_password',
    );
    expect(wrong.errors).toEqual([{ path: 'currentPassword', message: expect.any(String) }]);
    expect((await call(ctx, other, 'GET', '/api/v1/me')).statusCode).toBe(200);

    const ok = await callFrom(ctx, o.owner, 'POST', '/api/v1/auth/change-password', { currentPassword: o.password, newPassword: 'brand new password' }, '10.1.2.3');
    expect(ok.statusCode).toBe(204);
    expect((await call(ctx, o.owner, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await call(ctx, other, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect(await loginStatus(o.ownerEmail, 'brand new password')).toBe(200);
    expect(await loginStatus(o.ownerEmail, o.password)).toBe(401);
    const [entry] = await auditOf(ctx, o.organizationId, 'auth.password_changed');
    expect(entry).toMatchObject({ actor_user_id: o.ownerUserId, ip: '10.1.2.3' });
  });

  it('burns reset links requested before the change', async () => {
    const o = await freshOrg();
    const token = await requestReset(o.ownerEmail);
    expect((await call(ctx, o.owner, 'POST', '/api/v1/auth/change-password', { currentPassword: o.password, newPassword: 'brand new password' })).statusCode).toBe(204);
    expectProblem(await confirm(token!, 'attacker password'), 400, 'invalid_token');
    expect(await loginStatus(o.ownerEmail, 'brand new password')).toBe(200);
  });

  it('is for signed-in people only, not API keys', async () => {
    const o = await freshOrg();
    expectProblem(
      await call(ctx, { apiKey: o.apiKey }, 'POST', '/api/v1/auth/change-password', { currentPassword: o.password, newPassword: 'brand new password' }),
      403,
      'session_required',
    );
    expectProblem(await call(ctx, null, 'POST', '/api/v1/auth/change-password', { currentPassword: o.password, newPassword: 'brand new password' }), 401);
  });

  it('rejects a weak new password with a field error and keeps the old one', async () => {
    const o = await freshOrg();
    const res = expectProblem(await call(ctx, o.owner, 'POST', '/api/v1/auth/change-password', { currentPassword: o.password, newPassword: '123' }), 400);
    expect(res.errors?.[0]?.path).toBe('body.newPassword');
    expect(await loginStatus(o.ownerEmail, o.password)).toBe(200);
  });
});

describe('logout', () => {
  it('ends the session at once and is audited', async () => {
    const o = await freshOrg();
    const s = await login(ctx, o.ownerEmail, o.password);
    const res = await callFrom(ctx, s, 'POST', '/api/v1/auth/logout', undefined, '10.4.4.4');
    expect(res.statusCode).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/charla_session=;/);
    expect((await call(ctx, s, 'GET', '/api/v1/me')).statusCode).toBe(401);
    const [entry] = await auditOf(ctx, o.organizationId, 'auth.logout');
    expect(entry).toMatchObject({ actor_user_id: o.ownerUserId, ip: '10.4.4.4' });
  });
});
