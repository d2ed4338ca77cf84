import { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";

// The report rollups (docs/architecture.md, "Reports and rollups"): DailyLeadRollup (leads by
// the day received), DailySubIdRollup (the same by sub-id) and DailySaleRollup (sales by the day
// sold and order). A refresh recomputes every day from `fromDay` on, in one transaction under an
// advisory lock: DELETE those days, INSERT … SELECT … GROUP BY from the base tables. Running it
// twice, at once or again, gives the same rows.
//
// What each figure is, per lead (a lead's facts are its sales'):
//   accepted   passed verification (ACCEPTED, SOLD, UNSOLD, RETURNED)
//   sold       has a sale; converted: a sale with a conversion standing (not rejected, fraud or reversed)
//   returned   a sale whose return was approved
//   spend      what buyers pay and keep paying: CPL prices charged and not returned, plus billed
//              conversion payouts less their reversals
//   fees       the platform's share of that; earnings: the affiliate's (a return at the
//              platform's cost leaves the affiliate its earning)

/** Growth of the speed-to-lead buckets: 10%, so a percentile read from them is within 5%. */
export const SPEED_BUCKET_GROWTH = 1.1;

/** The speed bucket of a number of seconds: 0 under a second, else 1 + floor(log_1.1(seconds)). */
function speedBucketSql(seconds: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(CASE WHEN ${seconds} < 1 THEN 0 ELSE 1 + floor(ln(${seconds}::float8) / ln(${Prisma.raw(String(SPEED_BUCKET_GROWTH))}::float8))::int END)`;
}

/** The seconds a bucket stands for: its geometric middle (0 for bucket 0). */
export function speedBucketSeconds(bucket: number): number {
  return bucket === 0 ? 0 : Math.round(SPEED_BUCKET_GROWTH ** (bucket - 0.5));
}

/** How many recent days the frequent refresh recomputes (today and yesterday). */
export const RECENT_ROLLUP_DAYS = 2;
/** How many days the nightly refresh recomputes: late conversions and returns land in them. */
export const FULL_ROLLUP_DAYS = 60;

const ROLLUP_LOCK = 7_314_021;
const DAY_MS = 86_400_000;

export interface RollupRefresh {
  fromDay: string;
  leadRows: number;
  subIdRows: number;
  saleRows: number;
  ms: number;
}

/** The UTC day `days - 1` days before `now` (days = 1: today). */
export function rollupFromDay(days: number, now: Date = new Date()): string {
  return new Date(now.getTime() - (days - 1) * DAY_MS).toISOString().slice(0, 10);
}

/** Recomputes the rollups for every day from `days - 1` days ago on. */
export async function refreshReportRollups(opts: { days: number; now?: Date }): Promise<RollupRefresh> {
  const started = Date.now();
  const fromDay = rollupFromDay(opts.days, opts.now);
  const since = new Date(`${fromDay}T00:00:00.000Z`);
  const counts = await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ROLLUP_LOCK})`;
      await tx.$executeRaw`
        CREATE TEMP TABLE report_sale_facts ON COMMIT DROP AS
        SELECT s.id, s."leadId", s."orderId", s."advertiserId", o."offerId", l."affiliateId", s.currency, s."soldAt"::date AS day,
          s."deliveredAt" IS NOT NULL AS delivered, s."contactedAt" IS NOT NULL AS contacted,
          CASE WHEN s."deliveredAt" IS NOT NULL THEN GREATEST(EXTRACT(EPOCH FROM s."deliveredAt" - l."receivedAt"), 0) END AS deliver_seconds,
          CASE WHEN s."contactedAt" IS NOT NULL THEN GREATEST(EXTRACT(EPOCH FROM s."contactedAt" - l."receivedAt"), 0) END AS contact_seconds,
          r."saleId" IS NOT NULL AS returned,
          COALESCE(c.standing, 0) AS actions,
          (CASE WHEN s."journalEntryId" IS NOT NULL AND r."saleId" IS NULL THEN s."priceCents" ELSE 0 END + COALESCE(c.payout, 0))::bigint AS spend,
          (CASE WHEN s."journalEntryId" IS NOT NULL AND r."saleId" IS NULL THEN s."feeCents" ELSE 0 END + COALESCE(c.fee, 0))::bigint AS fees,
          (CASE WHEN s."journalEntryId" IS NOT NULL AND (r."saleId" IS NULL OR r.at_platform_cost) THEN s."priceCents" - s."feeCents" ELSE 0 END
            + COALESCE(c.earning, 0))::bigint AS earnings,
          COALESCE(c.sale_amount, 0)::bigint AS sale_amount, COALESCE(c.with_amount, 0) AS with_amount
        FROM "LeadSale" s
        JOIN "Lead" l ON l.id = s."leadId"
        JOIN "Order" o ON o.id = s."orderId"
        LEFT JOIN (
          SELECT d."saleId", bool_or(d."atPlatformCost") AS at_platform_cost FROM "Dispute" d
          WHERE d.kind = 'LEAD_RETURN' AND d.status = 'APPROVED' AND d."createdAt" >= ${since}
          GROUP BY d."saleId"
        ) r ON r."saleId" = s.id
        LEFT JOIN (
          SELECT c."saleId",
            (count(*) FILTER (WHERE c.status NOT IN ('REJECTED', 'FRAUD', 'REVERSED')))::int AS standing,
            sum(c."payoutCents" - c."reversedPayoutCents") FILTER (WHERE c."billedAt" IS NOT NULL AND c.status NOT IN ('REJECTED', 'FRAUD')) AS payout,
            sum(c."feeCents" - c."reversedFeeCents") FILTER (WHERE c."billedAt" IS NOT NULL AND c.status NOT IN ('REJECTED', 'FRAUD')) AS fee,
            sum(c."earningCents" - (c."reversedPayoutCents" - c."reversedFeeCents")) FILTER (WHERE c."billedAt" IS NOT NULL AND c.status NOT IN ('REJECTED', 'FRAUD')) AS earning,
            sum(c."saleAmountCents" - c."reversedSaleCents") FILTER (WHERE c."billedAt" IS NOT NULL AND c.status NOT IN ('REJECTED', 'FRAUD')) AS sale_amount,
            (count(*) FILTER (WHERE c."billedAt" IS NOT NULL AND c.status NOT IN ('REJECTED', 'FRAUD', 'REVERSED') AND c."saleAmountCents" IS NOT NULL))::int AS with_amount
          FROM "Conversion" c WHERE c."receivedAt" >= ${since}
          GROUP BY c."saleId"
        ) c ON c."saleId" = s.id
        WHERE s."soldAt" >= ${since}`;
      await tx.$executeRaw`
        CREATE TEMP TABLE report_lead_facts ON COMMIT DROP AS
        SELECT l."receivedAt"::date AS day, l."offerId", l."affiliateId", f.currency, l."subIds",
          l.status IN ('ACCEPTED', 'SOLD', 'UNSOLD', 'RETURNED') AS accepted,
          sf."leadId" IS NOT NULL AS sold, COALESCE(sf.converted, false) AS converted, COALESCE(sf.returned, false) AS returned,
          COALESCE(sf.earnings, 0)::bigint AS earnings, COALESCE(sf.fees, 0)::bigint AS fees, COALESCE(sf.spend, 0)::bigint AS spend
        FROM "Lead" l
        JOIN "Offer" f ON f.id = l."offerId"
        LEFT JOIN (
          SELECT "leadId", bool_or(actions > 0) AS converted, bool_or(returned) AS returned, sum(earnings) AS earnings, sum(fees) AS fees, sum(spend) AS spend
          FROM report_sale_facts GROUP BY "leadId"
        ) sf ON sf."leadId" = l.id
        WHERE l."receivedAt" >= ${since}`;
      await tx.$executeRaw`DELETE FROM "DailyLeadRollup" WHERE day >= ${since}::date`;
      const leadRows = await tx.$executeRaw`
        INSERT INTO "DailyLeadRollup" (day, "offerId", "affiliateId", currency, received, accepted, sold, converted, returned, "earningsCents", "feesCents", "spendCents")
        SELECT day, "offerId", "affiliateId", min(currency), count(*), count(*) FILTER (WHERE accepted), count(*) FILTER (WHERE sold),
          count(*) FILTER (WHERE converted), count(*) FILTER (WHERE returned), sum(earnings), sum(fees), sum(spend)
        FROM report_lead_facts GROUP BY day, "offerId", "affiliateId"`;
      await tx.$executeRaw`DELETE FROM "DailySubIdRollup" WHERE day >= ${since}::date`;
      const subIdRows = await tx.$executeRaw`
        INSERT INTO "DailySubIdRollup" (day, "affiliateId", "subKey", "subValue", "offerId", currency, received, accepted, sold, converted, returned, "earningsCents")
        SELECT day, "affiliateId", k.key, left(k.value, 200), "offerId", min(currency), count(*), count(*) FILTER (WHERE accepted), count(*) FILTER (WHERE sold),
          count(*) FILTER (WHERE converted), count(*) FILTER (WHERE returned), sum(earnings)
        FROM report_lead_facts
        CROSS JOIN LATERAL (VALUES ('s1', COALESCE("subIds"->>'s1', '')), ('s2', COALESCE("subIds"->>'s2', '')), ('s3', COALESCE("subIds"->>'s3', '')),
          ('s4', COALESCE("subIds"->>'s4', '')), ('s5', COALESCE("subIds"->>'s5', ''))) AS k(key, value)
        GROUP BY day, "affiliateId", k.key, left(k.value, 200), "offerId"`;
      await tx.$executeRaw`DELETE FROM "DailySaleRollup" WHERE day >= ${since}::date`;
      const saleRows = await tx.$executeRaw`
        INSERT INTO "DailySaleRollup" (day, "orderId", "advertiserId", "offerId", "affiliateId", currency, bought, delivered, contacted, converted, actions, returned,
          "spendCents", "feesCents", "saleAmountCents", "salesWithAmount")
        SELECT day, "orderId", min("advertiserId"), min("offerId"), min("affiliateId"), min(currency), count(*), count(*) FILTER (WHERE delivered),
          count(*) FILTER (WHERE contacted), count(*) FILTER (WHERE actions > 0), sum(actions), count(*) FILTER (WHERE returned),
          sum(spend), sum(fees), sum(sale_amount), sum(with_amount)
        FROM report_sale_facts GROUP BY day, "orderId"`;
      await tx.$executeRaw`DELETE FROM "DailySpeedRollup" WHERE day >= ${since}::date`;
      await tx.$executeRaw`
        INSERT INTO "DailySpeedRollup" (day, "orderId", metric, bucket, "advertiserId", sales)
        SELECT day, "orderId", metric, ${speedBucketSql(Prisma.sql`seconds`)}, min("advertiserId"), count(*)
        FROM report_sale_facts
        CROSS JOIN LATERAL (VALUES ('deliver', deliver_seconds), ('contact', contact_seconds)) AS m(metric, seconds)
        WHERE seconds IS NOT NULL
        GROUP BY 1, 2, 3, 4`;
      await tx.$executeRaw`DELETE FROM "DailyLedgerRollup" WHERE day >= ${since}::date`;
      await tx.$executeRaw`
        INSERT INTO "DailyLedgerRollup" (day, "accountId", code, "amountCents")
        SELECT p."createdAt"::date, a.id, a.code, sum(p."amountCents")
        FROM "LedgerAccount" a JOIN "Posting" p ON p."accountId" = a.id AND p."createdAt" >= ${since}
        WHERE a.code LIKE 'platform:fees:%' OR (a.code LIKE 'affiliate:%' AND a.type = 'LIABILITY')
        GROUP BY 1, 2, 3`;
      await tx.$executeRaw`
        INSERT INTO "ReportRollupRefresh" (id, "refreshedAt", "fromDay") VALUES ('reports', ${new Date()}, ${since}::date)
        ON CONFLICT (id) DO UPDATE SET "refreshedAt" = EXCLUDED."refreshedAt", "fromDay" = EXCLUDED."fromDay"`;
      return { leadRows, subIdRows, saleRows };
    },
    { timeout: 15 * 60_000, maxWait: 60_000 },
  );
  return { fromDay, ...counts, ms: Date.now() - started };
}

/** When the rollups were last refreshed; null before the first refresh. */
export async function lastRollupRefresh(): Promise<Date | null> {
  const row = await prisma.reportRollupRefresh.findUnique({ where: { id: "reports" } });
  return row?.refreshedAt ?? null;
}
