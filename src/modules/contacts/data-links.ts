import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { rowsOf } from '../../jobs/pg-queue.ts';

/** A single-column foreign key pointing at contacts, conversations or messages. */
export interface Link {
  table: string;
  column: string;
  references: 'contacts' | 'conversations' | 'messages';
}

/**
 * Every table that points at a contact, a conversation or a message, read from the database catalog.
 * Merging, exporting and erasing follow these links instead of a hard-coded list, so data that other
 * modules attach to contacts or conversations later (campaign recipients, tool calls…) is carried
 * along, exported and erased without this module knowing about it.
 */
export async function findLinks(tx: Db): Promise<Link[]> {
  return rowsOf<Link>(
    tx,
    sql`select cl.relname as "table", a.attname as "column", rf.relname as "references"
        from pg_constraint c
        join pg_class cl on cl.oid = c.conrelid
        join pg_namespace n on n.oid = cl.relnamespace and n.nspname = 'public'
        join pg_class rf on rf.oid = c.confrelid
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
        where c.contype = 'f' and array_length(c.conkey, 1) = 1 and rf.relname in ('contacts', 'conversations', 'messages')
        order by cl.relname, a.attname`,
  );
}

/** Text and JSON columns of public tables (where personal data can hide), by table. */
export async function textColumns(tx: Db): Promise<Map<string, { column: string; json: boolean }[]>> {
  const rows = await rowsOf<{ table: string; column: string; type: string }>(
    tx,
    sql`select c.table_name as "table", c.column_name as "column", c.data_type as "type"
        from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
        where c.table_schema = 'public' and c.data_type in ('text', 'character varying', 'jsonb', 'json')
          and c.is_generated = 'NEVER'
        order by c.table_name, c.ordinal_position`,
  );
  const out = new Map<string, { column: string; json: boolean }[]>();
  for (const r of rows) {
    const list = out.get(r.table) ?? [];
    list.push({ column: r.column, json: r.type === 'jsonb' || r.type === 'json' });
    out.set(r.table, list);
  }
  return out;
}

/** Public tables having a given column. */
export async function tablesWithColumn(tx: Db, column: string): Promise<string[]> {
  const rows = await rowsOf<{ table: string }>(
    tx,
    sql`select c.table_name as "table" from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
        where c.table_schema = 'public' and c.column_name = ${column}`,
  );
  return rows.map((r) => r.table);
}

/** Whether a table exists (the inbox's tables, for instance, in a deployment without them). */
export async function tableExists(tx: Db, table: string): Promise<boolean> {
  const [row] = await rowsOf<{ ok: boolean }>(tx, sql`select to_regclass(${`public.${table}`}) is not null as ok`);
  return row?.ok ?? false;
}

/** A quoted SQL identifier from the catalog. */
export const ident = (name: string) => sql.raw(`"${name.replace(/"/g, '""')}"`);
