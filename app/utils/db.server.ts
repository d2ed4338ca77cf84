import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "~/generated/prisma/client";
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

export async function disconnectDb() {
  await globalForPrisma.leadexPrisma?.$disconnect();
  globalForPrisma.leadexPrisma = undefined;
  // The pool is ours (Prisma does not end a pool it was given).
  await globalForPrisma.leadexPool?.end();
  globalForPrisma.leadexPool = undefined;
}
