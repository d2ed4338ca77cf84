/**
 * `npm run dev` / `bash scripts/run.sh`: the whole Leadex stack on one machine, with demo data.
 *
 *   Postgres  DATABASE_URL, else an embedded PostgreSQL with data in .data/pg (database "leadex")
 *   Redis     REDIS_URL, else 127.0.0.1:6379 if it answers, else a throwaway redis-server
 *   Stripe    STRIPE_SECRET_KEY (+ STRIPE_WEBHOOK_SECRET) for real Stripe test mode,
 *             else the local Stripe emulator (scripts/stripe-emulator)
 *
 * Expects `npx prisma generate` and `npx remix build` to have run (scripts/run.sh does both).
 */
import path from "node:path";
import { databaseExists, createDatabase, databaseUrl, migrate, redact, startEmbeddedPostgres } from "./postgres";
import { repoRoot } from "./paths";
import { isPortFree, preferredPort } from "./ports";
import { startWeb, startWorkers, type ServiceProcess } from "./processes";
import { ensureRedis } from "./redis";
import { startEmulator, type StripeEmulator } from "./stripe";

const DEMO_PG_PORT = 54329;
const EMULATOR_PORT = 12111;
const DEMO_DB = "leadex";

const say = (line: string) => process.stdout.write(`[leadex] ${line}\n`);
const warn = (line: string) => process.stderr.write(`[leadex] WARNING: ${line}\n`);

const cleanups: Array<{ name: string; run: () => Promise<void> }> = [];
let shuttingDown: Promise<never> | undefined;

function shutdown(code: number): Promise<never> {
  return (shuttingDown ??= (async () => {
    say("stopping…");
    for (const { name, run } of cleanups.reverse()) {
      try {
        await run();
      } catch (error) {
        warn(`stopping ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    process.exit(code);
  })());
}

for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
] as const) {
  process.on(signal, () => {
    if (shuttingDown) {
      warn(`${signal} again: exiting now`);
      process.exit(code);
    }
    void shutdown(code);
  });
}

async function main() {
  const env = process.env;

  // ---- web address -------------------------------------------------------------------------
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  if (!(await isPortFree(port))) {
    throw new Error(`Port ${port} is already in use. Stop whatever is listening there, or run with PORT=<another port>.`);
  }
  env.PORT = String(port);
  env.APP_URL ??= `http://localhost:${port}`;
  const appUrl = env.APP_URL.replace(/\/+$/, "");
  env.NODE_ENV ??= "production"; // a built bundle; "development" mode expects `remix dev`
  if (appUrl.startsWith("http://")) env.SECURE_COOKIES ??= "false";

  if (!env.BID_TOKEN_SECRET) {
    env.BID_TOKEN_SECRET = "leadex-demo-bid-token-secret-not-for-production";
    warn("BID_TOKEN_SECRET is not set: using a fixed development value. Set it for anything real.");
  }
  // A local demo's webhooks and postbacks may well point at a CRM on this machine.
  env.OUTBOUND_ALLOW_PRIVATE_ADDRESSES ??= "true";
  if (!env.SESSION_SECRET) {
    env.SESSION_SECRET = "leadex-demo-session-secret-not-for-production";
    warn("SESSION_SECRET is not set: using a fixed development value. Set it for anything real.");
  }

  // ---- Postgres ----------------------------------------------------------------------------
  let postgresWhere: string;
  if (env.DATABASE_URL) {
    postgresWhere = `DATABASE_URL ${redact(env.DATABASE_URL)}`;
  } else {
    const dataDir = path.join(repoRoot, ".data", "pg");
    say(`starting embedded PostgreSQL (data in ${path.relative(process.cwd(), dataDir) || dataDir})…`);
    const pg = await startEmbeddedPostgres({ dataDir, port: await preferredPort(DEMO_PG_PORT), persistent: true });
    cleanups.push({ name: "PostgreSQL", run: () => pg.stop() });
    if (!(await databaseExists(pg.adminUrl, DEMO_DB))) await createDatabase(pg.adminUrl, DEMO_DB);
    env.DATABASE_URL = databaseUrl(pg.adminUrl, DEMO_DB);
    postgresWhere = `embedded, data in ${dataDir}, ${redact(env.DATABASE_URL)}`;
  }
  say("applying migrations…");
  await migrate(env.DATABASE_URL);

  // ---- Redis -------------------------------------------------------------------------------
  const redis = await ensureRedis();
  cleanups.push({ name: "Redis", run: () => redis.stop() });
  env.REDIS_URL = redis.url;
  const redisWhere = {
    env: `REDIS_URL ${redact(redis.url)}`,
    local: `${redis.url} (already running on this machine)`,
    spawned: `${redis.url} (a redis-server started for this run, nothing saved)`,
  }[redis.source];

  // ---- Stripe ------------------------------------------------------------------------------
  let emulator: StripeEmulator | undefined;
  let stripeMode: string;
  if (env.STRIPE_SECRET_KEY) {
    if (!env.STRIPE_WEBHOOK_SECRET) warn("STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not; the app will refuse to start.");
    stripeMode = env.STRIPE_API_BASE
      ? `your Stripe-compatible API at ${env.STRIPE_API_BASE}`
      : `real Stripe (${env.STRIPE_SECRET_KEY.startsWith("sk_live_") ? "LIVE" : "test"} mode); forward webhooks to ${appUrl}/webhooks/stripe`;
  } else {
    env.STRIPE_SECRET_KEY = "sk_test_emulator";
    env.STRIPE_WEBHOOK_SECRET = "whsec_emulator_demo";
    emulator = await startEmulator({
      port: await preferredPort(EMULATOR_PORT),
      webhookSecret: env.STRIPE_WEBHOOK_SECRET,
      webhookUrl: `${appUrl}/webhooks/stripe`,
      log: (line) => process.stdout.write(`[stripe] ${line}\n`),
    });
    cleanups.push({ name: "Stripe emulator", run: () => emulator!.close() });
    env.STRIPE_API_BASE = emulator.url;
    stripeMode = `local emulator at ${emulator.url} (webhooks → ${appUrl}/webhooks/stripe)`;
  }

  // ---- web + workers -----------------------------------------------------------------------
  say(`starting the web server on port ${port}…`);
  const web = await startWeb({ env: {}, port, output: "inherit", ownProcessGroup: true });
  cleanups.push({ name: "web", run: () => web.stop() });
  say("starting the workers…");
  const workers = await startWorkers({ env: {}, output: "inherit", ownProcessGroup: true });
  cleanups.push({ name: "workers", run: () => workers.stop() });
  for (const child of [web, workers] as ServiceProcess[]) {
    void child.exited.then((e) => {
      if (shuttingDown) return;
      warn(`the ${child.name} process exited unexpectedly (${e.signal ?? `code ${e.code}`}).`);
      void shutdown(1);
    });
  }

  // ---- demo data ---------------------------------------------------------------------------
  say("seeding demo data…");
  const { seedDemo } = await import("../../prisma/seed");
  const { logins }: { logins: Array<{ role: string; email: string; password: string }> } = await seedDemo({
    appUrl,
    emulator,
    log: (line: string) => say(`seed: ${line}`),
  });

  const width = Math.max(...logins.map((l) => l.role.length), 4);
  const lines = [
    `Leadex is running: ${appUrl}`,
    "",
    "Demo logins:",
    ...(logins.length ? logins.map((l) => `  ${l.role.padEnd(width)}  ${l.email}  /  ${l.password}`) : ["  (the seed returned none)"]),
    "",
    `Stripe:   ${stripeMode}`,
    `Postgres: ${postgresWhere}`,
    `Redis:    ${redisWhere}`,
    "",
    "Press Ctrl-C to stop.",
  ];
  const rule = "─".repeat(Math.min(100, Math.max(...lines.map((l) => l.length)) + 2));
  process.stdout.write(`\n${rule}\n${lines.map((l) => (l ? ` ${l}` : "")).join("\n")}\n${rule}\n\n`);
}

main().catch(async (error: unknown) => {
  if (shuttingDown) return;
  process.stderr.write(`\n[leadex] could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof Error && error.stack && process.env.DEBUG) process.stderr.write(`${error.stack}\n`);
  await shutdown(1);
});
