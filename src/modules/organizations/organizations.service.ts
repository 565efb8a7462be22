import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { forgetCached, invalidateCached, notifiedCache } from '../../db/notified-cache.ts';
import { organizations } from '../../db/schema/index.ts';
import { notFound, validationError } from '../../shared/errors.ts';
import { recordAudit, type AuditActor } from '../audit/audit.service.ts';
import { type Language, normalizeSettings, orgSettingsSchema, type OrgSettings } from './settings.ts';

/** An organization with its settings filled with defaults. */
export interface OrganizationView {
  id: string;
  name: string;
  timezone: string;
  locale: Language;
  country: string | null;
  address: { street?: string | null; city?: string | null; state?: string | null; postalCode?: string | null; country?: string | null };
  settings: OrgSettings;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Cache namespace of organizations (read on most requests; see src/db/notified-cache.ts). Every write to
 * the `organizations` table must call `organizationChanged` in its transaction and `organizationSaved` after it.
 */
const CACHE = 'organization';

/** Loads an organization (404 when missing). The result is shared with other requests: never mutate it. */
export async function getOrganization(db: Db, organizationId: string): Promise<OrganizationView> {
  const cache = notifiedCache<OrganizationView>(db, CACHE);
  const view = cache ? await cache.get(organizationId, () => loadOrganization(db, organizationId)) : await loadOrganization(db, organizationId);
  if (!view) throw notFound('Organization');
  return view;
}

/**
 * The organization when this process's cache holds it (no database round trip, no promise), else
 * undefined: then call `getOrganization`. The same shared, frozen view.
 */
export function peekOrganization(db: Db, organizationId: string): OrganizationView | undefined {
  return notifiedCache<OrganizationView>(db, CACHE)?.peek(organizationId);
}

async function loadOrganization(db: Db, organizationId: string): Promise<OrganizationView | undefined> {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, organizationId));
  return row && deepFreeze({ ...row, locale: row.locale as Language, settings: normalizeSettings(row.settings) });
}

/** Inside a transaction that writes an organization row: drops it from every process's cache at commit. */
export function organizationChanged(db: Db, tx: Db, organizationId: string): Promise<void> {
  return invalidateCached(db, tx, CACHE, organizationId);
}

/** After that transaction committed: drops it here once more (a read may have raced the commit). */
export function organizationSaved(db: Db, organizationId: string): void {
  forgetCached(db, CACHE, organizationId);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A partial update of the organization; settings sections are merged, not replaced. */
export interface OrganizationPatch {
  name?: string;
  timezone?: string;
  locale?: Language;
  country?: string | null;
  address?: OrganizationView['address'];
  settings?: { [K in keyof OrgSettings]?: Partial<OrgSettings[K]> };
}

/** Applies a patch and audits which fields changed (values of settings included; there are no secrets here). */
export async function updateOrganization(db: Db, organizationId: string, patch: OrganizationPatch, actor: AuditActor) {
  const result = await db.transaction(async (tx) => {
    const [row] = await tx.select().from(organizations).where(eq(organizations.id, organizationId)).for('update');
    if (!row) throw notFound('Organization');
    const current = normalizeSettings(row.settings);
    let merged = current;
    if (patch.settings) {
      const parsed = orgSettingsSchema.safeParse({
        notifications: { ...current.notifications, ...patch.settings.notifications },
        campaigns: { ...current.campaigns, ...patch.settings.campaigns },
        tickets: { ...current.tickets, ...patch.settings.tickets },
        contacts: { ...current.contacts, ...patch.settings.contacts },
      });
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ path: ['settings', ...i.path].join('.'), message: i.message }));
        throw validationError('The settings are not valid', issues);
      }
      merged = parsed.data;
    }
    const next = {
      name: patch.name ?? row.name,
      timezone: patch.timezone ?? row.timezone,
      locale: patch.locale ?? row.locale,
      country: patch.country === undefined ? row.country : patch.country,
      address: patch.address === undefined ? row.address : { ...row.address, ...patch.address },
      settings: merged,
      updatedAt: new Date(),
    };
    const [updated] = await tx.update(organizations).set(next).where(eq(organizations.id, organizationId)).returning();
    await organizationChanged(db, tx, organizationId);
    const changed = Object.keys(patch).filter((k) => patch[k as keyof OrganizationPatch] !== undefined);
    await recordAudit(tx, {
      organizationId,
      actor,
      action: 'organization.settings_updated',
      targetType: 'organization',
      targetId: organizationId,
      data: { changed, ...(patch.settings ? { settings: patch.settings } : {}) },
    });
    return { ...updated!, locale: updated!.locale as Language, settings: normalizeSettings(updated!.settings) };
  });
  organizationSaved(db, organizationId);
  return result;
}
