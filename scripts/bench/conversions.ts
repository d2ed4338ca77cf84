/**
 * `npm run bench:conversions`: conversions posted over HTTP (POST /api/v1/conversions) and billed by
 * the worker, end to end, on the real stack: web server, workers, PostgreSQL, Redis and the Stripe
 * emulator. Next to it, in the same run and driven by the same load generator, a bare baseline: a
 * plain Node handler doing one INSERT per request into a scratch table of the same PostgreSQL
 * (scripts/bench/bare-server.ts).
 *
 * The market is seeded through the app's modules (affiliates, CPA and CPS offers, advertisers,
 * orders, wallets funded by Checkout on the emulator); the delivered leads are written straight
 * into the database for speed (a Lead SOLD and its LeadSale on the CPA/CPS order, no charge, as
 * routing leaves them). Then `--conversions` reports are posted, `--concurrency` at a time: half
 * CPA actions, half CPS sales, spread over `--markets` independent markets (each its own
 * affiliate, advertiser and wallet). The clock runs from the first POST to the moment the last
 * conversion left RECEIVED (its `billedAt`).
 *
 *   --conversions N    conversions measured (default 5000), after --warmup (default 500)
 *   --concurrency C    requests in flight (default 64)
 *   --markets M        independent affiliate/advertiser pairs (default 4)
 *   --timeout-s S      how long to wait for the worker to bill everything (default 900)
 *   --cpu-prof         run the workers with `node --cpu-prof` and print their top self-time frames
 *   --cpu-prof-web     the same for the web server
 *   --profile-dir D    where the .cpuprofile files go (default: a temp folder, kept)
 *
 * BENCH_DATABASE_URL: an admin-capable PostgreSQL URL (default: an embedded server in a temp folder).
 * Expects a build (`npx remix build`). Target (issue 10): 2,000 conversions billed per second.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { prepareBenchServices } from "./bench-database";
import { freePort } from "../stack/ports";
import { spawnService, startWeb, startWorkers, type ServiceProcess } from "../stack/processes";
import { repoRoot } from "../stack/paths";
import { startEmulator } from "../stack/stripe";
import { runCounted, type CountedResult, type CountedTarget } from "./load";
import { summarizeCpuProfile } from "./cpu-profile";
import { throwawayAppEnv } from "./app-env";

const TARGET_BILLED_PER_SECOND = 2000;

const { values: args } = parseArgs({
  options: {
    conversions: { type: "string", default: "5000" },
    warmup: { type: "string", default: "500" },
    concurrency: { type: "string", default: "64" },
    markets: { type: "string", default: "4" },
    "timeout-s": { type: "string", default: "900" },
    "cpu-prof": { type: "boolean", default: false },
    "cpu-prof-web": { type: "boolean", default: false },
    "profile-dir": { type: "string" },
  },
});
const total = Number(args.conversions);
const warmup = Number(args.warmup);
const concurrency = Number(args.concurrency);
const markets = Number(args.markets);
const timeoutMs = Number(args["timeout-s"]) * 1000;
for (const [name, value] of Object.entries({ conversions: total, concurrency, markets, "timeout-s": timeoutMs })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
}
if (!Number.isInteger(warmup) || warmup < 0) throw new Error("--warmup must be a whole number");

const log = (line: string) => process.stdout.write(`${line}\n`);
const cleanups: Array<() => Promise<unknown>> = [];

/** One market: an affiliate's CPA and CPS offers, bought by one advertiser. */
interface Market {
  apiKey: string;
  advertiserId: string;
  cpa: { leadIds: string[] };
  cps: { leadIds: string[] };
}

const CPA_EVENT = { code: "qualified", label: "Qualified call", payoutCents: 100 };
const SALE_AMOUNT = "20.00"; // 5% of it: $1.00 per sale

async function main() {
  // ---- PostgreSQL, Redis, emulator -----------------------------------------------------------
  const { dbUrl, redis } = await prepareBenchServices((undo) => cleanups.push(async () => void (await undo())), log);

  const webPort = await freePort();
  const appUrl = `http://127.0.0.1:${webPort}`;
  const webhookSecret = "whsec_bench_conversions";
  const emulator = await startEmulator({ port: 0, webhookSecret, webhookUrl: `${appUrl}/webhooks/stripe`, log: () => {} });
  cleanups.push(() => emulator.close());

  const env = throwawayAppEnv({ kind: "bench", dbUrl, redisUrl: redis.url, stripe: { apiBase: emulator.url, webhookSecret }, appUrl });
  Object.assign(process.env, env);

  // ---- web server and workers ----------------------------------------------------------------
  const profileDir = args["profile-dir"] ?? (args["cpu-prof"] || args["cpu-prof-web"] ? await fs.mkdtemp(path.join(os.tmpdir(), "leadex-cpu-prof-")) : "");
  // One folder per process: node names each thread's profile itself (tsx's loader runs in a thread of its own).
  const profileArgs = (name: string) => ["--cpu-prof", `--cpu-prof-dir=${path.join(profileDir, name)}`];
  const logFile = path.join(os.tmpdir(), `leadex-bench-conversions-${Date.now().toString(36)}.log`);
  const web = await startWeb({
    env,
    port: webPort,
    output: { file: logFile },
    graceMs: 5000,
    nodeArgs: args["cpu-prof-web"] ? profileArgs("web") : [],
  });
  cleanups.push(() => web.stop());
  const workers = await startWorkers({ env, output: { file: logFile }, graceMs: 20_000, nodeArgs: args["cpu-prof"] ? profileArgs("workers") : [] });
  let workersStopped = false;
  cleanups.push(() => (workersStopped ? Promise.resolve() : workers.stop()));
  log(`web ${appUrl}, workers${args["cpu-prof"] ? " (profiled)" : ""}; their output in ${logFile}`);

  // ---- the market (through the modules), then the delivered leads (straight into the DB) -----
  const { makeAdvertiser, makeAffiliate } = await import("../../test/factories/accounts");
  const { makeOffer, makeOrder } = await import("../../test/factories/marketplace");
  const { fundWallet } = await import("../../test/factories/billing");
  const { prisma, disconnectDb } = await import("~/utils/db.server");
  const { findUnbalancedEntries } = await import("~/modules/ledger/ledger.server");
  cleanups.push(() => disconnectDb());

  const perMarket = Math.ceil((total + warmup) / markets);
  const perOffer = Math.ceil(perMarket / 2);
  // What a market spends at most (every conversion $1.00), with room to spare.
  const fundCents = Math.min(10_000_000, Math.max(10_000, perMarket * 100 * 2));
  const runId = randomBytes(3).toString("hex");
  const seedStart = performance.now();
  const market: Market[] = [];
  for (let m = 0; m < markets; m++) {
    const affiliate = await makeAffiliate();
    const advertiser = await makeAdvertiser();
    const cpaOffer = await makeOffer(affiliate.actor, { title: `Bench CPA ${m}`, pricingModel: "CPA", priceCents: 0, conversionEvents: [CPA_EVENT] });
    const cpsOffer = await makeOffer(affiliate.actor, { title: `Bench CPS ${m}`, pricingModel: "CPS", priceCents: 0, salePercentBps: 500 });
    const cpaOrder = await makeOrder(advertiser.actor, cpaOffer.id, { priceCents: undefined });
    const cpsOrder = await makeOrder(advertiser.actor, cpsOffer.id, { priceCents: undefined });
    await fundWallet(advertiser.actor, fundCents, emulator);
    const seedLeads = async (offerId: string, orderId: string, tag: string) => {
      const prefix = `bench_${runId}_${m}_${tag}_`;
      // Delivered an hour ago: every conversion dated now is inside the attribution window.
      await prisma.$executeRawUnsafe(
        `INSERT INTO "Lead" (id, "offerId", "affiliateId", "externalId", status, reasons, "rawFields", "subIds", "receivedAt", "processedAt")
         SELECT $1 || g, $2, $3, $1 || g, 'SOLD', '{}', '{}'::jsonb, '{"s1":"bench"}'::jsonb, now() - interval '1 hour', now() - interval '1 hour'
         FROM generate_series(1, $4::int) g`,
        prefix,
        offerId,
        affiliate.actor.companyId,
        perOffer,
      );
      await prisma.$executeRawUnsafe(
        `INSERT INTO "LeadSale" (id, "leadId", "orderId", "advertiserId", "pricingModel", "priceCents", "feeCents", currency, "soldAt")
         SELECT 'sale_' || $1 || g, $1 || g, $2, $3, $4::"PricingModel", 0, 0, 'usd', now() - interval '1 hour'
         FROM generate_series(1, $5::int) g`,
        prefix,
        orderId,
        advertiser.actor.companyId,
        tag.toUpperCase(),
        perOffer,
      );
      return Array.from({ length: perOffer }, (_, i) => `${prefix}${i + 1}`);
    };
    market.push({
      apiKey: advertiser.apiKey,
      advertiserId: advertiser.actor.companyId,
      cpa: { leadIds: await seedLeads(cpaOffer.id, cpaOrder.id, "cpa") },
      cps: { leadIds: await seedLeads(cpsOffer.id, cpsOrder.id, "cps") },
    });
  }
  await prisma.$executeRawUnsafe(`ANALYZE "Lead"`);
  await prisma.$executeRawUnsafe(`ANALYZE "LeadSale"`);
  log(
    `seeded ${markets} markets: ${markets * 2 * perOffer} delivered leads, wallets funded with $${(fundCents / 100).toFixed(2)} each, in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );

  // Request i: market i % M; within it CPA and CPS in turn, each on a lead of its own.
  const conversionRequest = (i: number) => {
    const m = market[i % markets];
    const k = Math.floor(i / markets);
    const cpa = k % 2 === 0;
    const leadId = (cpa ? m.cpa : m.cps).leadIds[Math.floor(k / 2)];
    const report = cpa
      ? { lead_id: leadId, conversion_id: `bench-${runId}-${i}`, event: CPA_EVENT.code }
      : { lead_id: leadId, conversion_id: `bench-${runId}-${i}`, amount: SALE_AMOUNT, currency: "USD" };
    return { headers: { authorization: `Bearer ${m.apiKey}` }, body: JSON.stringify(report) };
  };
  const leadex: CountedTarget = { url: `${appUrl}/api/v1/conversions`, request: conversionRequest, accepted: (s) => s === 202 };

  // ---- bare baseline -------------------------------------------------------------------------
  const barePort = await freePort();
  const bare = spawnService({
    name: "bare",
    command: process.execPath,
    args: ["--import", "tsx", path.join(repoRoot, "scripts/bench/bare-server.ts")],
    env: { ...process.env, DATABASE_URL: dbUrl, PORT: String(barePort), BARE_TABLE: "bench_bare_conversion" },
    output: () => {},
  });
  cleanups.push(() => bare.stop());
  await waitForPort(`http://127.0.0.1:${barePort}/`, bare);
  const bareTarget: CountedTarget = { url: `http://127.0.0.1:${barePort}/`, request: conversionRequest, accepted: (s) => s === 201 };

  // The machine is shared (tests, other benches): its load says how far the figures can be trusted.
  const load = () =>
    os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(", ");
  log(`\n${total} requests, ${concurrency} in flight (closed loop), to each system; ${warmup} warm-up requests first.`);
  log(`${os.cpus().length} CPUs; load average before the run: ${load()}\n`);
  // The same bodies to both: the baseline stores them, Leadex bills them.
  if (warmup > 0) await runCounted(bareTarget, concurrency, warmup, total);
  const bareResult = await runCounted(bareTarget, concurrency, total, 0);

  // ---- Leadex: warm up (and wait until billed), then measure ----------------------------------
  const billedState = async (afterMs: number) => {
    const [row] = await prisma.$queryRawUnsafe<Array<{ received: bigint; awaiting: bigint; done: bigint; last: Date | null }>>(
      `SELECT count(*) FILTER (WHERE status = 'RECEIVED') AS received,
              count(*) FILTER (WHERE status = 'RECEIVED' AND "reasonCode" = 'awaiting_funds') AS awaiting,
              count(*) FILTER (WHERE status <> 'RECEIVED') AS done,
              max(COALESCE("billedAt", "reversedAt")) AS last
       FROM "Conversion" WHERE "receivedAt" >= $1`,
      new Date(afterMs),
    );
    return { received: Number(row.received), awaiting: Number(row.awaiting), done: Number(row.done), last: row.last };
  };
  const waitUntilBilled = async (afterMs: number, expected: number) => {
    const deadline = Date.now() + timeoutMs;
    let backlogAtEnd: number | null = null;
    for (;;) {
      const state = await billedState(afterMs);
      backlogAtEnd ??= state.received;
      if (state.done + state.awaiting >= expected && state.received === state.awaiting) return { ...state, backlogAtEnd };
      if (Date.now() > deadline) return { ...state, backlogAtEnd, timedOut: true as const };
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  if (warmup > 0) {
    const warmStart = Date.now() - 1000;
    const warm = await runCounted(leadex, concurrency, warmup, total);
    if (warm.failed > 0) throw new Error(`warm-up failed: ${warm.firstFailure}`);
    await waitUntilBilled(warmStart, warmup);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const measuredFrom = Date.now() - 50;
  const leadexResult = await runCounted(leadex, concurrency, total, 0);
  const billed = await waitUntilBilled(measuredFrom, leadexResult.accepted);
  const lastBilledAt = billed.last?.getTime() ?? NaN;
  const endToEndSeconds = (lastBilledAt - leadexResult.startedAt) / 1000;
  const billedPerSecond = billed.done / endToEndSeconds;

  // ---- report --------------------------------------------------------------------------------
  const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "-");
  const row = (name: string, r: CountedResult, billedCol: string) =>
    `${name.padEnd(13)} | ${String(r.accepted).padStart(8)} | ${String(r.failed).padStart(6)} | ${fmt(r.acceptedPerSecond).padStart(9)} | ${fmt(r.p50, 2).padStart(7)} | ${fmt(r.p95, 2).padStart(7)} | ${fmt(r.p99, 2).padStart(7)} | ${billedCol}`;
  log("system        | answered |  other | answers/s |  p50 ms |  p95 ms |  p99 ms | billed/s end to end");
  log("--------------|----------|--------|-----------|---------|---------|---------|--------------------");
  log(row("bare baseline", bareResult, "- (one INSERT, nothing billed)"));
  log(row("leadex", leadexResult, `${fmt(billedPerSecond)} (${billed.done} billed in ${fmt(endToEndSeconds, 2)} s)`));
  log("");
  for (const [name, r] of [
    ["bare baseline", bareResult],
    ["leadex", leadexResult],
  ] as const) {
    if (r.firstFailure) log(`first refused or failed request (${name}): ${r.firstFailure}`);
  }
  log(`HTTP phase: ${fmt(leadexResult.seconds, 2)} s; still RECEIVED when the last answer came: ${billed.backlogAtEnd}`);
  log(`billing finished ${fmt((lastBilledAt - leadexResult.finishedAt) / 1000, 2)} s after the last answer`);
  if (billed.awaiting > 0) log(`WARNING: ${billed.awaiting} conversions are waiting for funds (not counted as billed)`);
  if ("timedOut" in billed) log(`WARNING: gave up waiting after ${timeoutMs / 1000} s with ${billed.received} conversions still RECEIVED`);
  log(`load average after the run: ${load()}`);
  log(`leadex vs bare baseline (answers/s): ${fmt((leadexResult.acceptedPerSecond / bareResult.acceptedPerSecond) * 100, 0)}%`);
  log(
    `conversions billed per second end to end: ${fmt(billedPerSecond)} (target ≥ ${TARGET_BILLED_PER_SECOND}) → ${billedPerSecond >= TARGET_BILLED_PER_SECOND ? "met" : "NOT met"}`,
  );

  const entries = await prisma.journalEntry.count({ where: { kind: { in: ["CONVERSION_ACTION", "CONVERSION_SALE"] } } });
  const unbalanced = await findUnbalancedEntries(prisma);
  log(`ledger: ${entries} conversion entries for ${billed.done + warmup} conversions; unbalanced entries: ${unbalanced.length}`);

  // ---- profiles ------------------------------------------------------------------------------
  if (args["cpu-prof"] || args["cpu-prof-web"]) {
    await workers.stop();
    workersStopped = true;
    await web.stop();
    for (const name of ["workers", "web"]) {
      const dir = path.join(profileDir, name);
      const files = await fs.readdir(dir).catch(() => [] as string[]);
      // The busiest thread's profile: the process's main thread (the others load modules).
      let busiest: { file: string; lines: string[]; busyUs: number } | undefined;
      for (const file of files.filter((f) => f.endsWith(".cpuprofile"))) {
        const summary = summarizeCpuProfile(JSON.parse(await fs.readFile(path.join(dir, file), "utf8")), repoRoot);
        if (!busiest || summary.busyUs > busiest.busyUs) busiest = { file: path.join(dir, file), ...summary };
      }
      if (!busiest) continue;
      log(`\nCPU profile of the ${name} (${busiest.file}; open it in Chrome DevTools → Performance):`);
      for (const line of busiest.lines) log(`  ${line}`);
    }
  }
}

async function waitForPort(url: string, service: ServiceProcess) {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url, { method: "POST", body: "{}", signal: AbortSignal.timeout(500) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${service.name} did not start: ${service.tail().join("\n")}`);
}

try {
  await main();
} finally {
  for (const step of cleanups.reverse()) await step().catch((e: unknown) => log(`cleanup: ${String(e)}`));
}
process.exit(0);
