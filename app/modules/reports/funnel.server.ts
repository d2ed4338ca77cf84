import { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import type { ReportPeriod } from "~/modules/conversions/conversion-reports.schema";
import type { FunnelStep, ReportGrouping } from "./report-query.schema";
import { bucketSql, daysSql, leadFiguresOf, leadSumsSql, SALE_SUMS_SQL, saleFiguresOf, type LeadFigures, type SaleFigures } from "./rollup-figures.server";

// The funnel over time, from the rollups: leads (by the day received) for affiliates and the
// platform, purchases (by the day sold) for an advertiser. One row per day or week of the period,
// empty buckets included, so the charts and the period table line up.

export type LeadBucket = { bucket: string } & LeadFigures;
export type SaleBucket = { bucket: string } & SaleFigures;

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

type RawBucket = Record<string, string | number | bigint | null> & { bucket: string };

function fill<F>(period: ReportPeriod, grouping: ReportGrouping, rows: RawBucket[], read: (raw: RawBucket | null) => F): Array<{ bucket: string } & F> {
  const byBucket = new Map(rows.map((r) => [r.bucket, r]));
  return bucketsOf(period, grouping).map((bucket) => ({ bucket, ...read(byBucket.get(bucket) ?? null) }));
}

/** Leads by bucket: one affiliate's (affiliateId) or the platform's (null). */
export async function leadSeries(affiliateId: string | null, period: ReportPeriod, grouping: ReportGrouping): Promise<LeadBucket[]> {
  const scope = affiliateId ? Prisma.sql`AND "affiliateId" = ${affiliateId}` : Prisma.empty;
  const rows = await prisma.$queryRaw<RawBucket[]>`
    SELECT ${bucketSql(grouping)} AS bucket, ${leadSumsSql(true)}
    FROM "DailyLeadRollup" WHERE ${daysSql(period)} ${scope}
    GROUP BY 1`;
  return fill(period, grouping, rows, leadFiguresOf);
}

/** One advertiser's purchases by bucket. */
export async function saleSeries(advertiserId: string, period: ReportPeriod, grouping: ReportGrouping): Promise<SaleBucket[]> {
  const rows = await prisma.$queryRaw<RawBucket[]>`
    SELECT ${bucketSql(grouping)} AS bucket, ${SALE_SUMS_SQL}
    FROM "DailySaleRollup" WHERE "advertiserId" = ${advertiserId} AND ${daysSql(period)}
    GROUP BY 1`;
  return fill(period, grouping, rows, saleFiguresOf);
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

/** A lead's way from postback to return (affiliates and the platform). */
export function leadFunnel(total: LeadFigures): FunnelStep[] {
  return funnelSteps([
    ["Received", total.received],
    ["Accepted", total.accepted],
    ["Sold", total.sold],
    ["Converted", total.converted],
    ["Returned", total.returned],
  ]);
}
