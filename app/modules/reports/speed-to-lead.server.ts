import { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import type { ReportPeriod } from "~/modules/conversions/conversion-reports.schema";
import { daysSql } from "./rollup-figures.server";
import type { ReportTable } from "./report-query.schema";
import { companyNames, saleGroups } from "./rollup-groups.server";
import { speedBucketSeconds } from "./report-rollups.server";

// Speed to lead, the seeds' first KPI: for each lead bought in the period, the time from its
// postback (Lead.receivedAt) to the buyer having it (LeadSale.deliveredAt; null while a webhook
// delivery is pending) and to the buyer's first contact (LeadSale.contactedAt), as median and
// 90th percentile. Medians do not add up across days, so the rollup keeps each day's sales per
// 10% time bucket (DailySpeedRollup) and the percentile is read from the period's buckets: within
// 5% of the exact figure, at any volume.

type Metric = "deliver" | "contact";

/** The nearest-rank percentile (0..1) of a histogram, in seconds; null when it is empty. */
export function histogramPercentile(buckets: ReadonlyArray<{ bucket: number; sales: number }>, p: number): number | null {
  const sorted = [...buckets].sort((a, b) => a.bucket - b.bucket);
  const total = sorted.reduce((sum, b) => sum + b.sales, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const b of sorted) {
    seen += b.sales;
    if (seen >= rank) return speedBucketSeconds(b.bucket);
  }
  return speedBucketSeconds(sorted[sorted.length - 1].bucket);
}

async function histograms(key: "orderId" | "advertiserId", where: Prisma.Sql, period: ReportPeriod) {
  const rows = await prisma.$queryRaw<Array<{ key: string; metric: Metric; bucket: number; sales: number }>>`
    SELECT ${Prisma.raw(`"${key}"`)} AS key, metric, bucket, sum(sales)::int AS sales
    FROM "DailySpeedRollup" WHERE ${where} AND ${daysSql(period)}
    GROUP BY 1, 2, 3`;
  const byKey = new Map<string, Record<Metric, Array<{ bucket: number; sales: number }>>>();
  for (const r of rows) {
    const entry = byKey.get(r.key) ?? { deliver: [], contact: [] };
    entry[r.metric].push({ bucket: r.bucket, sales: r.sales });
    byKey.set(r.key, entry);
  }
  return byKey;
}

const SPEED_COLUMNS = [
  { key: "bought", label: "Leads bought", kind: "count" },
  { key: "delivered", label: "Delivered", kind: "count" },
  { key: "deliverMedian", label: "To delivery, median", kind: "seconds" },
  { key: "deliverP90", label: "To delivery, p90", kind: "seconds" },
  { key: "contacted", label: "Contacted", kind: "count" },
  { key: "contactMedian", label: "To first contact, median", kind: "seconds" },
  { key: "contactP90", label: "To first contact, p90", kind: "seconds" },
] as const;

async function speedRows(key: "orderId" | "advertiserId", where: Prisma.Sql, period: ReportPeriod) {
  const [counts, hist] = await Promise.all([saleGroups(key, where, period), histograms(key, where, period)]);
  return counts.map((c) => {
    const h = hist.get(c.key) ?? { deliver: [], contact: [] };
    return {
      key: c.key,
      bought: c.bought,
      delivered: c.delivered,
      deliverMedian: histogramPercentile(h.deliver, 0.5),
      deliverP90: histogramPercentile(h.deliver, 0.9),
      contacted: c.contacted,
      contactMedian: histogramPercentile(h.contact, 0.5),
      contactP90: histogramPercentile(h.contact, 0.9),
    };
  });
}

/** One buyer's speed to lead, per order. */
export async function buyerSpeedByOrder(advertiserId: string, period: ReportPeriod): Promise<ReportTable> {
  const rows = await speedRows("orderId", Prisma.sql`"advertiserId" = ${advertiserId}`, period);
  const orders = await prisma.order.findMany({ where: { id: { in: rows.map((r) => r.key) } }, select: { id: true, offer: { select: { title: true } } } });
  const labels = new Map(orders.map((o) => [o.id, `${o.offer.title} (order …${o.id.slice(-6)})`]));
  return {
    id: "speed",
    title: "Speed to lead, by order",
    description:
      "From the postback that brought each lead to its delivery to you, and to your first contact (mark leads contacted on the lead page or by API). Times are rounded to within 5%.",
    columns: [{ key: "order", label: "Order", kind: "text" }, ...SPEED_COLUMNS],
    rows: rows.map(({ key, ...r }) => ({ order: labels.get(key) ?? key, ...r })),
  };
}

/** Every buyer's speed to lead (admins). */
export async function platformSpeedByAdvertiser(period: ReportPeriod): Promise<ReportTable> {
  const rows = await speedRows("advertiserId", Prisma.sql`TRUE`, period);
  const names = await companyNames(rows.map((r) => r.key));
  return {
    id: "speed",
    title: "Speed to lead, by buyer",
    description: "From each lead's postback to its delivery to the buyer, and to the buyer's first contact. Times are rounded to within 5%.",
    columns: [{ key: "advertiser", label: "Advertiser", kind: "text" }, ...SPEED_COLUMNS],
    rows: rows.map(({ key, ...r }) => ({ advertiser: names.get(key) ?? key, ...r })),
  };
}
