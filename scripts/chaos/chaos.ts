/**
 * `npm run chaos`: postbacks with retries and duplicates while things break, then a check that
 * nothing was lost, done twice or paid wrongly (issue 13).
 *
 * Its own stack: a throwaway PostgreSQL database (embedded unless CHAOS_DATABASE_URL), its own
 * redis-server on a free port, the Stripe emulator in this process, the built web server and TWO
 * worker processes. A marketplace: one affiliate; a best-price offer (an order with a daily cap,
 * a small wallet that drains, an advertiser on auto-recharge with a saved card, a rich fallback),
 * a round-robin offer (three orders) and a CPA offer (one order); wallets funded through Checkout,
 * so ledger cash must equal the emulator's balance.
 *
 * Traffic: CHAOS_LEADS postbacks at CHAOS_RATE per second; a quarter of the new leads is also
 * posted a second time at the same moment (retries: 20% of the postbacks), a tenth repeats an
 * earlier person under a new lead id (duplicates). Postbacks refused along the way are sent once
 * more at the end, as an affiliate would. Meanwhile:
 *   - from the start, the Stripe emulator fails CHAOS_STRIPE_FAULT_RATE of its API calls
 *     (500 api_error or a dropped connection; POST /_emulator/faults);
 *   - at 30% of the postbacks, worker 1 is killed with SIGKILL and a new worker started;
 *   - at 60%, redis-server is stopped (every queued job is lost) and started again on the same port.
 * Then it waits up to CHAOS_DRAIN_SECONDS for the backlog (undecided leads, unprocessed outbox
 * messages, pending auto-recharges), turns the faults off and checks:
 *   - every lead the API accepted exists once, under the id it was answered with; retries made no second lead;
 *   - every lead is decided (SOLD/UNSOLD/REJECTED/HELD) and was processed once (no processing step twice on its timeline);
 *   - of a lead and its duplicate, at most one sold;
 *   - the order cap and the round-robin turns held; the ledger invariants (test/support/ledger-checks.ts);
 *   - ledger cash = the emulator's Stripe balance; the outbox is empty.
 * Prints a summary and exits 1 on any breach.
 *
 * Environment (all optional): CHAOS_LEADS (postbacks, default 4000), CHAOS_RATE (postbacks/s,
 * default 30), CHAOS_DRAIN_SECONDS (default 480), CHAOS_STRIPE_FAULT_RATE (default 0.1),
 * CHAOS_DATABASE_URL (an admin-capable PostgreSQL URL; default an embedded server in a temp folder).
 * Expects a build (`npx remix build`).
 */
import { randomBytes } from "node:crypto";
import Bull from "bull";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDatabase, databaseUrl, dropDatabase, migrate, startEmbeddedPostgres, tempClusterDir } from "../stack/postgres";
import { freePort } from "../stack/ports";
import { startWeb, startWorkers, type ServiceProcess } from "../stack/processes";
import { startEmulator } from "../stack/stripe";
import { startOwnRedis } from "./own-redis";
import { throwawayAppEnv } from "../bench/app-env";

function numberEnv(name: string, fallback: number, check: (n: number) => boolean): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new Error(`${name}=${raw} is out of range`);
  return value;
}
const postbacks = numberEnv("CHAOS_LEADS", 4000, (n) => Number.isInteger(n) && n >= 50);
const rate = numberEnv("CHAOS_RATE", 30, (n) => n > 0);
const drainSeconds = numberEnv("CHAOS_DRAIN_SECONDS", 480, (n) => n > 0);
const faultRate = numberEnv("CHAOS_STRIPE_FAULT_RATE", 0.1, (n) => n >= 0 && n <= 1);
const KILL_AT = 0.3;
const REDIS_RESTART_AT = 0.6;
const REDIS_DOWN_MS = 3000;
const MAX_IN_FLIGHT = 128;

const started = Date.now();
const clock = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (line: string) => process.stdout.write(`[chaos ${clock()}] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: Array<() => Promise<unknown>> = [];

interface Posted {
  /** Lead ids the API answered for this lead_id (a retry must name the same one). */
  ids: Set<string>;
  accepted: number;
  refused: number;
  lastRefusal?: string;
  body: string;
}

async function main() {
  // ---- stack -----------------------------------------------------------------------------------
  let adminUrl = process.env.CHAOS_DATABASE_URL;
  if (!adminUrl) {
    const dir = await tempClusterDir("leadex-chaos-pg-");
    cleanups.push(() => fsp.rm(dir, { recursive: true, force: true }));
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "data"), persistent: false });
    cleanups.push(() => pg.stop());
    adminUrl = pg.adminUrl;
  }
  const dbName = `leadex_chaos_${randomBytes(4).toString("hex")}`;
  await createDatabase(adminUrl, dbName);
  const admin = adminUrl;
  cleanups.push(() => dropDatabase(admin, dbName));
  const dbUrl = databaseUrl(adminUrl, dbName);
  log(`PostgreSQL: ${process.env.CHAOS_DATABASE_URL ? "CHAOS_DATABASE_URL" : "embedded"}; migrating ${dbName}…`);
  await migrate(dbUrl);
  const redis = await startOwnRedis(log);
  cleanups.push(() => redis.stop());

  const webPort = await freePort();
  const appUrl = `http://127.0.0.1:${webPort}`;
  const webhookSecret = "whsec_chaos";
  const logFile = path.join(os.tmpdir(), `leadex-chaos-${new Date().toISOString().replace(/[:.]/g, "-")}.log`);
  // The emulator's failures (injected or not) go to the log with the web's and workers' output.
  const emulatorLog = (line: string) => {
    if (/injected|-> 5\d\d|internal error/.test(line)) fs.appendFileSync(logFile, `[stripe] ${line}\n`);
  };
  const emulator = await startEmulator({ port: 0, webhookSecret, webhookUrl: `${appUrl}/webhooks/stripe`, log: emulatorLog });
  cleanups.push(() => emulator.close());
  const env = throwawayAppEnv({ kind: "chaos", dbUrl, redisUrl: redis.url, stripe: { apiBase: emulator.url, webhookSecret }, appUrl });
  Object.assign(process.env, env);
  const output = { file: logFile };
  const web = await startWeb({ env, port: webPort, output, graceMs: 10_000 });
  cleanups.push(() => web.stop());
  const workers = new Map<string, ServiceProcess>();
  const startWorker = async (name: string) => workers.set(name, await startWorkers({ env, output, name, graceMs: 20_000 }));
  cleanups.push(() => Promise.all([...workers.values()].map((w) => w.stop())));
  await startWorker("worker-1");
  await startWorker("worker-2");
  log(`web ${appUrl}, workers worker-1 and worker-2, redis ${redis.url}, Stripe emulator ${emulator.url}; their output in ${logFile}`);

  // ---- marketplace -----------------------------------------------------------------------------
  const { makeAdvertiser, makeAffiliate } = await import("../../test/factories/accounts");
  const { makeOffer, makeOrder } = await import("../../test/factories/marketplace");
  const { fundWallet } = await import("../../test/factories/billing");
  const { waitFor } = await import("../../test/support/wait");
  const { leadProcessingReport, unprocessedOutbox } = await import("../../test/support/lead-checks");
  const { cashAndStripeBalance, ledgerInvariantBreaches } = await import("../../test/support/ledger-checks");
  const { startCardSetup } = await import("~/modules/billing/saved-cards.server");
  const { saveAutoRechargeSettings } = await import("~/modules/billing/auto-recharge.server");
  const { prisma, disconnectDb } = await import("~/utils/db.server");
  const { SCHEDULED_TASKS, SCHEDULED_WORK_QUEUE } = await import("~/queues/scheduled-work.queue.server");
  cleanups.push(() => disconnectDb());

  const affiliate = await makeAffiliate();
  const bestPrice = await makeOffer(affiliate.actor, { title: "Chaos best-price offer" });
  const roundRobin = await makeOffer(affiliate.actor, { title: "Chaos round-robin offer" });
  await prisma.offer.update({ where: { id: roundRobin.id }, data: { distribution: "ROUND_ROBIN" } });
  const cpa = await makeOffer(affiliate.actor, {
    title: "Chaos CPA offer",
    pricingModel: "CPA",
    priceCents: 0,
    conversionEvents: [{ code: "funded", label: "Funded", payoutCents: 9000 }],
  });
  const buyer = async (fundCents: number) => {
    const advertiser = await makeAdvertiser();
    await fundWallet(advertiser.actor, fundCents, emulator);
    return advertiser;
  };
  const DAILY_CAP = 40;
  const capped = await makeOrder((await buyer(1_000_000)).actor, bestPrice.id, { priceCents: 4500, dailyCap: DAILY_CAP });
  const small = await makeOrder((await buyer(20_000)).actor, bestPrice.id, { priceCents: 4200 });
  const recharging = await buyer(30_000);
  const setupUrl = await startCardSetup(recharging.actor);
  await emulator.completeCheckoutSession(new URL(setupUrl).pathname.split("/").pop()!, "4242424242424242");
  await waitFor(
    "the card to be saved",
    async () => (await prisma.company.findUniqueOrThrow({ where: { id: recharging.actor.companyId } })).cardLast4 === "4242",
    {
      timeoutMs: 30_000,
    },
  );
  await saveAutoRechargeSettings(recharging.actor, { enabled: true, threshold: 20_000, amount: 50_000 });
  const rechargeOrder = await makeOrder(recharging.actor, bestPrice.id, { priceCents: 4000 });
  const fallback = await makeOrder((await buyer(10_000_000)).actor, bestPrice.id, { priceCents: 3000 });
  const turns = [];
  for (const price of [3000, 3200, 3400]) turns.push(await makeOrder((await buyer(10_000_000)).actor, roundRobin.id, { priceCents: price }));
  const cpaOrder = await makeOrder((await buyer(500_000)).actor, cpa.id, { priceCents: undefined });
  log(
    `market: best-price offer (capped order ${DAILY_CAP}/day at $45, small wallet $200 at $42, auto-recharge $200→+$500 at $40, fallback at $30), round-robin offer (3 orders), CPA offer (1 order)`,
  );

  // ---- traffic plan ----------------------------------------------------------------------------
  // New lead k: offer by k % 5 (0,1 best price; 2,3 round-robin; 4 CPA); k % 20 in {3, 6}: the person of lead k − 5 (same offer)
  // under a new lead id; k % 4 = 1: posted twice at the same moment. New leads ≈ 80% of the postbacks.
  const runId = randomBytes(3).toString("hex");
  const exchange = 200 + (parseInt(runId, 16) % 600);
  const offerOf = (k: number) => [bestPrice.id, bestPrice.id, roundRobin.id, roundRobin.id, cpa.id][k % 5];
  const isDuplicate = (k: number) => k >= 5 && (k % 20 === 3 || k % 20 === 6);
  const body = (k: number) => {
    const who = isDuplicate(k) ? k - 5 : k;
    return JSON.stringify({
      offer_id: offerOf(k),
      lead_id: `${runId}-${k}`,
      first_name: "Ada",
      last_name: "Lovelace",
      email: `chaos.${runId}.${who}@example.com`,
      phone: `(${[415, 510, 650, 408, 213][Math.floor(who / 10_000) % 5]}) ${exchange}-${String(who % 10_000).padStart(4, "0")}`,
      state: "CA",
      postal_code: "94107",
      time_on_form: "75",
      pages_viewed: "6",
    });
  };
  const plan: number[] = [];
  for (let k = 0; plan.length < postbacks; k++) {
    plan.push(k);
    if (k % 4 === 1 && plan.length < postbacks) plan.push(k);
  }
  const newLeads = new Set(plan).size;
  log(
    `traffic: ${postbacks} postbacks at ${rate}/s: ${newLeads} new leads (${plan.filter(isDuplicate).length} of them duplicates of an earlier person), ${postbacks - newLeads} retries; Stripe fails ${faultRate * 100}% of API calls`,
  );

  const posted = new Map<string, Posted>();
  const postOnce = async (leadId: string, text: string) => {
    const entry = posted.get(leadId) ?? { ids: new Set<string>(), accepted: 0, refused: 0, body: text };
    posted.set(leadId, entry);
    try {
      const res = await fetch(`${appUrl}/api/v1/leads`, {
        method: "POST",
        headers: { authorization: `Bearer ${affiliate.apiKey}`, "content-type": "application/json" },
        body: text,
        signal: AbortSignal.timeout(15_000),
      });
      const answer = (await res.json().catch(() => ({}))) as { lead_id?: string };
      if ((res.status === 200 || res.status === 201) && answer.lead_id) {
        entry.accepted++;
        entry.ids.add(answer.lead_id);
      } else {
        entry.refused++;
        entry.lastRefusal = `HTTP ${res.status} ${JSON.stringify(answer).slice(0, 200)}`;
      }
    } catch (error) {
      entry.refused++;
      entry.lastRefusal = error instanceof Error ? error.message : String(error);
    }
  };

  // ---- chaos -----------------------------------------------------------------------------------
  emulator.setFaults({ rate: faultRate });
  const events: string[] = [];
  const note = (line: string) => {
    events.push(`${clock()}  ${line}`);
    log(line);
  };
  let killDone: Promise<void> | undefined;
  let redisDone: Promise<void> | undefined;
  const killWorker = async () => {
    const victim = workers.get("worker-1")!;
    process.kill(victim.pid!, "SIGKILL");
    const exit = await victim.exited;
    note(`worker-1 (pid ${victim.pid}) killed with SIGKILL (exit ${exit.signal ?? exit.code}) mid-run`);
    workers.delete("worker-1");
    await sleep(2000);
    await startWorker("worker-3");
    note(`worker-3 started in its place (pid ${workers.get("worker-3")!.pid})`);
  };
  let redisDownMs = 0;
  const restartRedis = async () => {
    const t0 = Date.now();
    await redis.stop();
    note(`redis-server stopped (every queued job lost)`);
    await sleep(REDIS_DOWN_MS);
    await redis.start();
    redisDownMs = Date.now() - t0;
    note(`redis-server started again on port ${redis.port} after ${(redisDownMs / 1000).toFixed(1)} s`);
  };

  const postStart = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (let n = 0; n < plan.length; n++) {
    const due = postStart + (n / rate) * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const k = plan[n];
    const p = postOnce(`${runId}-${k}`, body(k)).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (!killDone && n >= plan.length * KILL_AT) killDone = killWorker();
    if (!redisDone && n >= plan.length * REDIS_RESTART_AT) redisDone = restartRedis();
    if (n > 0 && n % Math.max(1, Math.round(rate * 30)) === 0) log(`posted ${n} of ${plan.length}…`);
  }
  await Promise.all(inFlight);
  await killDone;
  await redisDone;
  const postSeconds = (Date.now() - postStart) / 1000;
  const refusedOnce = [...posted].filter(([, p]) => p.accepted === 0);
  log(`posted ${plan.length} in ${postSeconds.toFixed(0)} s; ${refusedOnce.length} lead(s) got no 2xx answer: sending each once more`);
  await Promise.all(refusedOnce.map(([leadId, p]) => postOnce(leadId, p.body)));

  // ---- drain -----------------------------------------------------------------------------------
  const affiliateId = affiliate.actor.companyId;
  const backlog = async () => {
    const [undecided, outbox, recharges] = await Promise.all([
      prisma.lead.count({ where: { affiliateId, status: { in: ["RECEIVED", "ACCEPTED"] } } }),
      unprocessedOutbox(),
      prisma.topUp.count({ where: { kind: "AUTO_RECHARGE", status: "PENDING" } }),
    ]);
    return { undecided, outbox: outbox.reduce((s, o) => s + o.count, 0), recharges };
  };
  const drainStart = Date.now();
  let lastSaid = 0;
  let left = await backlog();
  while (left.undecided + left.outbox + left.recharges > 0 && Date.now() - drainStart < drainSeconds * 1000) {
    if (Date.now() - lastSaid > 10_000) {
      log(`backlog: ${left.undecided} undecided leads, ${left.outbox} unprocessed outbox messages, ${left.recharges} pending auto-recharges`);
      lastSaid = Date.now();
    }
    await sleep(1000);
    left = await backlog();
  }
  const drained = left.undecided + left.outbox + left.recharges === 0;
  log(drained ? `backlog drained in ${((Date.now() - drainStart) / 1000).toFixed(0)} s` : `backlog NOT drained after ${drainSeconds} s`);
  const faults = emulator.setFaults({ rate: 0 });
  await emulator.waitForWebhooks();

  // ---- checks ----------------------------------------------------------------------------------
  const breaches: string[] = [];
  const breach = (what: string) => breaches.push(what);
  if (!drained) breach(`backlog not drained within ${drainSeconds} s: ${JSON.stringify(left)}`);

  const acceptedIds = [...posted].filter(([, p]) => p.accepted > 0);
  const stillRefused = [...posted].filter(([, p]) => p.accepted === 0);
  const twoIds = acceptedIds.filter(([, p]) => p.ids.size > 1);
  if (twoIds.length > 0) breach(`${twoIds.length} lead_id(s) answered with two different leads (${twoIds[0][0]})`);
  const stored = await prisma.lead.findMany({ where: { affiliateId }, select: { id: true, externalId: true, status: true, reasons: true } });
  const byExternal = new Map<string, string[]>();
  for (const l of stored) byExternal.set(l.externalId, [...(byExternal.get(l.externalId) ?? []), l.id]);
  const missing = acceptedIds.filter(([leadId, p]) => !(byExternal.get(leadId) ?? []).includes([...p.ids][0]));
  if (missing.length > 0) breach(`${missing.length} accepted lead(s) missing from the database (${missing[0][0]})`);
  const storedTwice = [...byExternal].filter(([, ids]) => ids.length > 1);
  if (storedTwice.length > 0) breach(`${storedTwice.length} lead_id(s) stored more than once`);
  const unexpected = stored.filter((l) => !posted.has(l.externalId));
  if (unexpected.length > 0) breach(`${unexpected.length} stored lead(s) nobody posted`);

  // One person, one sale: of a lead and its duplicate only one may be accepted (the verifier locks the person).
  const soldPerPerson = new Map<number, number>();
  for (const l of stored) {
    const k = Number(l.externalId.split("-")[1]);
    if (l.status === "SOLD") soldPerPerson.set(isDuplicate(k) ? k - 5 : k, (soldPerPerson.get(isDuplicate(k) ? k - 5 : k) ?? 0) + 1);
  }
  const soldTwice = [...soldPerPerson].filter(([, n]) => n > 1);
  if (soldTwice.length > 0) breach(`${soldTwice.length} person(s) sold twice: a lead and its duplicate both accepted (lead ${runId}-${soldTwice[0][0]})`);

  const leads = await leadProcessingReport(affiliateId);
  for (const b of leads.breaches) breach(b);

  const salesOf = (orderId: string) => prisma.leadSale.count({ where: { orderId } });
  const cappedSales = await salesOf(capped.id);
  if (cappedSales > DAILY_CAP) breach(`capped order sold ${cappedSales} leads, over its daily cap of ${DAILY_CAP}`);
  const turnSales = await Promise.all(turns.map((o) => salesOf(o.id)));
  if (Math.max(...turnSales) - Math.min(...turnSales) > 1) breach(`round-robin turns uneven: ${turnSales.join(" / ")}`);
  const ledgerBreaches = await ledgerInvariantBreaches();
  for (const b of ledgerBreaches) breach(`ledger: ${b}`);
  const { cashCents, stripeCents } = await cashAndStripeBalance();
  if (cashCents !== stripeCents) breach(`ledger cash ${cashCents} ≠ Stripe available + pending ${stripeCents}`);
  const scheduled = new Bull(SCHEDULED_WORK_QUEUE, redis.url, { prefix: env.QUEUE_PREFIX });
  const schedules = (await scheduled.getRepeatableJobs()).length;
  await scheduled.close();
  if (schedules !== SCHEDULED_TASKS.length) breach(`${schedules} of ${SCHEDULED_TASKS.length} scheduled tasks registered in Redis after its restart`);
  const outbox = await unprocessedOutbox();
  if (outbox.length > 0) breach(`outbox not empty: ${outbox.map((o) => `${o.count} ${o.queue}`).join(", ")}`);

  // ---- figures ---------------------------------------------------------------------------------
  const duplicateLeads = stored.filter((l) => isDuplicate(Number(l.externalId.split("-")[1])));
  const duplicatesRejected = duplicateLeads.filter((l) => l.status === "REJECTED").length;
  const originalsRejected = stored.filter((l) => l.status === "REJECTED" && !isDuplicate(Number(l.externalId.split("-")[1]))).length;
  const retriesAnswered = acceptedIds.reduce((s, [, p]) => s + Math.max(0, p.accepted - 1), 0);
  const [recharges, firstLast] = await Promise.all([
    prisma.topUp.groupBy({ by: ["status"], where: { kind: "AUTO_RECHARGE" }, _count: true }),
    prisma.$queryRawUnsafe<Array<{ first: Date; last: Date }>>(
      `SELECT min("receivedAt") AS first, max("processedAt") AS last FROM "Lead" WHERE "affiliateId" = $1`,
      affiliateId,
    ),
  ]);
  const span = (firstLast[0].last.getTime() - firstLast[0].first.getTime()) / 1000;
  const [smallSales, rechargeSales, fallbackSales, cpaSales] = await Promise.all([small, rechargeOrder, fallback, cpaOrder].map((o) => salesOf(o.id)));

  // Stop the workers gently: each says how many jobs it did.
  await Promise.all([...workers.values()].map((w) => w.stop()));
  workers.clear();
  const workerLog = fs.readFileSync(logFile, "utf8");
  const shares = [...workerLog.matchAll(/\[(worker-\d)\] .*jobs done: (\d+) lead-processing/g)].map((m) => `${m[1]} ${m[2]}`);
  const refusedAnswers = [...posted.values()].reduce((s, p) => s + p.refused, 0);
  const lastRefusal = [...posted.values()].find((p) => p.lastRefusal)?.lastRefusal;

  const rows: Array<[string, string]> = [
    ["postbacks sent", `${plan.length} in ${postSeconds.toFixed(0)} s (+${refusedOnce.length} re-sent after no 2xx answer)`],
    [
      "answers",
      `${acceptedIds.length} lead_ids accepted, ${retriesAnswered} retries answered with the same lead, ${refusedAnswers} refused answers${lastRefusal ? ` (e.g. ${lastRefusal})` : ""}, ${stillRefused.length} lead_ids never accepted`,
    ],
    ["leads stored", `${stored.length} (${storedTwice.length} lead_ids stored twice)`],
    [
      "statuses",
      Object.entries(leads.statuses)
        .map(([s, n]) => `${s} ${n}`)
        .join(", "),
    ],
    [
      "duplicates",
      `${duplicateLeads.length} posted: ${duplicatesRejected} rejected, and ${originalsRejected} times the original was (its duplicate was decided first); ${soldTwice.length} persons sold twice`,
    ],
    ["decided", `${stored.length} leads in ${span.toFixed(0)} s from first arrival to last decision (${(stored.length / span).toFixed(1)}/s)`],
    [
      "sales",
      `${leads.sales}: capped ${cappedSales}/${DAILY_CAP}, small wallet ${smallSales}, auto-recharge ${rechargeSales}, fallback ${fallbackSales}, round-robin ${turnSales.join("/")}, CPA ${cpaSales}`,
    ],
    ["auto-recharges", recharges.map((r) => `${r.status} ${r._count}`).join(", ") || "none"],
    ["Stripe faults", `${faults.injected.api_error} api_error + ${faults.injected.connection_reset} dropped connections of ${faults.calls} API calls`],
    ["worker jobs", `${shares.join(", ")} (worker-1 was killed: its count is lost)`],
    ["Redis", `down ${(redisDownMs / 1000).toFixed(1)} s; ${schedules} of ${SCHEDULED_TASKS.length} schedules registered again`],
    ["ledger", `${ledgerBreaches.length} invariant breaches; cash ${cashCents} vs Stripe ${stripeCents}`],
    ["outbox", outbox.length === 0 ? "empty" : outbox.map((o) => `${o.count} ${o.queue}`).join(", ")],
  ];
  log("");
  log("what happened:");
  for (const e of events) log(`  ${e}`);
  log("");
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)} | ${v}\n`);
  process.stdout.write("\n");
  if (breaches.length === 0) {
    process.stdout.write(
      `chaos run passed: every lead decided exactly once, ledger invariants hold, outbox empty (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
    );
  } else {
    process.stdout.write(
      `chaos run FAILED: ${breaches.length} breach(es):\n${breaches.map((b) => `  - ${b}`).join("\n")}\n(output of web and workers: ${logFile})\n`,
    );
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`[chaos] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  for (const step of cleanups.reverse()) await step().catch((e: unknown) => log(`cleanup: ${String(e)}`));
}
process.exit(process.exitCode ?? 0);
