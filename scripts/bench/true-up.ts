/**
 * `npm run bench:true-up`: a true-up of 100,000 rows reconciled end to end on the real stack. An
 * advertiser with 100,000 CPS conversions (and 5,000 more leads it bought that never converted
 * at Leadex) sends its list as a CSV body to POST /api/v1/conversions/true-ups; the worker
 * matches it. The mix: 85,000 rows that match, 5,000 with another amount, 5,000 late conversions
 * (recordable), 3,000 on unknown leads, 1,000 repeated ids, 1,000 unreadable amounts; 10,000 of
 * Leadex's conversions are missing from the list. Timed: the upload (request → 202, the list
 * stored) and the matching (→ reconciled), next to a bare baseline in the same database: the
 * same 100,000 rows inserted by one statement and joined to the conversions by one query.
 *
 *   --rows N   rows in the list (default 100000; the mix keeps its proportions)
 *
 * PostgreSQL: DATABASE_URL (migrated here) when set, else an embedded server in a temp folder.
 * Expects a build (`npx remix build`). Target: reconciled in under 60 s.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { freePort } from "../stack/ports";
import { createDatabase, databaseUrl, migrate, redact, startEmbeddedPostgres, tempClusterDir } from "../stack/postgres";
import { startWeb, startWorkers } from "../stack/processes";
import { ensureRedis } from "../stack/redis";

const TARGET_SECONDS = 60;
const DAY_MS = 24 * 60 * 60 * 1000;
const say = (line: string) => process.stdout.write(`[bench:true-up] ${line}\n`);

const { values: flags } = parseArgs({ options: { rows: { type: "string", default: "100000" } } });
const listRows = Number(flags.rows);
if (!Number.isInteger(listRows) || listRows < 100) throw new Error("--rows must be an integer of at least 100");

// The mix, as shares of the list (they add up to the whole).
const share = (fraction: number) => Math.round(listRows * fraction);
const MIX = { matched: share(0.85), differs: share(0.05), late: share(0.05), unknown: share(0.03), repeated: share(0.01) };
const unreadable = listRows - MIX.matched - MIX.differs - MIX.late - MIX.unknown - MIX.repeated;
/** Leadex's conversions: those listed (matched and differing) and 10 % more the list leaves out. */
const conversions = MIX.matched + MIX.differs + share(0.1);
const leads = conversions + MIX.late;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const amountCents = (i: number) => 10_000 + (i % 500) * 100;
const cents = (c: number) => (c / 100).toFixed(2);

async function main() {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    let url = process.env.DATABASE_URL;
    if (url) say(`PostgreSQL: DATABASE_URL ${redact(url)}`);
    else {
      const dir = await tempClusterDir("leadex-bench-pg-");
      cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
      const embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, "data"), persistent: false });
      cleanups.push(() => embedded.stop());
      await createDatabase(embedded.adminUrl, "leadex_bench");
      url = databaseUrl(embedded.adminUrl, "leadex_bench");
      say(`PostgreSQL: embedded, port ${embedded.port}`);
    }
    await migrate(url);
    const redis = await ensureRedis();
    cleanups.push(() => redis.stop());
    Object.assign(process.env, {
      NODE_ENV: "production",
      DATABASE_URL: url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `leadex_bench_${randomBytes(3).toString("hex")}`,
      SESSION_SECRET: process.env.SESSION_SECRET ?? "bench-session-secret-0123456789",
      BID_TOKEN_SECRET: process.env.BID_TOKEN_SECRET ?? "bench-bid-token-secret-0123456789",
      STRIPE_SECRET_KEY: process.env.STRIPE_SECRET_KEY ?? "sk_test_bench",
      STRIPE_WEBHOOK_SECRET: process.env.STRIPE_WEBHOOK_SECRET ?? "whsec_bench",
      STRIPE_API_BASE: "http://127.0.0.1:9",
    });

    // ---- the market: one CPS offer (10 %), one advertiser, its leads and conversions --------------
    const { makeAdvertiser, makeAffiliate } = await import("../../test/factories/accounts");
    const { makeOffer, makeOrder } = await import("../../test/factories/marketplace");
    const { conversionTermsOf } = await import("../../app/modules/conversions/conversion-terms");
    const { prisma, disconnectDb } = await import("../../app/utils/db.server");
    cleanups.push(() => disconnectDb());
    const affiliate = await makeAffiliate();
    const offer = await makeOffer(affiliate.actor, { title: "Bench sales", pricingModel: "CPS", priceCents: 0, salePercentBps: 1000, conversionEvents: [] });
    const buyer = await makeAdvertiser();
    const order = await makeOrder(buyer.actor, offer.id, { priceCents: undefined });
    const terms = conversionTermsOf(offer, 2000);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    cleanups.push(() => db.end());

    const soldAt = new Date(Date.now() - 20 * DAY_MS);
    const occurredAt = new Date(soldAt.getTime() + DAY_MS);
    let started = performance.now();
    await db.query(
      `INSERT INTO "Lead" (id, "offerId", "affiliateId", "externalId", status, "rawFields", "subIds", "receivedAt")
       SELECT 'bl' || i, $1, $2, 'bench-' || i, 'SOLD', '{}', '{}', $3 FROM generate_series(0, $4::int - 1) i`,
      [offer.id, affiliate.actor.companyId, soldAt, leads],
    );
    await db.query(
      `INSERT INTO "LeadSale" (id, "leadId", "orderId", "advertiserId", "pricingModel", "priceCents", "feeCents", currency, "soldAt")
       SELECT 'bs' || i, 'bl' || i, $1, $2, 'CPS', 0, 0, 'usd', $3 FROM generate_series(0, $4::int - 1) i`,
      [order.id, buyer.actor.companyId, soldAt, leads],
    );
    // Payout 10 % of the sale, fee 20 % of the payout, both half-up (as conversion-terms.ts prices them).
    await db.query(
      `INSERT INTO "Conversion" (id, "advertiserId", "externalId", "leadId", "saleId", "orderId", "offerId", "affiliateId", kind, source,
                                 "saleAmountCents", currency, "payoutCents", "feeCents", "earningCents", terms, reported, status,
                                 "occurredAt", "billedAt", "lockAt", "lockedAt")
       SELECT 'bc' || i, $1, 'order-' || i, 'bl' || i, 'bs' || i, $2, $3, $4, 'SALE', 'API', a, 'usd', p, f, p - f, $5::jsonb, '{}',
              CASE WHEN i % 10 = 9 THEN 'LOCKED' ELSE 'PENDING' END::"ConversionStatus", $6::timestamp, $6::timestamp,
              CASE WHEN i % 10 = 9 THEN $6::timestamp ELSE $7::timestamp END, CASE WHEN i % 10 = 9 THEN $6::timestamp END
       FROM (SELECT i, 10000 + (i % 500) * 100 AS a FROM generate_series(0, $8::int - 1) i) s,
            LATERAL (SELECT (a * 1000 + 5000) / 10000 AS p) payout,
            LATERAL (SELECT (p * 2000 + 5000) / 10000 AS f) fee`,
      [
        buyer.actor.companyId,
        order.id,
        offer.id,
        affiliate.actor.companyId,
        JSON.stringify(terms),
        occurredAt,
        new Date(Date.now() + 10 * DAY_MS),
        conversions,
      ],
    );
    await db.query(`ANALYZE "Lead"; ANALYZE "LeadSale"; ANALYZE "Conversion"`);
    say(`seeded ${leads.toLocaleString("en-US")} leads and ${conversions.toLocaleString("en-US")} conversions in ${seconds(performance.now() - started)}`);

    // ---- the advertiser's list ---------------------------------------------------------------------
    const lines = ["conversion_id,lead_id,amount,currency,occurred_at"];
    const at = occurredAt.toISOString();
    for (let i = 0; i < MIX.matched; i++) lines.push(`order-${i},bl${i},${cents(amountCents(i))},USD,${at}`);
    for (let i = MIX.matched; i < MIX.matched + MIX.differs; i++) lines.push(`order-${i},bl${i},${cents(amountCents(i) + 100)},USD,${at}`);
    const lateAt = new Date(soldAt.getTime() + 2 * DAY_MS).toISOString();
    for (let i = conversions; i < conversions + MIX.late; i++) lines.push(`late-${i},bl${i},${cents(amountCents(i))},USD,${lateAt}`);
    for (let i = 0; i < MIX.unknown; i++) lines.push(`unknown-${i},no-such-lead-${i},50.00,USD,${lateAt}`);
    for (let i = 0; i < MIX.repeated; i++) lines.push(`order-${i},bl${i},${cents(amountCents(i))},USD,${at}`);
    for (let i = 0; i < unreadable; i++) lines.push(`bad-${i},bl0,-1,USD,${at}`);
    const csv = `${lines.join("\r\n")}\r\n`;
    say(`list: ${listRows.toLocaleString("en-US")} rows, ${(Buffer.byteLength(csv) / 1024 / 1024).toFixed(1)} MB of CSV`);

    // ---- bare baseline: the same rows in one INSERT, joined to the conversions in one query --------
    started = performance.now();
    const ids = lines.slice(1).map((l) => l.slice(0, l.indexOf(",")));
    const amounts = lines.slice(1).map((l) => Math.round(Number(l.split(",")[2]) * 100));
    await db.query(`CREATE TEMP TABLE bare_rows (n int, external_id text, amount_cents int)`);
    await db.query(`INSERT INTO bare_rows SELECT * FROM unnest($1::int[], $2::text[], $3::int[])`, [ids.map((_, i) => i + 2), ids, amounts]);
    const bare = await db.query<{ matched: number }>(
      `SELECT count(*) FILTER (WHERE c."saleAmountCents" = r.amount_cents)::int AS matched
       FROM bare_rows r JOIN "Conversion" c ON c."advertiserId" = $1 AND c."externalId" = r.external_id`,
      [buyer.actor.companyId],
    );
    const bareMs = performance.now() - started;
    say(`bare baseline (one INSERT of the rows, one join): ${seconds(bareMs)} (${bare.rows[0].matched.toLocaleString("en-US")} rows agree)`);

    // ---- Leadex: web server and workers, the list over HTTP, the worker matching it -------------------
    const port = await freePort();
    const logFile = path.join(os.tmpdir(), `leadex-bench-true-up-${Date.now().toString(36)}.log`);
    const env = { ...process.env, HOST: "127.0.0.1", APP_URL: `http://127.0.0.1:${port}` } as Record<string, string>;
    const web = await startWeb({ env, port, output: { file: logFile } });
    cleanups.push(() => web.stop());
    const workers = await startWorkers({ env, output: { file: logFile } });
    cleanups.push(() => workers.stop());
    say(`web server ${web.url} and workers (log ${logFile})`);

    started = performance.now();
    const periodStart = new Date(soldAt.getTime() - DAY_MS).toISOString().slice(0, 10);
    const periodEnd = new Date().toISOString().slice(0, 10);
    const response = await fetch(`${web.url}/api/v1/conversions/true-ups?period_start=${periodStart}&period_end=${periodEnd}`, {
      method: "POST",
      headers: { authorization: `Bearer ${buyer.apiKey}`, "content-type": "text/csv" },
      body: csv,
    });
    const answer = (await response.json()) as { true_up_id: string; rows: number };
    if (response.status !== 202) throw new Error(`the upload answered ${response.status}: ${JSON.stringify(answer)}`);
    const uploadMs = performance.now() - started;
    say(`upload: ${seconds(uploadMs)} (202, ${answer.rows.toLocaleString("en-US")} rows stored)`);

    let trueUp = await prisma.trueUp.findUniqueOrThrow({ where: { id: answer.true_up_id } });
    while (trueUp.status === "UPLOADED") {
      if (performance.now() - started > 5 * TARGET_SECONDS * 1000)
        throw new Error(`not reconciled after ${5 * TARGET_SECONDS} s: ${trueUp.error ?? "no error"}`);
      await new Promise((r) => setTimeout(r, 100));
      trueUp = await prisma.trueUp.findUniqueOrThrow({ where: { id: answer.true_up_id } });
    }
    const totalMs = performance.now() - started;
    say(`matched by the worker: ${seconds(totalMs - uploadMs)} after the upload answered`);
    const summary = trueUp.summary as Record<string, unknown>;
    say(`report: ${JSON.stringify(summary)}`);

    const expected = {
      matched: MIX.matched,
      amountDiffers: MIX.differs,
      onlyAdvertiser: MIX.late + MIX.unknown,
      onlyLeadex: conversions - MIX.matched - MIX.differs,
      refusedRows: MIX.repeated + unreadable,
    };
    const wrong = Object.entries(expected).filter(([key, value]) => summary[key] !== value);
    if (trueUp.status !== "RECONCILED" || wrong.length > 0) throw new Error(`unexpected report (${trueUp.status}): ${JSON.stringify({ expected, wrong })}`);

    say("");
    say(`true-up of ${listRows.toLocaleString("en-US")} rows: upload ${seconds(uploadMs)} + matching ${seconds(totalMs - uploadMs)} = ${seconds(totalMs)}`);
    say(`bare baseline: ${seconds(bareMs)} (${(totalMs / bareMs).toFixed(1)}× the bare database work)`);
    say(`target: reconciled in under ${TARGET_SECONDS} s → ${totalMs < TARGET_SECONDS * 1000 ? "met" : "NOT met"}`);
  } finally {
    for (const step of cleanups.reverse()) await step().catch((error: unknown) => say(`cleanup: ${String(error)}`));
  }
}

await main();
process.exit(0);
