import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { contactFields } from '../../db/schema/index.ts';
import { newId } from '../../shared/ids.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';
import { validationError } from '../../shared/errors.ts';
import { type AuditActor, recordAudit } from '../audit/audit.service.ts';
import { type FieldConflict, fieldKeyTaken, fieldNotFound, fieldValuesConflict } from './contacts.errors.ts';
import { type FieldRow, loadFieldDefs } from './contacts.repository.ts';
import { coerceFieldValue, type FieldDef } from './custom-field-values.ts';
import { normalizeHeader } from './imports/header-matching.ts';

/** Maximum custom fields per organization. */
export const MAX_FIELDS = 100;

/** What defines a custom field. */
export interface FieldInput {
  key?: string;
  label: string;
  component: 'input' | 'select' | 'textarea';
  inputType?: 'text' | 'number' | 'email' | null;
  options?: string[];
  required?: boolean;
  position?: 'before_address' | 'after_address';
  sortOrder?: number;
}

/** The organization's custom fields in form order. */
export const listFields = (db: Db, organizationId: string) => loadFieldDefs(db, organizationId);

/** One custom field (404 when missing or in another organization). */
export async function getField(db: Db, organizationId: string, id: string): Promise<FieldRow> {
  const [row] = await db.select().from(contactFields).where(and(eq(contactFields.organizationId, organizationId), eq(contactFields.id, id)));
  if (!row) throw fieldNotFound();
  return row;
}

/** A key from a label: "Tipo de cliente" → `tipo_de_cliente`. */
export function keyFromLabel(label: string): string {
  const base = normalizeHeader(label).replace(/ /g, '_').replace(/^[^a-z]+/, '').slice(0, 40).replace(/_+$/, '');
  return base || 'field';
}

/** Creates a custom field; the key is derived from the label unless given, and made unique. */
export async function createField(db: Db, organizationId: string, input: FieldInput, actor: AuditActor): Promise<FieldRow> {
  return db.transaction(async (tx) => {
    const existing = await loadFieldDefs(tx, organizationId);
    if (existing.length >= MAX_FIELDS) throw validationError(`An organization can have at most ${MAX_FIELDS} contact fields`, [], 'contact_fields_limit');
    const keys = new Set(existing.map((f) => f.key));
    let key = input.key ?? keyFromLabel(input.label);
    if (input.key && keys.has(key)) throw fieldKeyTaken();
    for (let n = 2; keys.has(key); n++) key = `${keyFromLabel(input.label).slice(0, 36)}_${n}`;
    const shape = normalizeShape(input);
    const [row] = await tx
      .insert(contactFields)
      .values({
        id: newId(),
        organizationId,
        key,
        label: input.label,
        ...shape,
        required: input.required ?? false,
        position: input.position ?? 'after_address',
        sortOrder: input.sortOrder ?? existing.length,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw fieldKeyTaken();
    await recordAudit(tx, { organizationId, actor, action: 'contact_field.created', targetType: 'contact_field', targetId: row.id, data: { key } });
    return row;
  });
}

/**
 * Changes a field. When its type or options change, every stored value is checked against the new
 * definition first: if some do not fit, nothing changes and the answer lists them (409
 * `contact_field_values_conflict`); otherwise values are converted in place (e.g. "42" → 42).
 */
export async function updateField(db: Db, organizationId: string, id: string, patch: Partial<FieldInput>, actor: AuditActor): Promise<FieldRow> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(contactFields)
      .where(and(eq(contactFields.organizationId, organizationId), eq(contactFields.id, id)))
      .for('update');
    if (!current) throw fieldNotFound();
    const merged: FieldInput = {
      label: patch.label ?? current.label,
      component: patch.component ?? current.component,
      inputType: patch.inputType !== undefined ? patch.inputType : patch.component && patch.component !== 'input' ? null : current.inputType,
      options: patch.options ?? (patch.component && patch.component !== 'select' ? [] : current.options),
    };
    const shape = normalizeShape(merged);
    const def: FieldDef = { key: current.key, label: merged.label, ...shape, required: false };
    const typeChanged =
      shape.component !== current.component || shape.inputType !== current.inputType || shape.options.join('\u0000') !== current.options.join('\u0000');
    if (typeChanged) await convertValues(tx, organizationId, def);
    const [row] = await tx
      .update(contactFields)
      .set({
        label: merged.label,
        ...shape,
        required: patch.required ?? current.required,
        position: patch.position ?? current.position,
        sortOrder: patch.sortOrder ?? current.sortOrder,
        updatedAt: new Date(),
      })
      .where(eq(contactFields.id, id))
      .returning();
    await recordAudit(tx, { organizationId, actor, action: 'contact_field.updated', targetType: 'contact_field', targetId: id, data: { key: current.key, typeChanged } });
    return row!;
  });
}

/** Deletes a field and its values from every contact. Audited. */
export async function deleteField(db: Db, organizationId: string, id: string, actor: AuditActor): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(contactFields)
      .where(and(eq(contactFields.organizationId, organizationId), eq(contactFields.id, id)))
      .returning();
    if (!row) throw fieldNotFound();
    await rowsOf(
      tx,
      sql`update contacts set custom_fields = custom_fields - ${row.key}, updated_at = now()
          where organization_id = ${organizationId}::uuid and custom_fields ? ${row.key}`,
    );
    await recordAudit(tx, { organizationId, actor, action: 'contact_field.deleted', targetType: 'contact_field', targetId: id, data: { key: row.key } });
  });
}

function normalizeShape(input: FieldInput): Pick<FieldDef, 'component' | 'inputType' | 'options'> {
  if (input.component === 'input') {
    if (!input.inputType) throw validationError('Choose the input type', [{ path: 'inputType', message: 'Required for inputs' }]);
    return { component: 'input', inputType: input.inputType, options: [] };
  }
  if (input.component === 'select') {
    const options = (input.options ?? []).map((o) => o.trim()).filter(Boolean);
    if (options.length === 0) throw validationError('Add at least one option', [{ path: 'options', message: 'Add at least one option' }]);
    const seen = new Set<string>();
    for (const [i, o] of options.entries()) {
      const k = normalizeHeader(o);
      if (seen.has(k)) throw validationError('Options must be different', [{ path: `options.${i}`, message: 'Repeated option' }]);
      seen.add(k);
    }
    return { component: 'select', inputType: null, options };
  }
  return { component: 'textarea', inputType: null, options: [] };
}

/** Checks every stored value against the new definition (in pages), then rewrites them in their new form. */
async function convertValues(tx: Db, organizationId: string, def: FieldDef): Promise<void> {
  const conflicts: FieldConflict[] = [];
  let total = 0;
  const converted: { id: string; value: string | number }[] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await rowsOf<{ id: string; name: string; value: string | number }>(
      tx,
      sql`select id, trim(first_name || ' ' || last_name) as name, custom_fields -> ${def.key} as value from contacts
          where organization_id = ${organizationId}::uuid and custom_fields ? ${def.key} and id > ${after}::uuid
          order by id limit 5000`,
    );
    if (rows.length === 0) break;
    after = rows.at(-1)!.id;
    for (const r of rows) {
      const result = coerceFieldValue(def, r.value);
      if (!result.ok) {
        total++;
        if (conflicts.length < 50) conflicts.push({ contactId: r.id, name: r.name, value: String(r.value) });
      } else if (result.value !== r.value) {
        converted.push({ id: r.id, value: result.value ?? '' });
      }
    }
  }
  if (total > 0) throw fieldValuesConflict(conflicts, total);
  for (let i = 0; i < converted.length; i += 5000) {
    const chunk = converted.slice(i, i + 5000);
    await rowsOf(
      tx,
      sql`update contacts c set custom_fields = jsonb_set(c.custom_fields, array[${def.key}], r.value), updated_at = now()
          from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as r(id uuid, value jsonb)
          where c.id = r.id and c.organization_id = ${organizationId}::uuid`,
    );
  }
}
