/**
 * Before every test file (in its own worker process): a fresh database copied from the migrated
 * template, a unique Bull queue prefix, and the app's environment. Also: any console.error during
 * a test fails that test (tests that expect one can stub console.error themselves).
 */
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeEach, inject } from "vitest";
import { createDatabase, databaseUrl, dropDatabase } from "../../scripts/stack/postgres";

const adminUrl = inject("leadexAdminUrl");
const id = `${process.pid}_${randomBytes(3).toString("hex")}`;
const dbName = `leadex_test_${id}`;

await createDatabase(adminUrl, dbName, { template: inject("leadexTemplateDb") });

Object.assign(process.env, {
  DATABASE_URL: databaseUrl(adminUrl, dbName),
  REDIS_URL: inject("leadexRedisUrl"),
  QUEUE_PREFIX: `leadex_test_${id}`,
  SESSION_SECRET: "test-session-secret-0123456789",
  BID_TOKEN_SECRET: "test-bid-token-secret-0123456789",
  DELIVERY_BACKOFF_MS: "200",
  PULL_API_SETTLE_MS: "0",
  // The fake CRMs, affiliates and buyers of the tests listen on 127.0.0.1.
  OUTBOUND_ALLOW_PRIVATE_ADDRESSES: "true",
  STRIPE_SECRET_KEY: "sk_test_emulator",
  STRIPE_WEBHOOK_SECRET: "whsec_test_leadex",
  NODE_ENV: "test",
});

afterAll(async () => {
  // The app's Prisma client (app/utils/db.server.ts) lives on globalThis once used.
  if ((globalThis as { leadexPrisma?: unknown }).leadexPrisma) {
    const { disconnectDb } = await import("~/utils/db.server");
    await disconnectDb();
  }
  await dropDatabase(adminUrl, dbName);
});

// ---- console.error fails the test --------------------------------------------------------------
let consoleErrors: string[] = [];
let realConsoleError: typeof console.error | undefined;

beforeEach(() => {
  consoleErrors = [];
  realConsoleError = console.error;
  const passThrough = realConsoleError;
  console.error = (...args: unknown[]) => {
    consoleErrors.push(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === "string" ? a : inspect(a))).join(" "));
    passThrough.apply(console, args);
  };
});

afterEach(() => {
  if (realConsoleError) console.error = realConsoleError;
  realConsoleError = undefined;
  if (consoleErrors.length > 0) {
    const errors = consoleErrors;
    consoleErrors = [];
    throw new Error(`console.error was called during this test:\n${errors.map((e) => `  - ${e}`).join("\n")}`);
  }
});
