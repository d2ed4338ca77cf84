/**
 * Once per `vitest run`: a PostgreSQL server (TEST_DATABASE_URL, an admin-capable URL, else an
 * embedded one in a fresh temp folder), a Redis, and a migrated template database that every test
 * file copies (see per-file.ts).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createDatabase, databaseUrl, dropDatabase, migrate, startEmbeddedPostgres, tempClusterDir } from "../../scripts/stack/postgres";
import { ensureRedis } from "../../scripts/stack/redis";

declare module "vitest" {
  export interface ProvidedContext {
    /** postgresql:// URL with rights to CREATE/DROP DATABASE. */
    leadexAdminUrl: string;
    /** Name of the migrated template database. */
    leadexTemplateDb: string;
    leadexRedisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const teardown: Array<() => Promise<void>> = [];
  const runTeardown = async () => {
    for (const step of teardown.reverse()) await step().catch((e: unknown) => process.stderr.write(`teardown: ${String(e)}\n`));
  };

  try {
    let adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) {
      const dir = await tempClusterDir("leadex-test-pg-");
      teardown.push(() => fs.rm(dir, { recursive: true, force: true }));
      const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "data"), persistent: false });
      teardown.push(() => pg.stop());
      adminUrl = pg.adminUrl;
    }

    const redis = await ensureRedis();
    teardown.push(() => redis.stop());

    const template = `leadex_tpl_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    await createDatabase(adminUrl, template);
    const admin = adminUrl;
    teardown.push(() => dropDatabase(admin, template));
    await migrate(databaseUrl(adminUrl, template));

    project.provide("leadexAdminUrl", adminUrl);
    project.provide("leadexTemplateDb", template);
    project.provide("leadexRedisUrl", redis.url);
  } catch (error) {
    await runTeardown();
    throw error;
  }
  return runTeardown;
}
