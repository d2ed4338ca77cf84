/**
 * `npm run bench:pipeline`: speed to lead, end to end. Leads are posted over HTTP to the real web
 * server while TWO worker processes verify, score, route and bill them against PostgreSQL and Redis
 * on this machine; the clock runs from each lead's arrival (Lead.receivedAt) to its final decision
 * (its last status change: processedAt, or the last timeline event for a lead held for review),
 * both read from the database. Next to it, in the same run and with the same bodies, a bare
 * baseline (scripts/bench/bare-pipeline.ts): a plain Node HTTP server doing one INSERT and one Bull
 * add per lead, and two consumers doing one INSERT per job.
 *
 * Phases, for each system in turn (bare first, then Leadex):
 *   - burst: BENCH_BURST leads posted as fast as the intake takes them (64 in flight); decisions
 *     per second = leads decided / (last decision − first arrival);
 *   - fixed rates: BENCH_RATES leads/s (open loop) held for BENCH_SECONDS each; latency
 *     p50/p95/p99 from arrival to decision.
 * After each phase the bench waits up to BENCH_DRAIN_SECONDS for the backlog to be decided; leads
 * still undecided then count as slower than that in the percentiles (shown as ">N s") and are
 * removed (rows and jobs), so the next phase starts with an empty queue.
 *
 * Traffic mix (two offers of one affiliate, CPL, exclusive, best price): 70% leads that sell, 10%
 * duplicates (the email and phone of a lead posted just before, under a new lead id), 10% held for
 * review (an offer rule: a score below the accept threshold, which a short visit gets), 10% to
 * advertisers whose small wallets drain after a few sales (they bid highest, so every later lead
 * tries them first and is refused for funds before it sells to the next order).
 *
 * Environment (all optional):
 *   BENCH_SECONDS        seconds each fixed rate is held (default 20; the issue's target run uses 60)
 *   BENCH_RATES          fixed rates, leads/s (default 100,200)
 *   BENCH_BURST          leads in the saturation burst (default 1000)
 *   BENCH_DRAIN_SECONDS  how long to wait for a phase's backlog (default 30)
 *   BENCH_WORKERS        worker processes (default 2)
 *   BENCH_PROFILE=1      run the workers under `node --cpu-prof` and summarise where their time went
 *   BENCH_PROFILE_DIR    where the .cpuprofile files go (default /tmp/leadex-pipeline-prof-<time>)
 *   BENCH_DATABASE_URL   an admin-capable PostgreSQL URL (default: an embedded server in a temp folder)
 * Statements per lead are always counted (scripts/bench/count-queries.js, preloaded in the workers).
 * Expects a build (`npx remix build`). Targets (issue 13): ≥ 500 decided/s at saturation; p99 < 1 s at 200/s.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Bull from "bull";
import { prepareBenchServices } from "./bench-database";
import { selfTimeByArea, summarizeCpuProfile, type CpuProfile } from "./cpu-profile";
import { runCounted, runPhase, type LoadTarget } from "./load";
import { postmasterPidOf, treeCpuMs } from "./process-cpu";
import { freePort } from "../stack/ports";
import { spawnService, startWeb, startWorkers, type ServiceProcess } from "../stack/processes";
import { repoRoot } from "../stack/paths";
import { startEmulator } from "../stack/stripe";
import { throwawayAppEnv } from "./app-env";

const TARGET_DECIDED_PER_SECOND = 500;
const TARGET_P99_MS = 1000;
const TARGET_RATE = 200;

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}
const seconds = positiveInt("BENCH_SECONDS", 20);
const rates = (process.env.BENCH_RATES ?? "100,200").split(",").map(Number);
if (rates.some((r) => !Number.isInteger(r) || r < 1)) throw new Error("BENCH_RATES must be positive integers, e.g. 100,200");
const burst = positiveInt("BENCH_BURST", 1000);
const drainSeconds = positiveInt("BENCH_DRAIN_SECONDS", 30);
const workerCount = positiveInt("BENCH_WORKERS", 2);
const profile = process.env.BENCH_PROFILE === "1";
const BURST_CONCURRENCY = 64;

const log = (line: string) => process.stdout.write(`${line}\n`);
const cleanups: Array<() => Promise<unknown>> = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One lead's journey, read from the database: arrival and decision in ms since the epoch. */
interface Journey {
  receivedAt: number;
  decidedAt: number | null;
  status: string;
}

interface PhaseFigures {
  name: string;
  posted: number;
  refused: number;
  intakePerSecond: number;
  intakeP99: number;
  decided: number;
  /** Decided leads per second from the first arrival to the last decision. */
  decidedPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  undecided: number;
  statuses: Record<string, number>;
  queries?: { perLead: number; byKind: Record<string, number>; byStatement: Record<string, number> };
  /** CPU ms per decided lead of the system's workers, web server and PostgreSQL (all its processes). */
  cpuPerLead: { workers: number; web: number; postgres: number | null };
}

/** What a system under test is: how to post to it and how to read its leads' journeys back. */
interface System {
  name: string;
  target: LoadTarget;
  journeys(tag: string): Promise<Journey[]>;
  /** Root pids of its worker and web processes, for CPU accounting. */
  pids(): { workers: number[]; web: number[] };
  /** Removes what is still undecided of a phase (rows and queued jobs), so the next phase starts empty. */
  abandon(tag: string): Promise<number>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const { dbUrl, redis, dataDir } = await prepareBenchServices((undo) => cleanups.push(undo), log);
  const postgresPid = dataDir ? postmasterPidOf(dataDir) : undefined;
  const webPort = await freePort();
  const appUrl = `http://127.0.0.1:${webPort}`;
  const webhookSecret = "whsec_bench_pipeline";
  const emulator = await startEmulator({ port: 0, webhookSecret, webhookUrl: `${appUrl}/webhooks/stripe`, log: () => {} });
  cleanups.push(() => emulator.close());
  const runId = randomBytes(3).toString("hex");
  const env = throwawayAppEnv({ kind: "bench", dbUrl, redisUrl: redis.url, stripe: { apiBase: emulator.url, webhookSecret }, appUrl });
  const queuePrefix = env.QUEUE_PREFIX;
  Object.assign(process.env, env);

  // ---- the market, through the app's modules ---------------------------------------------------
  const { makeAdvertiser, makeAffiliate } = await import("../../test/factories/accounts");
  const { makeOffer, makeOrder } = await import("../../test/factories/marketplace");
  const { balanceCents, ledgerAccounts, postJournalEntry, findUnbalancedEntries } = await import("~/modules/ledger/ledger.server");
  const { prisma, disconnectDb } = await import("~/utils/db.server");
  cleanups.push(() => disconnectDb());

  const fund = (companyId: string, cents: bigint) =>
    prisma.$transaction((tx) =>
      postJournalEntry(tx, {
        idempotencyKey: `bench-pipeline-funding:${companyId}`,
        kind: "TOP_UP",
        description: "bench funding",
        postings: [
          { account: ledgerAccounts.stripeCash("usd"), amountCents: cents },
          { account: ledgerAccounts.advertiserWallet(companyId, "usd"), amountCents: -cents },
        ],
      }),
    );
  const affiliate = await makeAffiliate();
  const offers = [await makeOffer(affiliate.actor, { title: "Bench offer A" }), await makeOffer(affiliate.actor, { title: "Bench offer B" })];
  // A rich buyer on both offers (one wallet, two offers' leads), one rich buyer per offer, and per
  // offer a buyer with a small wallet who bids highest: it buys a few leads, then every lead tries it first.
  const shared = await makeAdvertiser();
  await fund(shared.actor.companyId, 50_000_000n);
  const smallWalletIds: string[] = [];
  for (const offer of offers) {
    await makeOrder(shared.actor, offer.id, { priceCents: 3000 });
    const rich = await makeAdvertiser();
    await fund(rich.actor.companyId, 50_000_000n);
    await makeOrder(rich.actor, offer.id, { priceCents: 3100 });
    const small = await makeAdvertiser();
    await fund(small.actor.companyId, 20_000n); // five leads at $40
    await makeOrder(small.actor, offer.id, { priceCents: 4000 });
    smallWalletIds.push(small.actor.companyId);
  }

  // Lead i: offer i % 2; every 10th (i % 10 = 3) repeats the contact of lead i − 2 (same offer)
  // under a new lead id; every 10th (i % 10 = 7) is a short visit the offer's rule holds for review.
  const CA_AREA_CODES = [415, 510, 650, 408, 213, 310, 619, 916, 707, 805];
  const leadBody = (i: number) => {
    const contact = i % 10 === 3 ? i - 2 : i;
    const shortVisit = i % 10 === 7;
    return JSON.stringify({
      offer_id: offers[i % 2].id,
      lead_id: `${runId}-ph${Math.floor(i / 1_000_000)}-${i}`,
      first_name: "Ada",
      last_name: "Lovelace",
      email: `ada.${runId}.${contact}@example.com`,
      phone: `(${CA_AREA_CODES[contact % 10]}) ${200 + (Math.floor(contact / 10_000) % 600)}-${String(contact % 10_000).padStart(4, "0")}`,
      state: "CA",
      postal_code: "94107",
      time_on_form: shortVisit ? "3" : "75",
      pages_viewed: shortVisit ? "1" : "6",
      s1: "bench",
    });
  };

  const load = () =>
    os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(", ");
  log(`${os.cpus().length} CPUs; load average before the run: ${load()}`);
  log(
    `phases per system: burst of ${burst} leads (${BURST_CONCURRENCY} in flight), then ${rates.join(" and ")} leads/s for ${seconds} s each; backlog waited for up to ${drainSeconds} s per phase`,
  );

  const phaseNumber = { next: 1 };
  const figures: Record<string, PhaseFigures[]> = {};

  // ---- bare baseline ---------------------------------------------------------------------------
  await prisma.$executeRawUnsafe(
    `CREATE TABLE bench_bare_pipeline_lead (id bigserial PRIMARY KEY, external_id text NOT NULL, body jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  );
  await prisma.$executeRawUnsafe(`CREATE INDEX ON bench_bare_pipeline_lead (external_id text_pattern_ops)`);
  await prisma.$executeRawUnsafe(
    `CREATE TABLE bench_bare_pipeline_decision (lead_id bigint PRIMARY KEY, decided_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  );
  const barePrefix = `bare_${runId}`;
  const bareEnv = { ...process.env, DATABASE_URL: dbUrl, REDIS_URL: redis.url, QUEUE_PREFIX: barePrefix };
  const bareScript = path.join(repoRoot, "scripts/bench/bare-pipeline.ts");
  const barePort = await freePort();
  const bareProcesses: ServiceProcess[] = [
    spawnService({
      name: "bare-web",
      command: process.execPath,
      args: ["--import", "tsx", bareScript],
      env: { ...bareEnv, BARE_ROLE: "web", PORT: String(barePort) },
      output: () => {},
    }),
    ...Array.from({ length: workerCount }, (_, n) =>
      spawnService({
        name: `bare-worker-${n + 1}`,
        command: process.execPath,
        args: ["--import", "tsx", bareScript],
        env: { ...bareEnv, BARE_ROLE: "worker" },
        output: () => {},
      }),
    ),
  ];
  cleanups.push(() => Promise.all(bareProcesses.map((p) => p.stop())));
  await waitForPost(`http://127.0.0.1:${barePort}/`, bareProcesses[0]);
  const bareQueue = new Bull("bare-pipeline", redis.url, { prefix: barePrefix });
  const bare: System = {
    name: "bare baseline",
    pids: () => ({ workers: bareProcesses.slice(1).flatMap((p) => (p.pid ? [p.pid] : [])), web: bareProcesses[0].pid ? [bareProcesses[0].pid] : [] }),
    target: { url: `http://127.0.0.1:${barePort}/`, headers: {}, body: leadBody, accepted: (s) => s === 201 },
    journeys: async (tag) => {
      const rows = await prisma.$queryRawUnsafe<Array<{ received: Date; decided: Date | null }>>(
        `SELECT l.received_at AS received, d.decided_at AS decided FROM bench_bare_pipeline_lead l
         LEFT JOIN bench_bare_pipeline_decision d ON d.lead_id = l.id WHERE l.external_id LIKE $1`,
        `${runId}-${tag}-%`,
      );
      return rows.map((r) => ({ receivedAt: r.received.getTime(), decidedAt: r.decided?.getTime() ?? null, status: r.decided ? "DECIDED" : "WAITING" }));
    },
    abandon: async (tag) => {
      await bareQueue.empty();
      return prisma.$executeRawUnsafe(
        `DELETE FROM bench_bare_pipeline_lead l WHERE external_id LIKE $1 AND NOT EXISTS (SELECT 1 FROM bench_bare_pipeline_decision d WHERE d.lead_id = l.id)`,
        `${runId}-${tag}-%`,
      );
    },
  };
  cleanups.push(() => bareQueue.close());
  figures[bare.name] = await runPhases(bare);
  await Promise.all(bareProcesses.map((p) => p.stop()));

  // ---- Leadex: web and two workers ---------------------------------------------------------------
  const queryDir = await fs.mkdtemp(path.join(os.tmpdir(), "leadex-pipeline-queries-"));
  cleanups.push(() => fs.rm(queryDir, { recursive: true, force: true }));
  const profileDir = profile ? (process.env.BENCH_PROFILE_DIR ?? path.join(os.tmpdir(), `leadex-pipeline-prof-${Date.now().toString(36)}`)) : "";
  const logFile = path.join(os.tmpdir(), `leadex-bench-pipeline-${Date.now().toString(36)}.log`);
  const web = await startWeb({ env, port: webPort, output: { file: logFile }, graceMs: 5000 });
  cleanups.push(() => web.stop());
  const workers: ServiceProcess[] = [];
  for (let n = 1; n <= workerCount; n++) {
    const nodeArgs = ["--import", path.join(repoRoot, "scripts/bench/count-queries.js")];
    // One folder per process: node names each thread's profile itself (tsx's loader runs in a thread of its own).
    if (profile) nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${path.join(profileDir, `worker-${n}`)}`);
    const worker = await startWorkers({ env: { ...env, BENCH_QUERY_COUNT_DIR: queryDir }, output: { file: logFile }, graceMs: 20_000, nodeArgs });
    workers.push(worker);
  }
  let workersStopped = false;
  cleanups.push(() => (workersStopped ? Promise.resolve() : Promise.all(workers.map((w) => w.stop()))));
  log(`\nLeadex: web ${appUrl} and ${workerCount} worker processes${profile ? ` (profiled into ${profileDir})` : ""}; their output in ${logFile}`);

  const leadQueue = new Bull("lead-processing", redis.url, { prefix: queuePrefix });
  cleanups.push(() => leadQueue.close());
  const readQueryCounts = async () => {
    const total = { total: 0, byKind: {} as Record<string, number>, byStatement: {} as Record<string, number> };
    for (const file of await fs.readdir(queryDir)) {
      const counts = JSON.parse(await fs.readFile(path.join(queryDir, file), "utf8").catch(() => "{}")) as typeof total;
      total.total += counts.total ?? 0;
      for (const [kind, n] of Object.entries(counts.byKind ?? {})) total.byKind[kind] = (total.byKind[kind] ?? 0) + n;
      for (const [key, n] of Object.entries(counts.byStatement ?? {})) total.byStatement[key] = (total.byStatement[key] ?? 0) + n;
    }
    return total;
  };
  const leadex: System = {
    name: "leadex",
    pids: () => ({ workers: workers.flatMap((w) => (w.pid ? [w.pid] : [])), web: web.pid ? [web.pid] : [] }),
    target: { url: `${appUrl}/api/v1/leads`, headers: { authorization: `Bearer ${affiliate.apiKey}` }, body: leadBody, accepted: (s) => s === 201 },
    journeys: async (tag) => {
      // The decision: the last status change (processedAt) or, for a lead held for review, its last timeline event.
      const rows = await prisma.$queryRawUnsafe<Array<{ received: Date; decided: Date | null; status: string }>>(
        `SELECT l."receivedAt" AS received, l.status::text AS status,
                CASE WHEN l.status IN ('RECEIVED', 'ACCEPTED') THEN NULL
                     ELSE GREATEST(l."processedAt", (SELECT max(e."createdAt") FROM "LeadEvent" e WHERE e."leadId" = l.id)) END AS decided
         FROM "Lead" l WHERE l."affiliateId" = $1 AND l."externalId" LIKE $2`,
        affiliate.actor.companyId,
        `${runId}-${tag}-%`,
      );
      return rows.map((r) => ({ receivedAt: r.received.getTime(), decidedAt: r.decided?.getTime() ?? null, status: r.status }));
    },
    abandon: async (tag) => {
      await leadQueue.empty();
      const ids = await prisma.$queryRawUnsafe<Array<{ id: string }>>(
        `DELETE FROM "Lead" WHERE "affiliateId" = $1 AND "externalId" LIKE $2 AND status = 'RECEIVED' RETURNING id`,
        affiliate.actor.companyId,
        `${runId}-${tag}-%`,
      );
      await prisma.outboxMessage.deleteMany({ where: { queue: "lead-processing", key: { in: ids.map((r) => `lead:${r.id}`) } } });
      return ids.length;
    },
  };

  // Calibrate the review hold: a full visit's score is the offer's accept threshold, so a short visit is held.
  const calibration = [0, 7].map((i) => i + 900_000);
  for (const i of calibration) {
    const res = await fetch(leadex.target.url, {
      method: "POST",
      headers: { ...leadex.target.headers, "content-type": "application/json" },
      body: leadBody(i),
    });
    if (res.status !== 201) throw new Error(`calibration lead refused: ${res.status} ${await res.text()}`);
  }
  const scores = await waitFor(async () => {
    const leads = await prisma.lead.findMany({ where: { externalId: { in: calibration.map((i) => `${runId}-ph0-${i}`) } } });
    return leads.length === 2 && leads.every((l) => l.qualityScore !== null && l.status !== "RECEIVED" && l.status !== "ACCEPTED") ? leads : undefined;
  }, 60_000);
  const full = scores.find((l) => l.externalId.endsWith("-900000"))!.qualityScore!;
  const short = scores.find((l) => l.externalId.endsWith("-900007"))!.qualityScore!;
  if (short >= full) throw new Error(`a short visit scored ${short}, a full one ${full}: the hold rule cannot tell them apart`);
  for (const offer of offers)
    await prisma.offer.update({ where: { id: offer.id }, data: { qualityRules: { ...(offer.qualityRules as object), acceptScore: full } } });
  log(`review hold: offers accept a score of ${full} (a full visit); a short visit scores ${short} and is held`);

  // Warm-up (JIT, pools, caches), not measured.
  await runPhase(leadex.target, 50, 4, 950_000);
  await waitForBacklog(leadex, "ph0", drainSeconds);

  figures[leadex.name] = await runPhases(leadex, readQueryCounts);

  const smallBalances = await Promise.all(smallWalletIds.map((id) => balanceCents(prisma, ledgerAccounts.advertiserWallet(id, "usd"))));
  const unbalanced = await findUnbalancedEntries(prisma);
  const sales = await prisma.leadSale.count();
  const doubleSold = await prisma.$queryRawUnsafe<Array<{ n: bigint }>>(
    `SELECT count(*) AS n FROM (SELECT "leadId" FROM "LeadSale" GROUP BY "leadId" HAVING count(*) > 1) x`,
  );

  // ---- report ----------------------------------------------------------------------------------
  const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "-");
  const ms = (n: number) => (n === Infinity ? `>${drainSeconds}s` : n >= 10_000 ? `${(n / 1000).toFixed(1)}s` : fmt(n));
  log("");
  log("system        | phase       | posted | intake/s | intake p99 ms | decided | decided/s | p50 ms | p95 ms | p99 ms | undecided | stmts/lead");
  log("--------------|-------------|--------|----------|---------------|---------|-----------|--------|--------|--------|-----------|-----------");
  for (const [system, phases] of Object.entries(figures)) {
    for (const f of phases) {
      log(
        [
          system.padEnd(13),
          f.name.padEnd(11),
          String(f.posted).padStart(6),
          fmt(f.intakePerSecond).padStart(8),
          fmt(f.intakeP99, 1).padStart(13),
          String(f.decided).padStart(7),
          fmt(f.decidedPerSecond, 1).padStart(9),
          ms(f.p50).padStart(6),
          ms(f.p95).padStart(6),
          ms(f.p99).padStart(6),
          String(f.undecided).padStart(9),
          (f.queries ? fmt(f.queries.perLead, 1) : "-").padStart(10),
        ].join(" | "),
      );
    }
  }
  log("");
  log("CPU ms per decided lead (user + system, from /proc; hardly moved by other load on the machine):");
  for (const [system, phases] of Object.entries(figures)) {
    for (const f of phases) {
      const c = f.cpuPerLead;
      const total = c.workers + c.web + (c.postgres ?? 0);
      log(
        `  ${system.padEnd(13)} ${f.name.padEnd(7)} workers ${fmt(c.workers, 2)}, web ${fmt(c.web, 2)}, PostgreSQL ${c.postgres === null ? "-" : fmt(c.postgres, 2)}; total ${fmt(total, 2)} → at most ${fmt((os.cpus().length * 1000) / Math.max(0.001, total))} decided/s on ${os.cpus().length} cores`,
      );
    }
  }
  log("");
  for (const f of figures.leadex) {
    const statuses = Object.entries(f.statuses)
      .map(([s, n]) => `${s.toLowerCase()} ${n}`)
      .join(", ");
    const kinds = f.queries
      ? Object.entries(f.queries.byKind)
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => `${k} ${n}`)
          .join(", ")
      : "";
    log(`leadex ${f.name}: ${statuses}${kinds ? `; statements: ${kinds}` : ""}`);
  }
  // Statements per decided lead by statement and table, over every Leadex phase (the profile's "fewer queries per lead").
  const perStatement = new Map<string, number>();
  let decidedAll = 0;
  for (const f of figures.leadex) {
    decidedAll += f.decided;
    for (const [k, n] of Object.entries(f.queries?.byStatement ?? {})) perStatement.set(k, (perStatement.get(k) ?? 0) + n);
  }
  log(
    `statements per decided lead, by statement and table: ${[...perStatement]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 16)
      .map(([k, n]) => `${k} ${(n / Math.max(1, decidedAll)).toFixed(1)}`)
      .join(", ")}`,
  );
  log(
    `ledger: ${sales} sales, ${unbalanced.length} unbalanced entries, ${Number(doubleSold[0]?.n ?? 0)} leads sold twice; small wallets left with ${smallBalances.map((c) => `$${(Number(c) / 100).toFixed(2)}`).join(", ")}`,
  );
  log(`load average after the run: ${load()}`);
  const saturation = figures.leadex.find((f) => f.name === "burst");
  const atTarget = figures.leadex.find((f) => f.name === `${TARGET_RATE}/s`);
  const bareSaturation = figures[bare.name].find((f) => f.name === "burst");
  if (saturation && bareSaturation) {
    log(
      `decided per second at saturation: ${fmt(saturation.decidedPerSecond, 1)} (bare ${fmt(bareSaturation.decidedPerSecond, 1)}; target ≥ ${TARGET_DECIDED_PER_SECOND}) → ${saturation.decidedPerSecond >= TARGET_DECIDED_PER_SECOND ? "met" : "NOT met"}`,
    );
  }
  if (atTarget) {
    log(
      `p99 arrival → decision at ${TARGET_RATE}/s for ${seconds} s: ${atTarget.p99 === Infinity ? ms(atTarget.p99) : `${ms(atTarget.p99)} ms`} (target < ${TARGET_P99_MS} ms, held 60 s) → ${atTarget.p99 < TARGET_P99_MS && atTarget.undecided === 0 ? "met" : "NOT met"}`,
    );
  }

  // ---- profiles --------------------------------------------------------------------------------
  if (profile) {
    await Promise.all(workers.map((w) => w.stop()));
    workersStopped = true;
    const byCategory = new Map<string, number>();
    let busyUs = 0;
    for (let n = 1; n <= workerCount; n++) {
      const dir = path.join(profileDir, `worker-${n}`);
      const files = (await fs.readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".cpuprofile"));
      let busiest: { file: string; profile: CpuProfile; busyUs: number; lines: string[] } | undefined;
      for (const file of files) {
        const parsed = JSON.parse(await fs.readFile(path.join(dir, file), "utf8")) as CpuProfile;
        const summary = summarizeCpuProfile(parsed, repoRoot, 15);
        if (!busiest || summary.busyUs > busiest.busyUs) busiest = { file: path.join(dir, file), profile: parsed, ...summary };
      }
      if (!busiest) continue;
      log(`\nCPU profile of worker ${n} (${busiest.file}; open it in Chrome DevTools → Performance):`);
      for (const line of busiest.lines) log(`  ${line}`);
      busyUs += busiest.busyUs;
      for (const [area, us] of selfTimeByArea(busiest.profile, repoRoot)) byCategory.set(categoryOf(area), (byCategory.get(categoryOf(area)) ?? 0) + us);
    }
    log(`\nworkers' busy time by kind of code (both workers, ${(busyUs / 1e6).toFixed(1)} s busy):`);
    for (const [category, us] of [...byCategory].sort((a, b) => b[1] - a[1])) {
      log(`  ${((us / Math.max(1, busyUs)) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${category}`);
    }
  }

  /** The phases of one system: the burst, then each fixed rate. */
  async function runPhases(system: System, queryCounts?: typeof readQueryCounts): Promise<PhaseFigures[]> {
    const results: PhaseFigures[] = [];
    const phases = [{ name: "burst", rate: 0 }, ...rates.map((rate) => ({ name: `${rate}/s`, rate }))];
    for (const phase of phases) {
      const number = phaseNumber.next++;
      const tag = `ph${number}`;
      const offset = number * 1_000_000;
      const before = await queryCounts?.();
      const cpuBefore = cpuNow(system);
      log(`${system.name}: ${phase.name}${phase.rate ? ` for ${seconds} s` : ` of ${burst} leads`}…`);
      const http =
        phase.rate === 0
          ? await runCounted(
              { url: system.target.url, request: (i) => ({ headers: system.target.headers, body: system.target.body(i) }), accepted: system.target.accepted },
              BURST_CONCURRENCY,
              burst,
              offset,
            )
          : await runPhase(system.target, phase.rate, seconds, offset);
      if (http.firstFailure) log(`  first refused request: ${http.firstFailure}`);
      await waitForBacklog(system, tag, drainSeconds);
      const cpuAfter = cpuNow(system);
      const journeys = await system.journeys(tag);
      const after = await queryCounts?.();
      const decided = journeys.filter((j) => j.decidedAt !== null);
      const latencies = journeys.map((j) => (j.decidedAt === null ? Infinity : j.decidedAt - j.receivedAt)).sort((a, b) => a - b);
      const first = Math.min(...journeys.map((j) => j.receivedAt));
      const last = Math.max(...decided.map((j) => j.decidedAt!));
      const statuses: Record<string, number> = {};
      for (const j of journeys) statuses[j.status] = (statuses[j.status] ?? 0) + 1;
      const abandoned = journeys.length - decided.length;
      if (abandoned > 0) log(`  ${abandoned} leads still undecided after ${drainSeconds} s: removed (${await system.abandon(tag)} rows) before the next phase`);
      const byKind: Record<string, number> = {};
      const byStatement: Record<string, number> = {};
      if (before && after) {
        for (const [k, n] of Object.entries(after.byKind)) byKind[k] = n - (before.byKind[k] ?? 0);
        for (const [k, n] of Object.entries(after.byStatement)) byStatement[k] = n - (before.byStatement[k] ?? 0);
      }
      results.push({
        name: phase.name,
        posted: http.accepted,
        refused: http.failed,
        intakePerSecond: http.acceptedPerSecond,
        intakeP99: http.p99,
        decided: decided.length,
        decidedPerSecond: decided.length / Math.max(0.001, (last - first) / 1000),
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        undecided: abandoned,
        statuses,
        cpuPerLead: {
          workers: (cpuAfter.workers - cpuBefore.workers) / Math.max(1, decided.length),
          web: (cpuAfter.web - cpuBefore.web) / Math.max(1, decided.length),
          postgres: cpuAfter.postgres === null || cpuBefore.postgres === null ? null : (cpuAfter.postgres - cpuBefore.postgres) / Math.max(1, decided.length),
        },
        queries: before && after ? { perLead: (after.total - before.total) / Math.max(1, decided.length), byKind, byStatement } : undefined,
      });
      await sleep(1000);
    }
    return results;
  }

  /** CPU ms used so far by the system's workers and web server, and by PostgreSQL (shared by both systems, each measured in its own phases). */
  function cpuNow(system: System) {
    const { workers, web } = system.pids();
    return { workers: treeCpuMs(workers), web: treeCpuMs(web), postgres: postgresPid ? treeCpuMs([postgresPid]) : null };
  }

  /** Waits until every lead of the phase is decided, or `capSeconds` pass; says how the backlog goes. */
  async function waitForBacklog(system: System, tag: string, capSeconds: number) {
    const deadline = Date.now() + capSeconds * 1000;
    let lastSaid = Date.now();
    for (;;) {
      const journeys = await system.journeys(tag);
      const waiting = journeys.filter((j) => j.decidedAt === null).length;
      if (waiting === 0 || Date.now() > deadline) return;
      if (Date.now() - lastSaid > 5000) {
        log(`  ${waiting} of ${journeys.length} leads waiting for a decision…`);
        lastSaid = Date.now();
      }
      await sleep(200);
    }
  }
}

/** Which kind of code a profile area is, for the ADR's "where the time went". */
function categoryOf(area: string): string {
  if (area === "(WebAssembly)") return "Prisma query compiler (WebAssembly)";
  if (area.startsWith("@prisma/client")) return "Prisma client runtime (query interpreter, serialisation)";
  if (area.startsWith("@prisma/")) return "Prisma driver adapter (@prisma/adapter-pg, driver-adapter-utils)";
  if (area.startsWith("app/generated")) return "Prisma generated client";
  if (/^(pg|pg-protocol|pg-types|pg-pool|postgres-[a-z-]+|pgpass)$/.test(area)) return "pg (PostgreSQL driver)";
  if (/^(bull|ioredis|redis-parser|cluster-key-slot|msgpackr|cron-parser|denque|standard-as-callback)$/.test(area)) return "Bull / ioredis";
  if (area.startsWith("app/") || area.startsWith("workers/")) return "Leadex code (app/, workers/)";
  if (area === "zod" || area === "libphonenumber-js") return `${area} (validation)`;
  if (area === "node core") return "Node core (sockets, streams, timers)";
  if (area === "(V8 / native)") return "V8 / native (GC, compiler, program)";
  return `other: ${area}`;
}

async function waitFor<T>(what: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await what();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(200);
  }
}

async function waitForPost(url: string, service: ServiceProcess) {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url, { method: "POST", body: "{}", signal: AbortSignal.timeout(500) });
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${service.name} did not start: ${service.tail().join("\n")}`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`[bench:pipeline] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  for (const step of cleanups.reverse()) await step().catch((e: unknown) => log(`cleanup: ${String(e)}`));
}
process.exit(process.exitCode ?? 0);
