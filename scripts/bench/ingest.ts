/**
 * `npm run bench:ingest`: posts leads over HTTP at rising rates and reports accepted leads per
 * second and p50/p99 answer latency for Leadex's postback endpoint, next to a bare baseline
 * measured in the same run (scripts/bench/bare-server.ts: one INSERT into the same PostgreSQL).
 *
 * Options: --rates 250,500,1000,1500  --seconds 5  --concurrency 32  --workers
 * After the saturation phases, both systems run at half the bare baseline's saturation rate (the p99 target).
 * BENCH_DATABASE_URL: an admin-capable PostgreSQL URL (default: an embedded server in a temp folder).
 */
import path from "node:path";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { freePort } from "../stack/ports";
import { spawnService, startWeb, startWorkers, type ServiceProcess } from "../stack/processes";
import { repoRoot } from "../stack/paths";
import { prepareBenchServices } from "./bench-database";
import { runPhase, runSaturation, type LoadTarget, type PhaseResult } from "./load";
import { throwawayAppEnv } from "./app-env";

const { values: args } = parseArgs({
  options: {
    rates: { type: "string", default: "250,500,1000,1500" },
    seconds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "32" },
    workers: { type: "boolean", default: false },
  },
});
const rates = args.rates.split(",").map(Number);
const seconds = Number(args.seconds);
const concurrency = Number(args.concurrency);
const TARGET_RATE = 1000;

const cleanups: Array<() => Promise<void>> = [];
const log = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  const { dbUrl, redis } = await prepareBenchServices((undo) => cleanups.push(async () => void (await undo())), log);

  // No Stripe behind intake: an address nothing answers on.
  const env = throwawayAppEnv({ kind: "bench", dbUrl, redisUrl: redis.url, stripe: { apiBase: "http://127.0.0.1:9", webhookSecret: "whsec_bench" } });
  Object.assign(process.env, env);

  // The seed goes through the app's own modules (imported after the env is set).
  const { makeAffiliate } = await import("../../test/factories/accounts");
  const { makeOffer } = await import("../../test/factories/marketplace");
  const affiliate = await makeAffiliate();
  const offer = await makeOffer(affiliate.actor, { title: "Bench offer" });
  const { prisma, disconnectDb } = await import("~/utils/db.server");

  const runId = randomBytes(3).toString("hex");
  const leadBody = (i: number) =>
    JSON.stringify({
      offer_id: offer.id,
      lead_id: `bench-${runId}-${i}`,
      first_name: "Ada",
      last_name: "Lovelace",
      email: `ada.${runId}.${i}@example.com`,
      phone: `(415) 555-${String(1000 + (i % 9000)).padStart(4, "0")}`,
      state: "CA",
      postal_code: "94107",
      s1: "bench",
    });

  // ---- bare baseline ----
  const barePort = await freePort();
  const bare = spawnService({
    name: "bare",
    command: process.execPath,
    args: ["--import", "tsx", path.join(repoRoot, "scripts/bench/bare-server.ts")],
    env: { ...process.env, DATABASE_URL: dbUrl, PORT: String(barePort) },
    output: () => {},
  });
  cleanups.push(() => bare.stop());
  await waitForPort(`http://127.0.0.1:${barePort}/`, bare);
  const bareTarget: LoadTarget = {
    url: `http://127.0.0.1:${barePort}/`,
    headers: {},
    body: leadBody,
    accepted: (s) => s === 201,
  };

  // ---- Leadex ----
  const webPort = await freePort();
  // BENCH_CPU_PROFILE_DIR=<dir> writes a V8 CPU profile of the web server (open it in Chrome DevTools).
  const nodeArgs = process.env.BENCH_CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];
  const web = await startWeb({ env: { ...env, APP_URL: `http://127.0.0.1:${webPort}` }, nodeArgs, port: webPort, output: () => {}, graceMs: 3000 });
  cleanups.push(() => web.stop());
  let workers: ServiceProcess | undefined;
  if (args.workers) {
    workers = await startWorkers({ env, output: () => {} });
    cleanups.push(() => workers!.stop());
  }
  const leadexTarget: LoadTarget = {
    url: `http://127.0.0.1:${webPort}/api/v1/leads`,
    headers: { authorization: `Bearer ${affiliate.apiKey}` },
    body: leadBody,
    accepted: (s) => s === 201,
  };

  log(`\nPhases of ${seconds}s at ${rates.join(", ")} leads/s (open loop), then ${seconds}s closed loop with ${concurrency} in flight.`);
  log(`Workers ${args.workers ? "running (verifying and routing while ingesting)" : "not running (ingest only; jobs wait in Redis)"}.\n`);

  const results: Record<string, { phases: PhaseResult[]; saturation: PhaseResult }> = {};
  let offset = 0;
  for (const [name, target] of [
    ["bare baseline", bareTarget],
    ["leadex", leadexTarget],
  ] as const) {
    // Warm-up: JIT, connection pools, caches.
    await runPhase(target, 200, 2, (offset += 1_000_000));
    const phases: PhaseResult[] = [];
    for (const rate of rates) {
      phases.push(await runPhase(target, rate, seconds, (offset += 1_000_000)));
      await new Promise((r) => setTimeout(r, 500));
    }
    const saturation = await runSaturation(target, concurrency, seconds, (offset += 1_000_000));
    results[name] = { phases, saturation };
  }

  // The latency target is set at half the bare baseline's saturation rate, which only this run knows.
  const half = Math.max(1, Math.round(results["bare baseline"].saturation.acceptedPerSecond / 2));
  const atHalf: Record<string, PhaseResult> = {};
  for (const [name, target] of [
    ["bare baseline", bareTarget],
    ["leadex", leadexTarget],
  ] as const) {
    await new Promise((r) => setTimeout(r, 500));
    atHalf[name] = await runPhase(target, half, seconds, (offset += 1_000_000));
  }

  const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "-");
  log("target/s | system        | accepted/s | p50 ms | p99 ms | failed | shed");
  log("---------|---------------|------------|--------|--------|--------|-----");
  for (let i = 0; i < rates.length; i++) {
    for (const name of Object.keys(results)) {
      const p = results[name].phases[i];
      log(
        `${String(rates[i]).padStart(8)} | ${name.padEnd(13)} | ${fmt(p.acceptedPerSecond).padStart(10)} | ${fmt(p.p50, 2).padStart(6)} | ${fmt(p.p99, 2).padStart(6)} | ${String(p.failed).padStart(6)} | ${p.shed}`,
      );
    }
  }
  for (const name of Object.keys(results)) {
    const s = results[name].saturation;
    log(
      `     max | ${name.padEnd(13)} | ${fmt(s.acceptedPerSecond).padStart(10)} | ${fmt(s.p50, 2).padStart(6)} | ${fmt(s.p99, 2).padStart(6)} | ${String(s.failed).padStart(6)} | -`,
    );
  }
  for (const [name, p] of Object.entries(atHalf)) {
    log(
      `${String(half).padStart(8)} | ${name.padEnd(13)} | ${fmt(p.acceptedPerSecond).padStart(10)} | ${fmt(p.p50, 2).padStart(6)} | ${fmt(p.p99, 2).padStart(6)} | ${String(p.failed).padStart(6)} | ${p.shed}   (half the bare baseline's saturation)`,
    );
  }
  for (const name of Object.keys(results)) {
    const failure = [...results[name].phases, results[name].saturation].find((p) => p.firstFailure)?.firstFailure;
    if (failure) log(`first failure (${name}): ${failure}`);
  }

  const ratio = results.leadex.saturation.acceptedPerSecond / results["bare baseline"].saturation.acceptedPerSecond;
  const at1000 = results.leadex.phases[rates.indexOf(TARGET_RATE)];
  log("");
  log(`throughput vs bare baseline: ${(ratio * 100).toFixed(0)}% (target ≥ 60%) → ${ratio >= 0.6 ? "met" : "NOT met"}`);
  if (at1000) {
    const ok = at1000.p99 < 25 && at1000.failed === 0 && at1000.shed === 0;
    log(`p99 at ${TARGET_RATE} leads/s: ${fmt(at1000.p99, 2)} ms (target < 25 ms) → ${ok ? "met" : "NOT met"}`);
  }
  const h = atHalf.leadex;
  const halfOk = h.p99 < 25 && h.failed === 0 && h.shed === 0;
  log(`p99 at half the bare baseline's rate (${half} leads/s): ${fmt(h.p99, 2)} ms, ${h.shed} shed (target < 25 ms) → ${halfOk ? "met" : "NOT met"}`);
  const stored = await prisma.lead.count();
  log(`leads stored by Leadex in this run: ${stored}`);
  await disconnectDb();
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
