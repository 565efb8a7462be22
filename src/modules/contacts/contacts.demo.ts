import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq, inArray } from 'drizzle-orm';
import { contactGroupMembers, contactGroups, contacts } from '../../db/schema/index.ts';
import type { DemoSeeder } from '../demo/demo.service.ts';
import type { Language } from '../organizations/settings.ts';
import { createField } from './contact-fields.service.ts';
import { recordConsent } from './consents.service.ts';
import { createGroup } from './groups.service.ts';
import { importContactsFromFile } from './imports/import-from-file.ts';
import { runImport } from './imports/run-import.ts';

/** The sample file of the Chatforse guide (../shared/samples/contacts), imported with its flaws. */
const SAMPLE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo', 'contacts-sample.csv');

const TEXT: Record<Language, { type: string; document: string; newGroup: string; consent: string }> = {
  es: { type: 'Tipo de cliente', document: 'Número de identificación', newGroup: 'Nuevos Registros', consent: '¿Aceptas recibir promociones por WhatsApp? Responde SÍ o NO.' },
  'pt-BR': { type: 'Tipo de cliente', document: 'Número do documento', newGroup: 'Novos Cadastros', consent: 'Você aceita receber promoções pelo WhatsApp? Responda SIM ou NÃO.' },
  en: { type: 'Customer type', document: 'ID number', newGroup: 'New sign-ups', consent: 'Do you agree to receive promotions on WhatsApp? Reply YES or NO.' },
};

/**
 * Demo contacts: the custom fields of the sample ("Tipo de cliente" as a select box, an ID number),
 * the sample file imported through the real import pipeline (its bad rows end up in the import's
 * error report, as they would for a customer), the groups it names plus an empty one, and a consent
 * history: VIP customers opted in through WhatsApp, one prospect opted out.
 */
export const contactsDemoSeeder: DemoSeeder = {
  name: 'contacts',
  async seed(deps, organizationId, language) {
    const t = TEXT[language];
    const actor = { label: 'demo' };
    await createField(deps.database.db, organizationId, { key: 'tipo_de_cliente', label: t.type, component: 'select', options: ['Cotización', 'Compra', 'Recompra'] }, actor);
    await createField(deps.database.db, organizationId, { key: 'numero_documento', label: t.document, component: 'input', inputType: 'text', position: 'before_address' }, actor);
    await createGroup(deps.database.db, organizationId, { name: t.newGroup });
    const { importId } = await importContactsFromFile(deps, organizationId, SAMPLE, {
      mapping: 'firstName,lastName,phone,email,city,group,field:tipo_de_cliente',
      dedupe: 'update',
    });
    await runImport(deps, importId);

    const db = deps.database.db;
    const vip = await db
      .select({ id: contactGroupMembers.contactId })
      .from(contactGroupMembers)
      .innerJoin(contactGroups, eq(contactGroups.id, contactGroupMembers.groupId))
      .where(and(eq(contactGroups.organizationId, organizationId), eq(contactGroups.name, 'Clientes VIP')));
    const prospects = await db
      .select({ id: contactGroupMembers.contactId })
      .from(contactGroupMembers)
      .innerJoin(contactGroups, eq(contactGroups.id, contactGroupMembers.groupId))
      .where(and(eq(contactGroups.organizationId, organizationId), eq(contactGroups.name, 'Prospecto Interesado')));
    const day = 86_400_000;
    await db.transaction(async (tx) => {
      for (const [i, c] of vip.entries()) {
        await recordConsent(tx, organizationId, c.id, { purpose: 'marketing', status: 'granted', source: 'message', textShown: t.consent, occurredAt: new Date(Date.now() - (20 - i) * day) });
      }
      const optOut = prospects[0];
      if (optOut) {
        await recordConsent(tx, organizationId, optOut.id, { purpose: 'marketing', status: 'granted', source: 'message', textShown: t.consent, occurredAt: new Date(Date.now() - 30 * day) });
        await recordConsent(tx, organizationId, optOut.id, { purpose: 'marketing', status: 'revoked', source: 'message', textShown: 'BAJA', occurredAt: new Date(Date.now() - 2 * day) });
      }
      const ids = [...vip, ...prospects].map((c) => c.id);
      if (ids.length) await tx.update(contacts).set({ lastSeenAt: new Date(Date.now() - day) }).where(inArray(contacts.id, ids));
    });
  },
};
