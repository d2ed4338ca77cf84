/**
 * `npm run bench:auction`: decision latency of POST /api/v1/ping against the real web server and
 * a real PostgreSQL, with 10 local external buyers of which 2 are slow (they answer after the
 * deadline, so every ping waits for the full deadline).
 *
 *   --pings N          pings measured (default 500), after 20 warm-up pings
 *   --concurrency C    pings in flight at once (default 4)
 *   --deadline-ms D    PING_TIMEOUT_MS for the run (default: env PING_TIMEOUT_MS, else 50)
 *
 * PostgreSQL: DATABASE_URL (migrated here) when set, else an embedded server in a temp folder.
 * Expects a build (`npx remix build`). Target: p99 under 100 ms.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startFakeBuyer, type FakeBuyer } from "../../test/support/fake-buyer";
import { freePort } from "../stack/ports";
import { createDatabase, databaseUrl, migrate, redact, startEmbeddedPostgres, tempClusterDir } from "../stack/postgres";
import { startWeb } from "../stack/processes";

const TARGET_P99_MS = 100;
const BUYERS = 10;
const SLOW_BUYERS = 2;
const say = (line: string) => process.stdout.write(`[bench:auction] ${line}\n`);

const { values: flags } = parseArgs({
  options: {
    pings: { type: "string", default: "500" },
    concurrency: { type: "string", default: "4" },
    "deadline-ms": { type: "string", default: process.env.PING_TIMEOUT_MS ?? "50" },
  },
});
const pings = Number(flags.pings);
const concurrency = Number(flags.concurrency);
const deadlineMs = Number(flags["deadline-ms"]);
for (const [name, value] of [
  ["pings", pings],
  ["concurrency", concurrency],
  ["deadline-ms", deadlineMs],
] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    // ---- PostgreSQL ------------------------------------------------------------------------
    let url = process.env.DATABASE_URL;
    if (url) {
      say(`PostgreSQL: DATABASE_URL ${redact(url)}`);
    } else {
      const dir = await tempClusterDir("leadex-bench-pg-");
      cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
      const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, "data"), persistent: false });
      cleanups.push(() => pg.stop());
      await createDatabase(pg.adminUrl, "leadex_bench");
      url = databaseUrl(pg.adminUrl, "leadex_bench");
      say(`PostgreSQL: embedded, port ${pg.port}`);
    }
    await migrate(url);
    Object.assign(process.env, {
      NODE_ENV: "production",
      DATABASE_URL: url,
      SESSION_SECRET: process.env.SESSION_SECRET ?? "bench-session-secret-0123456789",
      BID_TOKEN_SECRET: process.env.BID_TOKEN_SECRET ?? "bench-bid-token-secret-0123456789",
      STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY ?? "sk_test_bench",
      STRIPE_WEBHOOK_SECRET: process.env.STRIPE_WEBHOOK_SECRET ?? "whsec_bench",
      PING_TIMEOUT_MS: String(deadlineMs),
      OUTBOUND_ALLOW_PRIVATE_ADDRESSES: "true", // the bench's buyers listen on 127.0.0.1
    });

    // ---- marketplace: one offer, 10 external buyers (2 slow), funded wallets --------------------
    const { makeAdvertiser, makeAffiliate } = await import("../../test/factories/accounts");
    const { makeOffer, makeOrder } = await import("../../test/factories/marketplace");
    const { ledgerAccounts, postJournalEntry } = await import("../../app/modules/ledger/ledger.server");
    const { prisma, disconnectDb } = await import("../../app/utils/db.server");
    cleanups.push(() => disconnectDb());

    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor);
    const buyers: FakeBuyer[] = [];
    for (let i = 0; i < BUYERS; i++) {
      const slow = i < SLOW_BUYERS;
      // Fast buyers think for 1-10 ms; slow ones answer at three times the deadline.
      const buyer = await startFakeBuyer({ bidCents: 3000 + i * 150, delayMs: slow ? deadlineMs * 3 : 1 + i });
      buyers.push(buyer);
      cleanups.push(() => buyer.close());
      const advertiser = await makeAdvertiser();
      const order = await makeOrder(advertiser.actor, offer.id, { priceCents: 3000 });
      await prisma.order.update({ where: { id: order.id }, data: { pingUrl: buyer.pingUrl, postUrl: buyer.postUrl } });
      await prisma.$transaction((tx) =>
        postJournalEntry(tx, {
          idempotencyKey: `bench-topup:${advertiser.actor.companyId}`,
          kind: "TOP_UP",
          description: "bench funding",
          postings: [
            { account: ledgerAccounts.stripeCash("usd"), amountCents: 1_000_000n },
            { account: ledgerAccounts.advertiserWallet(advertiser.actor.companyId, "usd"), amountCents: -1_000_000n },
          ],
        }),
      );
    }

    // ---- web server ------------------------------------------------------------------------
    const port = await freePort();
    const logFile = path.join(os.tmpdir(), `leadex-bench-auction-${Date.now().toString(36)}.log`);
    // BENCH_CPU_PROFILE_DIR=<dir> writes a V8 CPU profile of the web server (scripts/bench/cpu-profile.ts summarises it).
    const nodeArgs = process.env.BENCH_CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`] : [];
    const web = await startWeb({ env: { ...process.env, HOST: "127.0.0.1" } as Record<string, string>, nodeArgs, port, output: { file: logFile } });
    cleanups.push(() => web.stop());
    say(`web server ${web.url} (log ${logFile})`);

    const ping = async () => {
      const body = {
        offer_id: offer.id,
        state: "CA",
        postal_code: "94107",
        email_hash: randomBytes(32).toString("hex"),
      };
      const started = performance.now();
      const response = await fetch(`${web.url}/api/v1/ping`, {
        method: "POST",
        headers: { authorization: `Bearer ${affiliate.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as { bid: { price_cents: number } | null; bids_received: number };
      const ms = performance.now() - started;
      if (response.status !== 200) throw new Error(`ping answered ${response.status}: ${JSON.stringify(answer)}`);
      return { ms, bids: answer.bids_received, won: answer.bid?.price_cents ?? null };
    };
    const run = async (count: number) => {
      const results: Array<Awaited<ReturnType<typeof ping>>> = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, count) }, async () => {
          while (next < count) {
            next++;
            results.push(await ping());
          }
        }),
      );
      return results;
    };

    say(`deadline used: PING_TIMEOUT_MS=${deadlineMs} ms; ${BUYERS} external buyers (${SLOW_BUYERS} slow, answering after ${deadlineMs * 3} ms)`);
    await run(20);
    const started = performance.now();
    const results = await run(pings);
    const seconds = (performance.now() - started) / 1000;

    const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
    const p = (n: number) => percentile(latencies, n).toFixed(1);
    const bidsPerPing = results.reduce((s, r) => s + r.bids, 0) / results.length;
    const timeouts = await prisma.pingBid.count({ where: { status: "TIMEOUT" } });
    const p99 = percentile(latencies, 99);
    say(`${results.length} pings, concurrency ${concurrency}, ${(results.length / seconds).toFixed(1)} pings/s`);
    say(`decision latency ms: p50 ${p(50)}  p95 ${p(95)}  p99 ${p(99)}  max ${latencies[latencies.length - 1].toFixed(1)}`);
    say(`bids per ping: ${bidsPerPing.toFixed(2)} of ${BUYERS} buyers asked; slow-buyer timeouts recorded: ${timeouts}`);
    say(`winning price: ${results[0]?.won ?? "none"} cents`);
    say(`target p99 < ${TARGET_P99_MS} ms with a ${deadlineMs} ms deadline: ${p99 < TARGET_P99_MS ? "MET" : "NOT MET"}`);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e: unknown) => say(`cleanup: ${String(e)}`));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench:auction] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
