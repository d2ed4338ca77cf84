import { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import type { ReportPeriod } from "~/modules/conversions/conversion-reports.schema";
import type { ReportTable } from "./report-query.schema";
import { companyNames } from "./rollup-groups.server";

// Speed to lead, the seeds' first KPI: for each lead bought in the period, the time from its
// postback (Lead.receivedAt) to the buyer having it (LeadSale.deliveredAt; null while a webhook
// delivery is pending) and to the buyer's first contact (LeadSale.contactedAt), as median and
// 90th percentile. Read live from the sales (index on soldAt, or advertiserId + soldAt): medians
// do not add up across days, so they cannot come from a daily rollup.

interface RawSpeed {
  key: string;
  bought: number;
  delivered: number;
  contacted: number;
  deliver_p50: number | null;
  deliver_p90: number | null;
  contact_p50: number | null;
  contact_p90: number | null;
}

async function speeds(key: Prisma.Sql, where: Prisma.Sql, period: ReportPeriod): Promise<RawSpeed[]> {
  return prisma.$queryRaw<RawSpeed[]>`
    SELECT ${key} AS key, count(*)::int AS bought, count(s."deliveredAt")::int AS delivered, count(s."contactedAt")::int AS contacted,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM s."deliveredAt" - l."receivedAt"))::float8 AS deliver_p50,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM s."deliveredAt" - l."receivedAt"))::float8 AS deliver_p90,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM s."contactedAt" - l."receivedAt"))::float8 AS contact_p50,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM s."contactedAt" - l."receivedAt"))::float8 AS contact_p90
    FROM "LeadSale" s JOIN "Lead" l ON l.id = s."leadId"
    WHERE ${where} AND s."soldAt" >= ${period.from} AND s."soldAt" < ${period.until}
    GROUP BY 1 ORDER BY bought DESC, 1 LIMIT 200`;
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

const round = (seconds: number | null) => (seconds === null ? null : Math.round(seconds));

function cells(r: RawSpeed) {
  return {
    bought: r.bought,
    delivered: r.delivered,
    deliverMedian: round(r.deliver_p50),
    deliverP90: round(r.deliver_p90),
    contacted: r.contacted,
    contactMedian: round(r.contact_p50),
    contactP90: round(r.contact_p90),
  };
}

const DESCRIPTION = "From the postback that brought each lead to its delivery to you, and to your first contact (mark leads contacted on the lead page or by API).";

/** One buyer's speed to lead, per order. */
export async function buyerSpeedByOrder(advertiserId: string, period: ReportPeriod): Promise<ReportTable> {
  const rows = await speeds(Prisma.sql`s."orderId"`, Prisma.sql`s."advertiserId" = ${advertiserId}`, period);
  const orders = await prisma.order.findMany({ where: { id: { in: rows.map((r) => r.key) } }, select: { id: true, offer: { select: { title: true } } } });
  const labels = new Map(orders.map((o) => [o.id, `${o.offer.title} (order …${o.id.slice(-6)})`]));
  return {
    id: "speed",
    title: "Speed to lead, by order",
    description: DESCRIPTION,
    columns: [{ key: "order", label: "Order", kind: "text" }, ...SPEED_COLUMNS],
    rows: rows.map((r) => ({ order: labels.get(r.key) ?? r.key, ...cells(r) })),
  };
}

/** Every buyer's speed to lead (admins). */
export async function platformSpeedByAdvertiser(period: ReportPeriod): Promise<ReportTable> {
  const rows = await speeds(Prisma.sql`s."advertiserId"`, Prisma.sql`TRUE`, period);
  const names = await companyNames(rows.map((r) => r.key));
  return {
    id: "speed",
    title: "Speed to lead, by buyer",
    description: "From each lead's postback to its delivery to the buyer, and to the buyer's first contact.",
    columns: [{ key: "advertiser", label: "Advertiser", kind: "text" }, ...SPEED_COLUMNS],
    rows: rows.map((r) => ({ advertiser: names.get(r.key) ?? r.key, ...cells(r) })),
  };
}
