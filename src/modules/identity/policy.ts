import { forbidden } from '../../shared/errors.ts';

export const ROLES = ['owner', 'manager', 'agent'] as const;
export type MemberRole = (typeof ROLES)[number];

/**
 * Who is making a request, once authenticated: a member of an organization (through the dashboard
 * session) or the organization itself (through an API key, which acts with owner rights except on
 * API keys themselves, so a leaked key cannot mint new ones).
 */
export type Principal =
  | { kind: 'user'; organizationId: string; userId: string; role: MemberRole; membershipId: string; label: string }
  | { kind: 'apiKey'; organizationId: string; apiKeyId: string; role: 'owner'; label: string };

/** Every permission a route or service may check. Later modules add theirs here. */
export const PERMISSIONS = [
  'organization.read',
  'organization.update',
  'team.read',
  'team.invite',
  'team.manage',
  'team.roles',
  'apiKeys.manage',
  'audit.read',
  'mail.read',
  'conversations.readAll',
  'conversations.assign',
  'contacts.read',
  'contacts.write',
  'contacts.erase',
  'contacts.fields',
  'contacts.import',
  'contacts.export',
  'channels.manage',
  'templates.read',
  'templates.manage',
  'campaigns.manage',
  'assistant.manage',
  'knowledge.manage',
  'reports.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const OWNER_ONLY: ReadonlySet<Permission> = new Set(['organization.update', 'team.roles', 'apiKeys.manage', 'audit.read', 'mail.read']);
const AGENT: ReadonlySet<Permission> = new Set(['organization.read', 'team.read', 'contacts.read', 'contacts.write', 'templates.read']);

/**
 * The permission matrix: owners may do everything; managers everything except organization settings,
 * team roles, API keys and the audit log; agents work their own conversations (and unassigned ones when
 * the organization allows it — checked by the inbox's conversation policy) and contacts.
 */
export function roleCan(role: MemberRole, permission: Permission): boolean {
  if (role === 'owner') return true;
  if (role === 'manager') return !OWNER_ONLY.has(permission);
  return AGENT.has(permission);
}

/** Whether a principal holds a permission. */
export function can(principal: Principal, permission: Permission): boolean {
  if (principal.kind === 'apiKey' && permission === 'apiKeys.manage') return false;
  return roleCan(principal.role, permission);
}

/** Throws 403 unless the principal holds the permission. */
export function assertCan(principal: Principal, permission: Permission): void {
  if (!can(principal, permission)) throw forbidden();
}

/** The permissions of a principal, for the dashboard to hide what it cannot do. */
export function permissionsOf(principal: Principal): Permission[] {
  return PERMISSIONS.filter((p) => can(principal, p));
}

/** Roles a principal may grant: owners any role, managers only agents. */
export function grantableRoles(principal: Principal): MemberRole[] {
  if (can(principal, 'team.roles')) return [...ROLES];
  if (can(principal, 'team.invite')) return ['agent'];
  return [];
}
