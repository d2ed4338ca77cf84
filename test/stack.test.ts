import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { databaseUrl } from "../scripts/stack/postgres";
import { startTestStack, type TestStack } from "./support/stack";

describe("test stack", () => {
  let stack: TestStack | undefined;
  afterAll(async () => {
    await stack?.stop();
  });

  it("the web server answers health checks on a migrated database", async () => {
    stack = await startTestStack({ workers: false });
    const res = await fetch(`${stack.appUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(stack.env.DATABASE_URL).toBe(process.env.DATABASE_URL);
  });

  it("the template database has the migrated tables", async () => {
    const client = new pg.Client({ connectionString: databaseUrl(inject("leadexAdminUrl"), inject("leadexTemplateDb")) });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
      const tables = rows.map((r) => r.table_name);
      expect(tables).toContain("_prisma_migrations");
      expect(tables.length).toBeGreaterThan(1);
      const applied = await client.query("SELECT 1 FROM _prisma_migrations WHERE finished_at IS NOT NULL");
      expect(applied.rowCount).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });
});
