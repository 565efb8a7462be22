import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf, callerFrom, callFrom, expectProblem, lastMail, login, publicCall, tokenIn } from '../../../test/support/auth.ts';
import { createTestContext, json, type TestContext } from '../../../test/support/context.ts';
import { addMember, call, createOrg, type TestOrg } from '../../../test/support/factories.ts';
import { newId } from '../../shared/ids.ts';

let ctx: TestContext;
let org: TestOrg;

beforeAll(async () => {
  ctx = await createTestContext();
  org = await createOrg(ctx, { name: 'Casa Azul' });
});
afterAll(() => ctx?.close());

const uniqueEmail = (tag: string) => `${tag}-${newId().slice(-10)}@example.test`;

/** Invites through the API and returns the invitation and the token from the e-mail. */
async function inviteVia(caller: TestOrg['owner'], email: string, role = 'agent') {
  const res = await call(ctx, caller, 'POST', '/api/v1/invitations', { email, role });
  expect(res.statusCode, res.body).toBe(201);
  await ctx.runJobs();
  const mail = await lastMail(ctx, email, 'invitation');
  return { invitation: json<{ id: string; status: string; role: string }>(res), token: tokenIn(mail!.text, 'invite') };
}

const accept = (body: Record<string, unknown>) => publicCall(ctx, 'POST', '/api/v1/invitations/accept', body);
const lookup = (token: string) => publicCall(ctx, 'GET', `/api/v1/invitations/lookup?token=${encodeURIComponent(token)}`);
const members = async () => json<{ items: { id: string; email: string; status: string; role: string; userId: string }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/members?limit=200')).items;

describe('invitations', () => {
  it('a new person looks the invitation up, accepts it with name and password, and is signed in with the invited role', async () => {
    const email = uniqueEmail('new');
    const { invitation, token } = await inviteVia(org.owner, email, 'manager');
    expect(invitation).toMatchObject({ status: 'pending', role: 'manager' });
    const info = json(await lookup(token));
    expect(info).toMatchObject({ email, role: 'manager', organizationName: 'Casa Azul', needsPassword: true });

    const res = await accept({ token, name: 'Nueva Persona', password: 'a good password' });
    expect(res.statusCode, res.body).toBe(200);
    const me = json<{ role: string; user: { name: string } }>(await call(ctx, callerFrom(res), 'GET', '/api/v1/me'));
    expect(me).toMatchObject({ role: 'manager', user: { name: 'Nueva Persona' } });
    expect((await members()).find((m) => m.email === email)).toMatchObject({ status: 'active', role: 'manager' });
    await login(ctx, email, 'a good password');
  });

  it('works once: a used link is refused and changes nothing', async () => {
    const email = uniqueEmail('once');
    const { token } = await inviteVia(org.owner, email);
    expect((await accept({ token, name: 'Once', password: 'a good password' })).statusCode).toBe(200);
    expectProblem(await accept({ token, name: 'Attacker', password: 'attacker password' }), 404, 'invitation_invalid');
    expectProblem(await lookup(token), 404, 'invitation_invalid');
    await login(ctx, email, 'a good password');
  });

  it('an expired link is refused, shows as expired, and can be resent', async () => {
    const email = uniqueEmail('expired');
    const { invitation, token } = await inviteVia(org.owner, email);
    await ctx.container.database.rows(sql`update invitations set expires_at = now() - interval '1 second' where id = ${invitation.id}`);
    expectProblem(await accept({ token, name: 'Late', password: 'a good password' }), 404, 'invitation_invalid');
    expectProblem(await lookup(token), 404, 'invitation_invalid');
    const list = json<{ items: { id: string; status: string }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/invitations'));
    expect(list.items.find((i) => i.id === invitation.id)?.status).toBe('expired');
    const resent = await call(ctx, org.owner, 'POST', `/api/v1/invitations/${invitation.id}/resend`);
    expect(resent.statusCode).toBe(201);
    await ctx.runJobs();
    const fresh = tokenIn((await lastMail(ctx, email, 'invitation'))!.text, 'invite');
    expect((await accept({ token: fresh, name: 'Late', password: 'a good password' })).statusCode).toBe(200);
  });

  it('a revoked invitation no longer works and the invited person is not a member', async () => {
    const email = uniqueEmail('revoked');
    const { invitation, token } = await inviteVia(org.owner, email);
    const res = await call(ctx, org.owner, 'DELETE', `/api/v1/invitations/${invitation.id}`);
    expect(res.statusCode).toBe(200);
    expect(json(res).status).toBe('revoked');
    expectProblem(await accept({ token, name: 'Revoked', password: 'a good password' }), 404, 'invitation_invalid');
    expect((await members()).some((m) => m.email === email)).toBe(false);
    const listed = json<{ items: { id: string; status: string }[] }>(await call(ctx, org.owner, 'GET', '/api/v1/invitations?limit=200'));
    expect(listed.items.find((i) => i.id === invitation.id)?.status).toBe('revoked');
    const [entry] = await auditOf(ctx, org.organizationId, 'invitation.revoked');
    expect(entry).toMatchObject({ target_id: invitation.id, actor_user_id: org.ownerUserId });
  });

  it('resending issues a fresh link and revokes the old one', async () => {
    const email = uniqueEmail('resend');
    const { invitation, token: oldToken } = await inviteVia(org.owner, email);
    const res = await call(ctx, org.owner, 'POST', `/api/v1/invitations/${invitation.id}/resend`);
    expect(res.statusCode).toBe(201);
    await ctx.runJobs();
    const newToken = tokenIn((await lastMail(ctx, email, 'invitation'))!.text, 'invite');
    expect(newToken).not.toBe(oldToken);
    expectProblem(await accept({ token: oldToken, name: 'Old', password: 'a good password' }), 404, 'invitation_invalid');
    expect((await accept({ token: newToken, name: 'New', password: 'a good password' })).statusCode).toBe(200);
    // Only one membership came out of it.
    expect((await members()).filter((m) => m.email === email)).toHaveLength(1);
  });

  it('inviting the same e-mail again also replaces the link', async () => {
    const email = uniqueEmail('twice');
    const { token: first } = await inviteVia(org.owner, email);
    const { token: second } = await inviteVia(org.owner, email.toUpperCase());
    expectProblem(await accept({ token: first, name: 'A', password: 'a good password' }), 404, 'invitation_invalid');
    expect((await accept({ token: second, name: 'B', password: 'a good password' })).statusCode).toBe(200);
  });

  it('someone who already has an account must confirm with that account\'s password', async () => {
    const other = await createOrg(ctx, { name: 'Other Org' });
    const { token } = await inviteVia(org.owner, other.ownerEmail);
    expect(json(await lookup(token))).toMatchObject({ needsPassword: false });
    expectProblem(await accept({ token, password: 'not their password' }), 401, 'invalid_credentials');
    // The failed attempt did not use up the invitation or change the account.
    await login(ctx, other.ownerEmail, other.password);
    const ok = await accept({ token, password: other.password });
    expect(ok.statusCode, ok.body).toBe(200);
    const session = json<{ organizations: { id: string }[]; activeOrganizationId: string }>(ok);
    expect(session.activeOrganizationId).toBe(org.organizationId);
    expect(session.organizations.map((o) => o.id).sort()).toEqual([org.organizationId, other.organizationId].sort());
    await login(ctx, other.ownerEmail, other.password);
  });

  it('a new person must give a name', async () => {
    const email = uniqueEmail('noname');
    const { token } = await inviteVia(org.owner, email);
    const res = expectProblem(await accept({ token, password: 'a good password' }), 400);
    expect(res.errors?.map((e) => e.path)).toContain('name');
    expect((await accept({ token, name: 'Named', password: 'a good password' })).statusCode).toBe(200);
  });

  it('inviting someone who is already a member is a conflict', async () => {
    const member = await addMember(ctx, org, 'agent');
    expectProblem(await call(ctx, org.owner, 'POST', '/api/v1/invitations', { email: member.email, role: 'agent' }), 409, 'already_member');
    expectProblem(await call(ctx, org.owner, 'POST', '/api/v1/invitations', { email: org.ownerEmail, role: 'agent' }), 409, 'already_member');
  });

  it('managers may invite agents only; agents may not invite', async () => {
    const manager = await addMember(ctx, org, 'manager');
    const agent = await addMember(ctx, org, 'agent');
    expect((await call(ctx, manager.caller, 'POST', '/api/v1/invitations', { email: uniqueEmail('by-manager'), role: 'agent' })).statusCode).toBe(201);
    expectProblem(await call(ctx, manager.caller, 'POST', '/api/v1/invitations', { email: uniqueEmail('x'), role: 'manager' }), 403, 'role_not_grantable');
    expectProblem(await call(ctx, manager.caller, 'POST', '/api/v1/invitations', { email: uniqueEmail('x'), role: 'owner' }), 403, 'role_not_grantable');
    expectProblem(await call(ctx, agent.caller, 'POST', '/api/v1/invitations', { email: uniqueEmail('x'), role: 'agent' }), 403);
  });

  it('invitations, resends and acceptances are audited with actor and IP', async () => {
    const email = uniqueEmail('audited');
    const res = await callFrom(ctx, org.owner, 'POST', '/api/v1/invitations', { email, role: 'agent' }, '10.7.7.1');
    const invitation = json<{ id: string }>(res);
    await callFrom(ctx, org.owner, 'POST', `/api/v1/invitations/${invitation.id}/resend`, undefined, '10.7.7.2');
    await ctx.runJobs();
    const token = tokenIn((await lastMail(ctx, email, 'invitation'))!.text, 'invite');
    const accepted = await publicCall(ctx, 'POST', '/api/v1/invitations/accept', { token, name: 'Audit Me', password: 'a good password' }, '10.7.7.3');
    const userId = json<{ user: { id: string } }>(accepted).user.id;
    expect((await auditOf(ctx, org.organizationId, 'invitation.created')).find((e) => e.data.email === email)).toMatchObject({
      actor_user_id: org.ownerUserId,
      ip: '10.7.7.1',
    });
    expect((await auditOf(ctx, org.organizationId, 'invitation.resent')).find((e) => e.data.email === email)).toMatchObject({ ip: '10.7.7.2' });
    expect((await auditOf(ctx, org.organizationId, 'invitation.accepted')).find((e) => e.data.email === email)).toMatchObject({
      actor_user_id: userId,
      ip: '10.7.7.3',
    });
  });

  it('an invited (not yet accepted) person cannot sign in to the organization', async () => {
    const email = uniqueEmail('pending');
    await inviteVia(org.owner, email);
    const res = await publicCall(ctx, 'POST', '/api/v1/auth/login', { email, password: 'anything at all' });
    expectProblem(res, 401, 'invalid_credentials');
  });

  it('revoking or resending an accepted invitation is a conflict', async () => {
    const email = uniqueEmail('accepted');
    const { invitation, token } = await inviteVia(org.owner, email);
    await accept({ token, name: 'Accepted', password: 'a good password' });
    expectProblem(await call(ctx, org.owner, 'DELETE', `/api/v1/invitations/${invitation.id}`), 409, 'invitation_accepted');
    expectProblem(await call(ctx, org.owner, 'POST', `/api/v1/invitations/${invitation.id}/resend`), 409, 'invitation_accepted');
    // And the membership survived the attempt.
    expect((await members()).find((m) => m.email === email)?.status).toBe('active');
  });
});
