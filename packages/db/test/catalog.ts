import type { DataSource } from 'typeorm';
import { MIGRATIONS_TABLE } from '../src/connection';

/** What the schema looks like to PostgreSQL: everything a migration creates in `public`. */
export interface Catalog {
  tables: { table: string; comment: string | null }[];
  columns: {
    table: string;
    column: string;
    type: string;
    nullable: boolean;
    default: string | null;
    comment: string | null;
  }[];
  indexes: { table: string; name: string; definition: string }[];
  constraints: { table: string; name: string; kind: string; definition: string }[];
  /** Every other object in `public` (sequences, views, functions, types), by kind and name. */
  objects: string[];
}

const BOOKKEEPING = new RegExp(`^_?${MIGRATIONS_TABLE}(_|$)`);

export async function readCatalog(dataSource: DataSource): Promise<Catalog> {
  const tables = await dataSource.query<Catalog['tables']>(`
    SELECT c.relname AS table, obj_description(c.oid, 'pg_class') AS comment
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
    ORDER BY 1`);
  const columns = await dataSource.query<Catalog['columns']>(`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
           NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default,
           col_description(c.oid, a.attnum) AS comment
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY 1, a.attnum`);
  const indexes = await dataSource.query<Catalog['indexes']>(`
    SELECT tablename AS table, indexname AS name, indexdef AS definition
    FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`);
  const constraints = await dataSource.query<Catalog['constraints']>(`
    SELECT c.relname AS table, k.conname AS name, k.contype AS kind, pg_get_constraintdef(k.oid) AS definition
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' ORDER BY 1, 2`);
  const objects = await dataSource.query<{ object: string }[]>(`
    SELECT 'relation ' || c.relkind::text || ' ' || c.relname AS object
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind NOT IN ('r', 'p', 'i', 'I')
    UNION ALL
    SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public'
    UNION ALL
    SELECT 'type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' AND t.typrelid = 0 AND t.typelem = 0
    ORDER BY 1`);
  const notBookkeeping = (table: string) => !BOOKKEEPING.test(table);
  return {
    tables: tables.filter((row) => notBookkeeping(row.table)),
    columns: columns.filter((row) => notBookkeeping(row.table)),
    indexes: indexes.filter((row) => notBookkeeping(row.table)),
    constraints: constraints.filter((row) => notBookkeeping(row.table)),
    objects: objects
      .map((row) => row.object)
      .filter((object) => notBookkeeping(object.split(' ').at(-1) ?? '')),
  };
}
