import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { v7 as uuidv7 } from 'uuid';
import type { Db } from '../../../db/client.ts';
import type { ContactImportOptions } from '../../../db/schema/index.ts';
import { pgErrorCode } from '../../../shared/errors.ts';
import { rowsOf } from '../../../jobs/pg-queue.ts';
import { type Candidate, missingRequired, type parseRow, type RowContext, type RowError } from './row-parser.ts';

/** What a batch needs besides its rows. */
export interface BatchContext extends RowContext {
  organizationId: string;
  importId: string;
  options: ContactImportOptions;
  /** The target group, if it still exists. */
  groupId: string | null;
  /** Group ids by lower-cased name, filled as group columns are resolved (only groups of committed batches). */
  groupCache: Map<string, string>;
  /** Wording stored with consents that come from the file. */
  consentText: string;
}

/** Outcome counts of one batch; `created + updated + skipped + failed` equals the rows given. */
export interface BatchCounts {
  created: number;
  updated: number;
  skipped: number;
  failed: number;
}

interface Existing {
  id: string;
  phone: string | null;
  email_key: string | null;
  custom_fields: Record<string, string | number>;
  marketing_consent: 'granted' | 'revoked' | null;
}

interface Plan {
  inserts: (Candidate & { id: string })[];
  updates: (Candidate & { id: string; existingConsent: Existing['marketing_consent'] })[];
  memberships: Map<string, Set<string>>;
  errors: RowError[];
  counts: BatchCounts;
  newGroups: Map<string, string>;
}

/**
 * Thrown when another writer took one of the batch's phones or e-mails after the batch looked them up
 * (an inbound message creating a contact, another import): the caller rolls the batch's transaction
 * back and runs it again, planned against what is there now.
 */
export class ConcurrentContactWrite extends Error {
  override name = 'ConcurrentContactWrite';
}

/** What a committed batch leaves behind: its counts and the groups it created (name → id). */
export interface BatchResult {
  counts: BatchCounts;
  newGroups: Map<string, string>;
}

/**
 * Imports one batch of parsed rows inside the caller's transaction: merge duplicates within the
 * batch, match the rest against existing contacts by phone or e-mail (one query), then write with one
 * statement per kind (insert, update, consents, group memberships, error rows). A phone or e-mail
 * another writer took in between fails a statement on a unique index, surfacing as
 * `ConcurrentContactWrite` (the caller rolls back and plans the batch again).
 */
export async function importBatch(tx: Db, ctx: BatchContext, parsed: ReturnType<typeof parseRow>[]): Promise<BatchResult> {
  try {
    const plan = await planBatch(tx, ctx, parsed);
    await writePlan(tx, ctx, plan);
    return { counts: plan.counts, newGroups: plan.newGroups };
  } catch (err) {
    if (pgErrorCode(err) === '23505') throw new ConcurrentContactWrite('a phone or e-mail of the batch was taken meanwhile', { cause: err });
    throw err;
  }
}

async function planBatch(tx: Db, ctx: BatchContext, parsed: ReturnType<typeof parseRow>[]): Promise<Plan> {
  const plan: Plan = { inserts: [], updates: [], memberships: new Map(), errors: [], counts: { created: 0, updated: 0, skipped: 0, failed: 0 }, newGroups: new Map() };
  const fail = (e: RowError) => {
    plan.errors.push(e);
    plan.counts.failed++;
  };

  // Groups named in a group column: resolved (and created when allowed) once per name.
  const unknownNames = new Set<string>();
  for (const p of parsed) if (p.ok) for (const g of p.candidate.groups) if (!ctx.groupCache.has(g.toLowerCase())) unknownNames.add(g);
  // Loaded only for files with a group column: the import's worker thread starts without the groups
  // service and what it imports (see run-import.ts).
  const resolved = unknownNames.size
    ? await (await import('../groups.service.ts')).resolveGroupsByName(tx, ctx.organizationId, [...unknownNames], ctx.options.createMissingGroups)
    : new Map<string, string>();
  const groupId = (name: string) => ctx.groupCache.get(name.toLowerCase()) ?? resolved.get(name.toLowerCase());
  for (const [k, v] of resolved) if (!ctx.groupCache.has(k)) plan.newGroups.set(k, v);

  // Merge duplicates within the batch (same phone or same e-mail).
  const firstByKey = new Map<string, Candidate>();
  const candidates: Candidate[] = [];
  for (const p of parsed) {
    if (!p.ok) {
      fail(p.error);
      continue;
    }
    const c = p.candidate;
    const missingGroup = c.groups.find((g) => !groupId(g));
    if (missingGroup) {
      fail({ rowNumber: c.rowNumber, cells: c.cells, field: 'group', reason: 'group_not_found', params: { value: missingGroup } });
      continue;
    }
    const byPhone = c.phone ? firstByKey.get(`p:${c.phone}`) : undefined;
    const byEmail = c.email ? firstByKey.get(`e:${c.email.toLowerCase()}`) : undefined;
    if (byPhone && byEmail && byPhone !== byEmail) {
      fail({ rowNumber: c.rowNumber, cells: c.cells, field: 'email', reason: 'identity_conflict', params: {} });
      continue;
    }
    const first = byPhone ?? byEmail;
    if (first) {
      if (ctx.options.dedupe === 'create') {
        fail({ rowNumber: c.rowNumber, cells: c.cells, field: byPhone ? 'phone' : 'email', reason: 'duplicate_in_file', params: { row: first.rowNumber } });
      } else if (ctx.options.dedupe === 'skip') {
        plan.counts.skipped++;
        first.groups.push(...c.groups);
      } else {
        mergeInto(first, c);
        if (c.phone) firstByKey.set(`p:${c.phone}`, first);
        if (c.email) firstByKey.set(`e:${c.email.toLowerCase()}`, first);
        plan.counts.updated++;
      }
      continue;
    }
    if (c.phone) firstByKey.set(`p:${c.phone}`, c);
    if (c.email) firstByKey.set(`e:${c.email.toLowerCase()}`, c);
    candidates.push(c);
  }

  // Match against existing contacts.
  const phones = candidates.flatMap((c) => (c.phone ? [c.phone] : []));
  const emails = candidates.flatMap((c) => (c.email ? [c.email.toLowerCase()] : []));
  const existing = phones.length + emails.length === 0 ? [] : await rowsOf<Existing>(
    tx,
    // Two index lookups (phone, lower(email)) driven by the batch's values, never a scan of the organization.
    sql`select c.id, c.phone, lower(c.email) as email_key, c.custom_fields, c.marketing_consent
        from jsonb_array_elements_text(${JSON.stringify(phones)}::jsonb) as p(v)
        join contacts c on c.organization_id = ${ctx.organizationId}::uuid and c.phone = p.v
        union
        select c.id, c.phone, lower(c.email), c.custom_fields, c.marketing_consent
        from jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb) as e(v)
        join contacts c on c.organization_id = ${ctx.organizationId}::uuid and lower(c.email) = e.v`,
  );
  const byPhone = new Map<string, Existing>();
  const byEmail = new Map<string, Existing>();
  for (const e of existing) {
    if (e.phone) byPhone.set(e.phone, e);
    if (e.email_key) byEmail.set(e.email_key, e);
  }
  const updatesById = new Map<string, Plan['updates'][number]>();
  const addGroups = (contactId: string, c: Candidate) => {
    const set = plan.memberships.get(contactId) ?? new Set<string>();
    if (ctx.groupId) set.add(ctx.groupId);
    for (const g of c.groups) set.add(groupId(g)!);
    if (set.size) plan.memberships.set(contactId, set);
  };
  const nextId = idSource(candidates.length);
  for (const c of candidates) {
    const p = c.phone ? byPhone.get(c.phone) : undefined;
    const e = c.email ? byEmail.get(c.email.toLowerCase()) : undefined;
    if (p && e && p.id !== e.id) {
      fail({ rowNumber: c.rowNumber, cells: c.cells, field: 'email', reason: 'identity_conflict', params: {} });
      continue;
    }
    const match = p ?? e;
    if (!match) {
      const missing = missingRequired(ctx.fields, c.custom);
      if (missing) {
        fail({ rowNumber: c.rowNumber, cells: c.cells, field: `field:${missing.key}`, reason: 'required_missing', params: { field: missing.label } });
        continue;
      }
      const id = nextId();
      plan.inserts.push({ ...c, id });
      plan.counts.created++;
      addGroups(id, c);
      continue;
    }
    if (ctx.options.dedupe === 'create') {
      fail({ rowNumber: c.rowNumber, cells: c.cells, field: p ? 'phone' : 'email', reason: 'duplicate_existing', params: {} });
      continue;
    }
    if (ctx.options.dedupe === 'skip') {
      plan.counts.skipped++;
      addGroups(match.id, c);
      continue;
    }
    const missing = missingRequired(ctx.fields, { ...match.custom_fields, ...c.custom });
    if (missing) {
      fail({ rowNumber: c.rowNumber, cells: c.cells, field: `field:${missing.key}`, reason: 'required_missing', params: { field: missing.label } });
      continue;
    }
    const already = updatesById.get(match.id);
    if (already) mergeInto(already, c);
    else {
      const u = { ...c, id: match.id, existingConsent: match.marketing_consent };
      updatesById.set(match.id, u);
      plan.updates.push(u);
    }
    plan.counts.updated++;
    addGroups(match.id, c);
  }
  return plan;
}

const idState = { msecs: -1, seq: 0 };

/**
 * Time-ordered ids (UUIDv7, like `newId`) for up to `count` new rows of a batch. `newId` asks the
 * system for 16 random bytes per id (~10 µs each: a second of CPU per 100,000 rows on a busy machine);
 * a batch takes all its random bytes in one call. Within a millisecond the sequence counter advances,
 * so ids keep their creation order, as `newId`'s do.
 */
function idSource(count: number): () => string {
  const size = Math.max(1, count);
  let random = randomBytes(16 * size);
  let i = 0;
  return () => {
    if (i === size) {
      random = randomBytes(16 * size);
      i = 0;
    }
    const bytes = random.subarray(16 * i, 16 * i + 16);
    i++;
    const now = Date.now();
    if (now > idState.msecs) {
      idState.msecs = now;
      idState.seq = ((bytes[6]! & 0x7f) << 24) | (bytes[7]! << 16) | (bytes[8]! << 8) | bytes[9]!;
    } else {
      idState.seq = (idState.seq + 1) | 0;
      if (idState.seq === 0) idState.msecs++;
    }
    return uuidv7({ msecs: idState.msecs, seq: idState.seq, random: bytes });
  };
}

/** Later non-empty values win; groups add up. */
function mergeInto(target: Candidate, later: Candidate) {
  for (const k of ['firstName', 'lastName', 'street', 'city', 'state', 'postalCode', 'country', 'notes'] as const) {
    if (later[k] !== undefined) target[k] = later[k];
  }
  if (later.phone) target.phone = later.phone;
  if (later.email) target.email = later.email;
  Object.assign(target.custom, later.custom);
  target.groups.push(...later.groups);
  if (later.consent) target.consent = later.consent;
}

const record = (c: Candidate & { id: string }) => ({
  id: c.id,
  first_name: c.firstName ?? null,
  last_name: c.lastName ?? null,
  phone: c.phone,
  email: c.email,
  street: c.street ?? null,
  city: c.city ?? null,
  state: c.state ?? null,
  postal_code: c.postalCode ?? null,
  country: c.country ?? null,
  notes: c.notes ?? null,
  custom_fields: c.custom,
  consent: c.consent,
});
const COLUMNS = sql`id uuid, first_name text, last_name text, phone text, email text, street text, city text, state text,
  postal_code text, country text, notes text, custom_fields jsonb, consent text`;

async function writePlan(tx: Db, ctx: BatchContext, plan: Plan): Promise<void> {
  const org = ctx.organizationId;
  if (plan.inserts.length) {
    // No ON CONFLICT: its arbiter check probes every unique index once more before each row (~9% of the
    // database's time in a batch). Someone else taking one of these phones or e-mails since the batch
    // looked fails the statement with a unique violation instead: importBatch turns it into
    // ConcurrentContactWrite and the batch is planned again, as before.
    await rowsOf(
      tx,
      sql`insert into contacts (id, organization_id, first_name, last_name, phone, email, street, city, state, postal_code,
            country, notes, custom_fields, source, marketing_consent)
          select r.id, ${org}::uuid, coalesce(r.first_name, ''), coalesce(r.last_name, ''), r.phone, r.email, r.street, r.city,
            r.state, r.postal_code, r.country, coalesce(r.notes, ''), r.custom_fields, 'import', r.consent::consent_status
          from jsonb_to_recordset(${JSON.stringify(plan.inserts.map(record))}::jsonb) as r(${COLUMNS})`,
    );
  }
  if (plan.updates.length) {
    await rowsOf(
      tx,
      sql`update contacts c set
            first_name = coalesce(r.first_name, c.first_name), last_name = coalesce(r.last_name, c.last_name),
            phone = coalesce(r.phone, c.phone), email = coalesce(r.email, c.email),
            street = coalesce(r.street, c.street), city = coalesce(r.city, c.city), state = coalesce(r.state, c.state),
            postal_code = coalesce(r.postal_code, c.postal_code), country = coalesce(r.country, c.country),
            notes = coalesce(r.notes, c.notes), custom_fields = c.custom_fields || r.custom_fields,
            marketing_consent = coalesce(r.consent::consent_status, c.marketing_consent), updated_at = now()
          from jsonb_to_recordset(${JSON.stringify(plan.updates.map(record))}::jsonb) as r(${COLUMNS})
          where c.id = r.id and c.organization_id = ${org}::uuid`,
    );
  }
  const consents = [
    ...plan.inserts.filter((c) => c.consent),
    ...plan.updates.filter((c) => c.consent && c.consent !== c.existingConsent),
  ];
  const nextId = idSource(consents.length);
  const consentRows = consents.map((c) => ({ id: nextId(), contact_id: c.id, status: c.consent }));
  if (consentRows.length) {
    await rowsOf(
      tx,
      sql`insert into contact_consents (id, organization_id, contact_id, purpose, status, source, text_shown)
          select r.id, ${org}::uuid, r.contact_id, 'marketing', r.status::consent_status, 'import', ${ctx.consentText}
          from jsonb_to_recordset(${JSON.stringify(consentRows)}::jsonb) as r(id uuid, contact_id uuid, status text)`,
    );
  }
  const memberships = [...plan.memberships].flatMap(([contactId, groups]) => [...groups].map((groupId) => ({ contact_id: contactId, group_id: groupId })));
  if (memberships.length) {
    await rowsOf(
      tx,
      sql`insert into contact_group_members (organization_id, group_id, contact_id)
          select ${org}::uuid, r.group_id, r.contact_id from jsonb_to_recordset(${JSON.stringify(memberships)}::jsonb) as r(group_id uuid, contact_id uuid)
          on conflict do nothing`,
    );
  }
  if (plan.errors.length) {
    const errors = plan.errors.map((e) => ({
      row_number: e.rowNumber,
      field: e.field,
      reason: e.reason,
      params: e.params,
      cells: e.cells.slice(0, 1000).map((c) => (c.length > 1000 ? `${c.slice(0, 1000)}…` : c)),
    }));
    await rowsOf(
      tx,
      sql`insert into contact_import_errors (import_id, organization_id, row_number, field, reason, params, cells)
          select ${ctx.importId}::uuid, ${org}::uuid, r.row_number, r.field, r.reason, r.params, r.cells
          from jsonb_to_recordset(${JSON.stringify(errors)}::jsonb) as r(row_number int, field text, reason text, params jsonb, cells jsonb)
          on conflict do nothing`,
    );
  }
}
