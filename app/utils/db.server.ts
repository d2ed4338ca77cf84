import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import { getEnv } from "./env.server";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const globalForPrisma = globalThis as unknown as { leadexPrisma?: PrismaClient };

function createClient(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: getEnv().DATABASE_URL, max: 10, allowExitOnIdle: true });
  return new PrismaClient({ adapter });
}

/** The one Prisma client, created on first use so env is read after start-up config. */
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    globalForPrisma.leadexPrisma ??= createClient();
    const value = Reflect.get(globalForPrisma.leadexPrisma, prop);
    return typeof value === "function" ? value.bind(globalForPrisma.leadexPrisma) : value;
  },
});

export async function disconnectDb() {
  await globalForPrisma.leadexPrisma?.$disconnect();
  globalForPrisma.leadexPrisma = undefined;
}
