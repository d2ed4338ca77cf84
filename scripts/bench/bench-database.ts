import fs from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createDatabase, databaseUrl, dropDatabase, migrate, startEmbeddedPostgres, tempClusterDir } from "../stack/postgres";
import { ensureRedis } from "../stack/redis";

/**
 * A fresh, migrated database for one bench run (on BENCH_DATABASE_URL's server, else an embedded
 * PostgreSQL of its own) and a Redis; each registers how it is undone with `onCleanup`.
 */
export async function prepareBenchServices(onCleanup: (undo: () => Promise<unknown>) => void, log: (line: string) => void) {
  let adminUrl = process.env.BENCH_DATABASE_URL;
  let dataDir: string | undefined;
  if (!adminUrl) {
    const dir = await tempClusterDir("leadex-bench-pg-");
    onCleanup(() => fs.rm(dir, { recursive: true, force: true }));
    dataDir = path.join(dir, "data");
    const pg = await startEmbeddedPostgres({ dataDir, persistent: false });
    onCleanup(() => pg.stop());
    adminUrl = pg.adminUrl;
  }
  const dbName = `leadex_bench_${randomBytes(4).toString("hex")}`;
  await createDatabase(adminUrl, dbName);
  const admin = adminUrl;
  onCleanup(() => dropDatabase(admin, dbName));
  const dbUrl = databaseUrl(adminUrl, dbName);
  log(`PostgreSQL: ${process.env.BENCH_DATABASE_URL ? "BENCH_DATABASE_URL" : "embedded"}; migrating ${dbName}…`);
  await migrate(dbUrl);
  const redis = await ensureRedis();
  onCleanup(() => redis.stop());
  // The embedded server's data folder (its postmaster.pid says whose CPU is PostgreSQL's); none on BENCH_DATABASE_URL.
  return { dbUrl, redis, dataDir };
}
