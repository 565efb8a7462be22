/**
 * Test fixtures for campaigns: contacts written in bulk with SQL (10,000 in a blink), and an approved
 * template created through the API and reviewed by the emulator.
 */
import { sql } from 'drizzle-orm';
import type { TestContext } from '../../../../test/support/context.ts';
import { json } from '../../../../test/support/context.ts';
import { call, type TestOrg } from '../../../../test/support/factories.ts';
import { eventually, getJson } from '../../../../test/support/whatsapp.ts';
import { SQL_NEW_ID } from '../campaigns.repository.ts';

/** Writes `count` contacts `+<prefix><000001…>` named "Cliente <n> Núñez", with the given marketing consent. */
export async function seedContacts(
  ctx: TestContext,
  organizationId: string,
  count: number,
  options: { prefix: string; consent?: 'granted' | 'revoked' | null; firstName?: string | null; phone?: boolean },
): Promise<void> {
  const digits = 12 - options.prefix.length;
  await ctx.container.database.db.execute(sql`
    insert into contacts (id, organization_id, first_name, last_name, phone, wa_id, source, marketing_consent)
    select ${SQL_NEW_ID}, ${organizationId}::uuid,
           ${options.firstName === undefined ? sql`'Cliente ' || g` : sql`${options.firstName ?? ''}`}, 'Núñez',
           ${options.phone === false ? sql`null` : sql`'+' || ${options.prefix} || lpad(g::text, ${digits}, '0')`},
           ${options.phone === false ? sql`null` : sql`${options.prefix} || lpad(g::text, ${digits}, '0')`},
           'import', ${options.consent ?? null}::consent_status
    from generate_series(1, ${count}) as g`);
}

/** The `+<prefix>…` number of the n-th seeded contact. */
export const seededPhone = (prefix: string, n: number) => `${prefix}${String(n).padStart(12 - prefix.length, '0')}`;

/** A template draft with a header variable, two body variables and a dynamic URL button. */
export function promoDraft(name: string, category: 'marketing' | 'utility' = 'marketing') {
  return {
    name,
    language: 'es',
    category,
    header: { format: 'text', text: 'Hola {{1}}', examples: { '1': 'Ana' } },
    body: { text: 'Tu cupón {{1}} vence el {{2}}. ¿Te interesa?', examples: { '1': 'VERANO20', '2': 'domingo' } },
    footer: { text: 'Tienda Aurora' },
    buttons: [
      { type: 'quick_reply', text: 'Me interesa' },
      { type: 'url', text: 'Ver oferta', url: 'https://tienda.example/o/{{1}}', example: 'verano' },
    ],
  };
}

/** Creates a template through the API and runs jobs until the emulator's approval webhook was applied. */
export async function approvedTemplate(ctx: TestContext, org: TestOrg, draft: Record<string, unknown>): Promise<string> {
  const res = await call(ctx, org.owner, 'POST', '/api/v1/templates', draft);
  if (res.statusCode !== 201) throw new Error(`template creation failed: ${res.body}`);
  const id = json<{ id: string }>(res).id;
  await eventually(
    async () => {
      await ctx.runJobs();
      return (await getJson<{ status: string }>(ctx, org.owner, `/api/v1/templates/${id}`)).status === 'approved';
    },
    10_000,
    'template approval',
  );
  return id;
}

/** The usual mapping of `promoDraft`: first name (with a fallback), fixed coupon and date, offer slug. */
export const promoVariables = {
  'header.1': { source: 'field', field: 'firstName', fallback: 'cliente' },
  'body.1': { source: 'text', value: 'VERANO20' },
  'body.2': { source: 'text', value: 'domingo' },
  'button.1': { source: 'text', value: 'verano' },
};
