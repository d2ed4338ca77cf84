import { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import type { ReportPeriod } from "~/modules/conversions/conversion-reports.schema";
import type { FunnelStep, ReportGrouping } from "./report-query.schema";

// The funnel over time, from the rollups: leads (by the day received) for affiliates and the
// platform, purchases (by the day sold) for an advertiser. One row per day or week of the period,
// empty buckets included, so the charts and the period table line up.

export interface LeadBucket {
  bucket: string;
  received: number;
  accepted: number;
  sold: number;
  converted: number;
  returned: number;
  earningsCents: number;
  feesCents: number;
  spendCents: number;
}

export interface SaleBucket {
  bucket: string;
  bought: number;
  delivered: number;
  contacted: number;
  converted: number;
  actions: number;
  returned: number;
  spendCents: number;
  feesCents: number;
  saleAmountCents: number;
  salesWithAmount: number;
}

const DAY_MS = 86_400_000;

/** The first day of each bucket of the period: every day, or each ISO week's Monday. */
export function bucketsOf(period: ReportPeriod, grouping: ReportGrouping): string[] {
  const starts = new Set<string>();
  for (let t = period.from.getTime(); t < period.until.getTime(); t += DAY_MS) {
    const day = new Date(t);
    if (grouping === "week") day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
    starts.add(day.toISOString().slice(0, 10));
  }
  return [...starts];
}

/** The rollups' `day` column bucketed as `bucketsOf` does. */
export function bucketSql(grouping: ReportGrouping): Prisma.Sql {
  return grouping === "week" ? Prisma.sql`to_char(date_trunc('week', day), 'YYYY-MM-DD')` : Prisma.sql`to_char(day, 'YYYY-MM-DD')`;
}

/** Days of the period as the rollups' DATE bounds. */
export function daysSql(period: ReportPeriod): Prisma.Sql {
  return Prisma.sql`day >= ${period.fromDay}::date AND day <= ${period.toDay}::date`;
}

/** A bigint sum as a number of cents (sums of a period stay far below 2^53). */
export function toNumber(value: bigint | number | null): number {
  return value === null ? 0 : Number(value);
}

function fill<T extends { bucket: string }>(buckets: string[], rows: T[], empty: (bucket: string) => T): T[] {
  const byBucket = new Map(rows.map((r) => [r.bucket, r]));
  return buckets.map((b) => byBucket.get(b) ?? empty(b));
}

/** Leads by bucket: one affiliate's (affiliateId) or the platform's (null). */
export async function leadSeries(affiliateId: string | null, period: ReportPeriod, grouping: ReportGrouping): Promise<LeadBucket[]> {
  const scope = affiliateId ? Prisma.sql`AND "affiliateId" = ${affiliateId}` : Prisma.empty;
  const rows = await prisma.$queryRaw<Array<Record<keyof LeadBucket, string | number | bigint>>>`
    SELECT ${bucketSql(grouping)} AS bucket, sum(received)::int AS received, sum(accepted)::int AS accepted, sum(sold)::int AS sold,
      sum(converted)::int AS converted, sum(returned)::int AS returned,
      sum("earningsCents")::bigint AS "earningsCents", sum("feesCents")::bigint AS "feesCents", sum("spendCents")::bigint AS "spendCents"
    FROM "DailyLeadRollup" WHERE ${daysSql(period)} ${scope}
    GROUP BY 1`;
  const parsed = rows.map((r) => ({
    bucket: String(r.bucket),
    received: Number(r.received),
    accepted: Number(r.accepted),
    sold: Number(r.sold),
    converted: Number(r.converted),
    returned: Number(r.returned),
    earningsCents: toNumber(r.earningsCents as bigint),
    feesCents: toNumber(r.feesCents as bigint),
    spendCents: toNumber(r.spendCents as bigint),
  }));
  return fill(bucketsOf(period, grouping), parsed, (bucket) => ({
    bucket,
    received: 0,
    accepted: 0,
    sold: 0,
    converted: 0,
    returned: 0,
    earningsCents: 0,
    feesCents: 0,
    spendCents: 0,
  }));
}

/** One advertiser's purchases by bucket. */
export async function saleSeries(advertiserId: string, period: ReportPeriod, grouping: ReportGrouping): Promise<SaleBucket[]> {
  const rows = await prisma.$queryRaw<Array<Record<keyof SaleBucket, string | number | bigint>>>`
    SELECT ${bucketSql(grouping)} AS bucket, sum(bought)::int AS bought, sum(delivered)::int AS delivered, sum(contacted)::int AS contacted,
      sum(converted)::int AS converted, sum(actions)::int AS actions, sum(returned)::int AS returned,
      sum("spendCents")::bigint AS "spendCents", sum("feesCents")::bigint AS "feesCents",
      sum("saleAmountCents")::bigint AS "saleAmountCents", sum("salesWithAmount")::int AS "salesWithAmount"
    FROM "DailySaleRollup" WHERE "advertiserId" = ${advertiserId} AND ${daysSql(period)}
    GROUP BY 1`;
  const parsed = rows.map((r) => ({
    bucket: String(r.bucket),
    bought: Number(r.bought),
    delivered: Number(r.delivered),
    contacted: Number(r.contacted),
    converted: Number(r.converted),
    actions: Number(r.actions),
    returned: Number(r.returned),
    spendCents: toNumber(r.spendCents as bigint),
    feesCents: toNumber(r.feesCents as bigint),
    saleAmountCents: toNumber(r.saleAmountCents as bigint),
    salesWithAmount: Number(r.salesWithAmount),
  }));
  return fill(bucketsOf(period, grouping), parsed, (bucket) => ({
    bucket,
    bought: 0,
    delivered: 0,
    contacted: 0,
    converted: 0,
    actions: 0,
    returned: 0,
    spendCents: 0,
    feesCents: 0,
    saleAmountCents: 0,
    salesWithAmount: 0,
  }));
}

/** Field-wise sum of numeric buckets (the period's totals). */
export function sumBuckets<T extends { bucket: string }>(buckets: T[]): Omit<T, "bucket"> {
  const total: Record<string, number> = {};
  for (const b of buckets) {
    for (const [key, value] of Object.entries(b)) if (key !== "bucket") total[key] = (total[key] ?? 0) + Number(value);
  }
  return total as Omit<T, "bucket">;
}

/** The funnel's steps with each one's share of the first. */
export function funnelSteps(steps: Array<[label: string, count: number]>): FunnelStep[] {
  const first = steps[0]?.[1] ?? 0;
  return steps.map(([label, count]) => ({ label, count, ofFirst: first === 0 ? null : count / first }));
}
