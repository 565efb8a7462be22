import { eq } from 'drizzle-orm';
import { memberships, organizations, users } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import type { DemoSeeder } from '../demo/demo.service.ts';
import { organizationChanged, organizationSaved } from '../organizations/organizations.service.ts';
import type { Language } from '../organizations/settings.ts';
import { findUserByEmail } from './sessions.ts';

const PROFILE: Record<Language, { timezone: string; country: string; city: string; street: string; state: string; postalCode: string; countryName: string }> = {
  es: { timezone: 'America/Mexico_City', country: 'MX', city: 'Ciudad de México', street: 'Av. Insurgentes Sur 1602', state: 'CDMX', postalCode: '03940', countryName: 'México' },
  'pt-BR': { timezone: 'America/Sao_Paulo', country: 'BR', city: 'São Paulo', street: 'Rua Augusta, 1508', state: 'SP', postalCode: '01304-001', countryName: 'Brasil' },
  en: { timezone: 'Europe/Madrid', country: 'ES', city: 'Madrid', street: 'Calle de Alcalá 48', state: 'Madrid', postalCode: '28014', countryName: 'Spain' },
};

const TEAM = [
  { name: 'Lucía Fernández', email: 'lucia@demo.charla.local', role: 'manager' as const },
  { name: 'Mateo Rodrigues', email: 'mateo@demo.charla.local', role: 'agent' as const },
  { name: 'Valentina Souza', email: 'valentina@demo.charla.local', role: 'agent' as const },
];

/**
 * The demo's organization profile and team: an address and time zone for the language, ticketing with
 * round-robin assignment, a manager and two agents. Demo teammates have no password, so they can be
 * assigned conversations but cannot sign in.
 */
export const identityDemoSeeder: DemoSeeder = {
  name: 'identity',
  async seed(deps, organizationId, language) {
    const p = PROFILE[language];
    await deps.database.db.transaction(async (tx) => {
      await tx
        .update(organizations)
        .set({
          timezone: p.timezone,
          country: p.country,
          locale: language,
          address: { street: p.street, city: p.city, state: p.state, postalCode: p.postalCode, country: p.countryName },
          settings: { tickets: { enabled: true, autoAssignment: 'round_robin', reassignReopened: false, agentsSeeUnassigned: true } },
          updatedAt: new Date(),
        })
        .where(eq(organizations.id, organizationId));
      await organizationChanged(deps.database.db, tx, organizationId);
      for (const member of TEAM) {
        let user = await findUserByEmail(tx, member.email);
        if (!user) [user] = await tx.insert(users).values({ id: newId(), email: member.email, name: member.name, locale: language }).returning();
        await tx
          .insert(memberships)
          .values({ id: newId(), organizationId, userId: user!.id, role: member.role, status: 'active' })
          .onConflictDoNothing();
      }
    });
    organizationSaved(deps.database.db, organizationId);
  },
};
