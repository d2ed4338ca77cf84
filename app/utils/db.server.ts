import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { Prisma, PrismaClient } from "~/generated/prisma/client";
import { getEnv } from "./env.server";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const globalForPrisma = globalThis as unknown as { leadexPrisma?: PrismaClient; leadexPool?: pg.Pool };

function connectionPool(): pg.Pool {
  if (!globalForPrisma.leadexPool) {
    const pool = new pg.Pool({ connectionString: getEnv().DATABASE_URL, max: 10, allowExitOnIdle: true });
    // An idle connection dropped by the server (restart, failover) must not crash the process:
    // the pool discards it and the next query opens a new one.
    pool.on("error", (error) => console.error(`[db] idle connection lost: ${error.message}`));
    rememberTransactionConnections(pool);
    globalForPrisma.leadexPool = pool;
  }
  return globalForPrisma.leadexPool;
}

function createClient(): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(connectionPool()) });
}

/** The one Prisma client, created on first use so env is read after start-up config. */
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    globalForPrisma.leadexPrisma ??= createClient();
    const value = Reflect.get(globalForPrisma.leadexPrisma, prop);
    return typeof value === "function" ? value.bind(globalForPrisma.leadexPrisma) : value;
  },
});

/**
 * One statement on Prisma's own connection pool, without Prisma: only for the hot paths' single
 * batched statements (lead intake, ping records), where Prisma's raw-query layer cost more than
 * the statement itself (docs/decisions/003-postback-hot-path.md). Everything else goes through `prisma`.
 */
export async function hotPathQuery<Row extends object>(sql: string, params: unknown[], { name }: { name?: string } = {}): Promise<Row[]> {
  // A name makes it a prepared statement on each connection: parsed and planned once per
  // connection rather than once per batch (PostgreSQL shares the web server's cores).
  const result = await connectionPool().query<Row>(name ? { name, text: sql, values: params } : { text: sql, values: params });
  return result.rows;
}

// ── Raw statements on a Prisma transaction's own connection ──────────────────────────────────────
// Prisma 6's client engine compiles even a `$queryRaw` (WebAssembly) and shapes its result, which
// cost the lead pipeline more than the statements themselves (docs/decisions/010-speed-to-lead.md).
// `connectedTransaction` runs a Prisma transaction whose pg connection we keep hold of, so the hot
// path's raw statements (`txQuery`, `txExecute`) go straight to that connection, inside the same
// transaction as any Prisma call made on `tx`. Elsewhere they fall back to `tx.$queryRaw`.

const connectionSlot = new AsyncLocalStorage<{ client?: pg.PoolClient }>();
const transactionConnections = new WeakMap<object, pg.PoolClient>();

/** The adapter opens each transaction with `pool.connect()`: note the connection for the transaction being started in this context. */
function rememberTransactionConnections(pool: pg.Pool): void {
  const connect = pool.connect.bind(pool) as (callback?: unknown) => unknown;
  (pool as { connect: unknown }).connect = (callback?: unknown) => {
    if (callback) return connect(callback);
    const slot = connectionSlot.getStore();
    return (connect() as Promise<pg.PoolClient>).then((client) => {
      if (slot && !slot.client) slot.client = client;
      return client;
    });
  };
}

/** `prisma.$transaction(fn)` whose raw statements through `txQuery`/`txExecute` skip Prisma's engine. */
export function connectedTransaction<T>(fn: (tx: Tx) => Promise<T>, options: { timeout?: number; maxWait?: number } = {}): Promise<T> {
  const slot: { client?: pg.PoolClient } = {};
  return connectionSlot.run(slot, () =>
    prisma.$transaction(async (tx) => {
      if (slot.client) transactionConnections.set(tx, slot.client);
      return fn(tx);
    }, options),
  );
}

/** Whether `tx`'s raw statements go straight to its connection (a `connectedTransaction`). */
export function runsOnOwnConnection(tx: Tx | Db): boolean {
  return transactionConnections.has(tx);
}

// Results read as Prisma's raw queries read them: int8 as BigInt, numeric as Decimal, timestamps
// without time zone as UTC, dates as UTC midnight.
const parseBigInt = (value: string) => BigInt(value);
const RAW_PARSERS: Record<number, (value: string) => unknown> = {
  20: parseBigInt,
  1700: (value) => new Prisma.Decimal(value),
  1114: (value) => new Date(`${value.replace(" ", "T")}Z`),
  1082: (value) => new Date(`${value}T00:00:00Z`),
};
const rawTypes = {
  getTypeParser: (oid: number, format?: "text" | "binary") => (format !== "binary" && RAW_PARSERS[oid]) || pg.types.getTypeParser(oid, format),
};
const asParameter = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : Array.isArray(value) ? value.map(asParameter) : value);

// A statement text seen before is a prepared statement on each connection (parsed once, not per
// batch); texts built from data would each make one, so only the first few hundred are named.
const statementNames = new Map<string, string>();
function statementNameOf(text: string): string | undefined {
  let name = statementNames.get(text);
  if (!name && statementNames.size < 500) {
    name = `leadex_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

async function onConnection<Row>(client: pg.PoolClient, query: Prisma.Sql): Promise<{ rows: Row[]; rowCount: number }> {
  const result = await client.query({ name: statementNameOf(query.text), text: query.text, values: query.values.map(asParameter), types: rawTypes });
  return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
}

/** A raw SELECT (or anything returning rows) in `tx`: ``await txQuery<Row[]>(tx)`SELECT …` ``. */
export function txQuery<Rows extends unknown[] = unknown[]>(tx: Tx | Db) {
  return async (strings: TemplateStringsArray, ...values: unknown[]): Promise<Rows> => {
    const client = transactionConnections.get(tx);
    if (!client) return tx.$queryRaw<Rows>(strings, ...values);
    return (await onConnection<Rows[number]>(client, Prisma.sql(strings, ...values))).rows as Rows;
  };
}

/** A raw statement in `tx`, answering the rows it changed: ``await txExecute(tx)`UPDATE …` ``. */
export function txExecute(tx: Tx | Db) {
  return async (strings: TemplateStringsArray, ...values: unknown[]): Promise<number> => {
    const client = transactionConnections.get(tx);
    if (!client) return tx.$executeRaw(strings, ...values);
    return (await onConnection(client, Prisma.sql(strings, ...values))).rowCount;
  };
}

export async function disconnectDb() {
  await globalForPrisma.leadexPrisma?.$disconnect();
  globalForPrisma.leadexPrisma = undefined;
  // The pool is ours (Prisma does not end a pool it was given).
  await globalForPrisma.leadexPool?.end();
  globalForPrisma.leadexPool = undefined;
}
