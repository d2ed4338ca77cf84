/**
 * `npm run bench:reports`: the report pages' queries at a million leads. A fresh PostgreSQL
 * (BENCH_DATABASE_URL's server, else an embedded one) is seeded by set-based SQL (generate_series):
 * 10 affiliates (the first sends 40% of the leads), 30 CPL offers, 10 advertisers with 60 orders,
 * `--leads` leads over `--days` days with sub-ids, ~70% sold (each sale charged: a journal entry
 * with its fee and held-earning postings), ~3% returned (approved returns), ~5% of sales with a
 * CPA action, delivery and first-contact times. Then the rollups are computed (the nightly run
 * over every day, and the frequent run over two days), and every report query of every role is
 * timed over the default period (30 days) and the longest (`--days`): each module call alone,
 * then the whole page (as its loader runs it, charts included). Prints a table and the slowest.
 *
 *   --leads N     leads seeded (default 1000000)
 *   --days D      days they spread over (default 90)
 *   --repeat R    timed runs of each query; the median is shown (default 5)
 */
import { parseArgs } from "node:util";
import { prepareBenchServices } from "./bench-database";
import { throwawayAppEnv } from "./app-env";

const { values: args } = parseArgs({
  options: { leads: { type: "string", default: "1000000" }, days: { type: "string", default: "90" }, repeat: { type: "string", default: "5" } },
});
const LEADS = Number(args.leads);
const DAYS = Number(args.days);
const REPEAT = Number(args.repeat);
const cleanups: Array<() => Promise<unknown>> = [];
/** Closed before the services: the app's database pool and queues. */
const appCleanups: Array<() => Promise<unknown>> = [];
const log = (line: string) => console.log(line);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

async function main() {
  const { dbUrl, redis } = await prepareBenchServices((undo) => cleanups.push(undo), log);
  Object.assign(
    process.env,
    throwawayAppEnv({ kind: "bench", dbUrl, redisUrl: redis.url, stripe: { apiBase: "http://127.0.0.1:9", webhookSecret: "whsec_bench" } }),
  );
  // The app's modules read the environment when first imported.
  const { prisma, disconnectDb } = await import("~/utils/db.server");
  appCleanups.push(() => disconnectDb());
  const { refreshReportRollups } = await import("~/modules/reports/report-rollups.server");
  const { affiliateReport } = await import("~/modules/reports/affiliate-report.server");
  const { advertiserReport } = await import("~/modules/reports/advertiser-report.server");
  const { adminReport } = await import("~/modules/reports/admin-report.server");
  const { leadSeries, saleSeries } = await import("~/modules/reports/funnel.server");
  const { affiliateLeadsByOffer, buyerSalesByOffer, platformLeadsByOffer } = await import("~/modules/reports/by-offer.server");
  const { affiliateLeadsBySubId, buyerSalesByAffiliate, platformSalesByAdvertiser } = await import("~/modules/reports/by-source.server");
  const { buyerSpeedByOrder, platformSpeedByAdvertiser } = await import("~/modules/reports/speed-to-lead.server");
  const { readPlatformMoney } = await import("~/modules/reports/platform.server");
  const { resolveReportPeriod } = await import("~/modules/conversions/conversion-reports.schema");
  const { renderSeriesChart } = await import("~/modules/reports/report-charts.server");
  const { closeQueues } = await import("~/queues/queue.server");
  appCleanups.push(() => closeQueues());

  log(`Seeding ${LEADS.toLocaleString("en-US")} leads over ${DAYS} days…`);
  const seed = await timed(async () => {
    const run = (sql: string) => prisma.$executeRawUnsafe(sql);
    await run(`INSERT INTO "Company" (id, name, kind) SELECT 'aff' || a, 'Affiliate ' || a, 'AFFILIATE' FROM generate_series(0, 9) a`);
    await run(`INSERT INTO "Company" (id, name, kind) SELECT 'adv' || a, 'Advertiser ' || a, 'ADVERTISER' FROM generate_series(0, 9) a`);
    await run(`INSERT INTO "Offer" (id, "affiliateId", title, vertical, states, fields, "pricingModel", "priceCents")
      SELECT 'off' || o, 'aff' || (o / 3), 'Offer ' || o, 'insurance', '{}', '[]', 'CPL', 3200 FROM generate_series(0, 29) o`);
    await run(`INSERT INTO "Order" (id, "advertiserId", "offerId", "priceCents", filters)
      SELECT 'ord' || r, 'adv' || (CASE WHEN r % 2 = 0 THEN (r / 2) % 10 ELSE (r / 2 + 3) % 10 END), 'off' || (r / 2), 3200, '{}' FROM generate_series(0, 59) r`);
    await run(`INSERT INTO "LedgerAccount" (id, code, type, currency) VALUES ('acc-fees', 'platform:fees:usd', 'REVENUE', 'usd')`);
    await run(`INSERT INTO "LedgerAccount" (id, code, type, "companyId", currency)
      SELECT 'acc-held-' || a, 'affiliate:aff' || a || ':held:usd', 'LIABILITY', 'aff' || a, 'usd' FROM generate_series(0, 9) a`);
    // g → affiliate (the first gets 40%), offer, day, second of the day, fate (by g % 100).
    await run(`CREATE UNLOGGED TABLE bench_g AS
      SELECT g, (CASE WHEN abs(hashtext(g || 'a')) % 5 < 2 THEN 0 ELSE abs(hashtext(g || 'b')) % 10 END) AS aff,
        now()::timestamp(3) - make_interval(days => g % ${DAYS}) - make_interval(secs => (g::bigint * 7919) % 86400) AS at
      FROM generate_series(1, ${LEADS}) g`);
    await run(`ALTER TABLE bench_g ADD COLUMN offer int, ADD COLUMN fate int`);
    // Hashes, not g's residues: offers, sub-ids and fates independent of the day, as real traffic is.
    await run(`UPDATE bench_g SET offer = aff * 3 + abs(hashtext(g || 'o')) % 3, fate = abs(hashtext(g || 'f')) % 100`);
    await run(`INSERT INTO "Lead" (id, "offerId", "affiliateId", "externalId", status, reasons, "rawFields", "subIds", "receivedAt")
      SELECT 'l' || g, 'off' || offer, 'aff' || aff, 'x' || g,
        (CASE WHEN fate < 8 THEN 'REJECTED' WHEN fate < 10 THEN 'HELD' WHEN fate < 27 THEN 'UNSOLD' WHEN fate < 30 THEN 'RETURNED' ELSE 'SOLD' END)::"LeadStatus",
        '{}', '{}', jsonb_build_object('s1', 'src' || abs(hashtext(g || 's1')) % 25, 's2', 'camp' || abs(hashtext(g || 's2')) % 7), at
      FROM bench_g`);
    await run(`INSERT INTO "JournalEntry" (id, "idempotencyKey", kind, description, "createdAt")
      SELECT 'je' || g, 'bench:' || g, 'lead_sale', 'Lead sold', at + interval '2 seconds' FROM bench_g WHERE fate >= 27`);
    await run(`INSERT INTO "LeadSale" (id, "leadId", "orderId", "advertiserId", "priceCents", "feeCents", currency, "journalEntryId", "soldAt", "deliveredAt", "contactedAt")
      SELECT 's' || g, 'l' || g, 'ord' || (offer * 2 + g % 2), 'adv' || (CASE WHEN g % 2 = 0 THEN offer % 10 ELSE (offer + 3) % 10 END), 3200, 640, 'usd', 'je' || g,
        at + interval '2 seconds', at + make_interval(secs => 2 + g % 40),
        CASE WHEN g % 5 < 2 THEN at + make_interval(secs => 60 + (g::bigint * 13) % 3600) END
      FROM bench_g WHERE fate >= 27`);
    await run(`INSERT INTO "Posting" (id, "entryId", "accountId", "amountCents", currency, "createdAt")
      SELECT 'pf' || g, 'je' || g, 'acc-fees', -640, 'usd', at + interval '2 seconds' FROM bench_g WHERE fate >= 27`);
    await run(`INSERT INTO "Posting" (id, "entryId", "accountId", "amountCents", currency, "createdAt")
      SELECT 'ph' || g, 'je' || g, 'acc-held-' || aff, -2560, 'usd', at + interval '2 seconds' FROM bench_g WHERE fate >= 27`);
    await run(`INSERT INTO "Dispute" (id, kind, key, status, "leadId", "saleId", "orderId", "offerId", "advertiserId", "affiliateId", "openedByRole", "reasonCode", "createdAt", "updatedAt")
      SELECT 'd' || s.id, 'LEAD_RETURN', 'return:' || s.id, 'APPROVED', s."leadId", s.id, s."orderId", l."offerId", s."advertiserId", l."affiliateId", 'ADVERTISER', 'invalid_phone',
        s."soldAt" + interval '1 day', s."soldAt" + interval '1 day'
      FROM "LeadSale" s JOIN "Lead" l ON l.id = s."leadId" WHERE l.status = 'RETURNED'`);
    await run(`INSERT INTO "Conversion" (id, "advertiserId", "externalId", "leadId", "saleId", "orderId", "offerId", "affiliateId", kind, source, currency,
        "payoutCents", "feeCents", "earningCents", terms, reported, status, "occurredAt", "receivedAt", "billedAt")
      SELECT 'c' || s.id, s."advertiserId", 'c' || s.id, s."leadId", s.id, s."orderId", l."offerId", l."affiliateId", 'ACTION', 'API', 'usd',
        1500, 300, 1200, '{}', '{}', 'APPROVED', s."soldAt" + interval '3 days', s."soldAt" + interval '3 days', s."soldAt" + interval '3 days'
      FROM "LeadSale" s JOIN "Lead" l ON l.id = s."leadId" WHERE (hashtext(s.id) & 1023) < 51`);
    await run(`DROP TABLE bench_g`);
    await run(`ANALYZE`);
  });
  const counts = await prisma.$queryRaw<Array<{ leads: bigint; sales: bigint; returns: bigint; conversions: bigint }>>`
    SELECT (SELECT count(*) FROM "Lead") AS leads, (SELECT count(*) FROM "LeadSale") AS sales,
      (SELECT count(*) FROM "Dispute") AS returns, (SELECT count(*) FROM "Conversion") AS conversions`;
  const c = counts[0];
  log(`Seeded in ${(seed.ms / 1000).toFixed(1)} s: ${c.leads} leads, ${c.sales} sales, ${c.returns} returns, ${c.conversions} conversions.`);

  const full = await timed(() => refreshReportRollups({ days: DAYS + 1 }));
  log(
    `Rollup, every day (${DAYS + 1} days): ${(full.ms / 1000).toFixed(1)} s (${full.value.leadRows} lead rows, ${full.value.subIdRows} sub-id rows, ${full.value.saleRows} sale rows)`,
  );
  const nightly = await timed(() => refreshReportRollups({ days: 60 }));
  log(`Rollup, nightly (60 days): ${(nightly.ms / 1000).toFixed(1)} s`);
  const recent = await timed(() => refreshReportRollups({ days: 2 }));
  log(`Rollup, every few minutes (2 days): ${(recent.ms / 1000).toFixed(1)} s`);
  await prisma.$executeRawUnsafe(`ANALYZE`);

  const affiliate = { userId: "bench", companyId: "aff0", role: "AFFILIATE" as const };
  const advertiser = { userId: "bench", companyId: "adv0", role: "ADVERTISER" as const };
  const admin = { userId: "bench", companyId: "", role: "ADMIN" as const };
  const rows: Array<{ role: string; query: string; period: string; ms: number }> = [];
  for (const [label, from] of [
    ["30 days", undefined],
    [`${DAYS} days`, new Date(Date.now() - (DAYS - 1) * 86_400_000).toISOString().slice(0, 10)],
  ] as const) {
    const params = new URLSearchParams(from ? { from } : {});
    const period = resolveReportPeriod({ from });
    const queries: Array<[string, string, () => Promise<unknown>]> = [
      ["affiliate", "funnel by day", () => leadSeries("aff0", period, "day")],
      ["affiliate", "by offer", () => affiliateLeadsByOffer("aff0", period)],
      ["affiliate", "by sub-id s1", () => affiliateLeadsBySubId("aff0", "s1", period)],
      ["affiliate", "whole page", () => affiliateReport(affiliate, params)],
      ["advertiser", "funnel by day", () => saleSeries("adv0", period, "day")],
      ["advertiser", "by offer", () => buyerSalesByOffer("adv0", period)],
      ["advertiser", "by affiliate", () => buyerSalesByAffiliate("adv0", period)],
      ["advertiser", "speed to lead by order", () => buyerSpeedByOrder("adv0", period)],
      ["advertiser", "whole page", () => advertiserReport(advertiser, params)],
      ["admin", "funnel by day", () => leadSeries(null, period, "day")],
      ["admin", "ledger fees, held, available", () => readPlatformMoney(period, "day")],
      ["admin", "by offer", () => platformLeadsByOffer(period)],
      ["admin", "by advertiser", () => platformSalesByAdvertiser(period)],
      ["admin", "speed to lead by buyer", () => platformSpeedByAdvertiser(period)],
      ["admin", "whole page", () => adminReport(admin, params)],
      ["admin", "whole page without charts (CSV)", () => adminReport(admin, params, { charts: false })],
      [
        "any",
        "one chart drawn (SVG)",
        async () => {
          const days = Array.from({ length: period.until.getTime() / 86_400_000 - period.from.getTime() / 86_400_000 }, (_, i) => String(i));
          return renderSeriesChart({ id: "x", title: "x", caption: "x", categories: days, series: [{ name: "a", type: "bar", values: days.map(Number) }] });
        },
      ],
    ];
    for (const [role, query, fn] of queries) {
      await fn(); // warm
      const times: number[] = [];
      for (let i = 0; i < REPEAT; i++) times.push((await timed(fn)).ms);
      times.sort((a, b) => a - b);
      rows.push({ role, query, period: label, ms: times[Math.floor(times.length / 2)] });
    }
  }
  log("");
  log(`| role | query | period | median ms (of ${REPEAT}) |`);
  log("| --- | --- | --- | ---: |");
  for (const r of rows) log(`| ${r.role} | ${r.query} | ${r.period} | ${r.ms.toFixed(1)} |`);
  const slowest = rows.reduce((a, b) => (b.ms > a.ms ? b : a));
  log("");
  log(`Slowest report: ${slowest.role} ${slowest.query} over ${slowest.period}: ${slowest.ms.toFixed(1)} ms`);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const undo of [...appCleanups.reverse(), ...cleanups.reverse()]) await undo().catch(() => undefined);
  });
