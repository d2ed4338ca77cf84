import { prisma } from "~/utils/db.server";

// Row counts of every table in the database, to show what a batch of requests stored. Tables
// are read from the catalog, so a table added later is counted without changing the tests.

export type RowCounts = Record<string, number>;

let countQuery: string | undefined;

async function buildCountQuery(): Promise<string> {
  const tables = await prisma.$queryRaw<Array<{ name: string }>>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
    ORDER BY table_name`;
  return tables.map(({ name }) => `SELECT '${name.replace(/'/g, "''")}' AS name, count(*)::int AS rows FROM "${name.replace(/"/g, '""')}"`).join(" UNION ALL ");
}

/** The number of rows in every table. */
export async function countRows(): Promise<RowCounts> {
  countQuery ??= await buildCountQuery();
  const rows = await prisma.$queryRawUnsafe<Array<{ name: string; rows: number }>>(countQuery);
  return Object.fromEntries(rows.map((r) => [r.name, r.rows]));
}

/** Tables whose count changed between two snapshots, with the change (+3, -1). */
export function rowChanges(before: RowCounts, after: RowCounts): Record<string, number> {
  const changes: Record<string, number> = {};
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const change = (after[table] ?? 0) - (before[table] ?? 0);
    if (change !== 0) changes[table] = change;
  }
  return changes;
}
