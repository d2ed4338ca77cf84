import { createHash } from "node:crypto";
import { Prisma } from "~/generated/prisma/client";
import { toCsv } from "~/modules/deliveries/csv";
import { prisma } from "~/utils/db.server";
import { centsToDecimal } from "~/utils/money";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import {
  REPORT_GROUP_LABELS,
  REPORT_GROUPS_BY_ROLE,
  reportGroupFor,
  resolveReportPeriod,
  type ConversionReportQuery,
  type ReportGroup,
  type ReportPeriod,
  type ConversionReportRow,
} from "./conversion-reports.schema";

// The conversion status report: conversions that occurred in a period, grouped by offer,
// affiliate, advertiser (admins) or a sub-id, scoped by who asks (an advertiser its own
// conversions, an affiliate those on its leads, an admin all). One SQL aggregate with the groups
// and the totals (GROUPING SETS), each scope on an index: (advertiserId, occurredAt),
// (affiliateId, occurredAt), and (occurredAt) for the platform.
//
// The figures, in money of the viewer: the payout for advertisers and admins, the affiliate's
// earning (payout less the platform fee) for affiliates.
//   gross        every conversion, at its price (corrected amounts included, before reversals)
//   approved     approved or locked, less what was reversed of them
//   pending      received, held or pending (not final), less what was reversed of them
//   rejected     rejected or marked as fraud: never paid
//   reversed     conversions reversed in full (count); money taken back by reversals (amount)
//   adjustments  corrections other than plain reversals: amount changes, true-ups, post-lock
//                adjustments (count, and their net change)
//   net payout   what stands charged: billed conversions not rejected, less their reversals
//   approval     approved ÷ decided (approved + rejected + reversed); none while nothing is decided
// Advertisers and admins also get the sale amounts behind the net payout (sales less refunds,
// where sales were reported), the cost per action (net ÷ conversions paid) and the ROI
// ((sales − net) ÷ net).

export type { ConversionReportRow } from "./conversion-reports.schema";

export type ReportMeasure = "payout" | "earning";

export interface ConversionReport {
  group: ReportGroup;
  groups: readonly ReportGroup[];
  subId: string;
  period: ReportPeriod;
  offerId: string | null;
  measure: ReportMeasure;
  /** Whether the sales, cost per action and ROI columns apply (advertisers and admins). */
  showsSales: boolean;
  /** The largest groups first (by gross, then count). */
  rows: ConversionReportRow[];
  /** One totals row per currency. */
  totals: ConversionReportRow[];
  /** How many groups there are in all (rows holds at most `limit`). */
  groupCount: number;
}

interface RawRow {
  is_total: number;
  key: string | null;
  currency: string;
  group_count: number;
  gross_count: number;
  gross_cents: bigint;
  approved_count: number;
  approved_cents: bigint;
  pending_count: number;
  pending_cents: bigint;
  rejected_count: number;
  rejected_cents: bigint;
  reversed_count: number;
  reversed_cents: bigint;
  adjustments_count: number;
  adjustments_cents: bigint;
  net_cents: bigint;
  paid_count: number;
  sales_cents: bigint | null;
  sales_count: number;
}

export const REPORT_ROWS_ON_PAGE = 100;
export const REPORT_ROWS_IN_CSV = 10_000;

function cents(value: bigint | null): number {
  if (value === null) return 0;
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new RangeError(`Amount ${value} cents is too large to show`);
  return Number(value);
}

function scopeOf(actor: Actor): Prisma.Sql {
  if (actor.role === "ADMIN") {
    requirePermission(actor, "read:conversion:any");
    return Prisma.sql`TRUE`;
  }
  requirePermission(actor, "read:conversion:own");
  if (actor.role === "ADVERTISER") {
    return Prisma.sql`c."advertiserId" = ${actor.companyId}`;
  }
  return Prisma.sql`c."affiliateId" = ${actor.companyId}`;
}

function groupKeyOf(group: ReportGroup, subId: string): Prisma.Sql {
  switch (group) {
    case "offer":
      return Prisma.sql`c."offerId"`;
    case "affiliate":
      return Prisma.sql`c."affiliateId"`;
    case "advertiser":
      return Prisma.sql`c."advertiserId"`;
    case "sub_id":
      return Prisma.sql`COALESCE(l."subIds"->>${subId}, '')`;
  }
}

/**
 * Each conversion's corrections other than plain reversals (count and sum). An advertiser's or
 * affiliate's conversions look theirs up one by one on the (conversionId, key) index; the whole
 * platform's are matched in one hash join with every correction (rare next to conversions).
 */
function adjustmentsJoin(actor: Actor, adjustment: Prisma.Sql): Prisma.Sql {
  if (actor.role === "ADMIN") {
    return Prisma.sql`LEFT JOIN (
        SELECT a."conversionId", count(*) AS n, sum(${adjustment}) AS cents FROM "ConversionAdjustment" a
        WHERE a.kind <> 'REVERSAL' GROUP BY a."conversionId"
      ) adj ON adj."conversionId" = c.id`;
  }
  return Prisma.sql`LEFT JOIN LATERAL (
        SELECT count(*) AS n, sum(${adjustment}) AS cents FROM "ConversionAdjustment" a
        WHERE a."conversionId" = c.id AND a.kind <> 'REVERSAL'
      ) adj ON TRUE`;
}

async function aggregate(actor: Actor, group: ReportGroup, subId: string, period: ReportPeriod, offerId: string | null, measure: ReportMeasure, limit: number) {
  const price = measure === "payout" ? Prisma.sql`c."payoutCents"` : Prisma.sql`c."earningCents"`;
  const reversed = measure === "payout" ? Prisma.sql`c."reversedPayoutCents"` : Prisma.sql`(c."reversedPayoutCents" - c."reversedFeeCents")`;
  const adjustment = measure === "payout" ? Prisma.sql`a."payoutDeltaCents"` : Prisma.sql`a."earningDeltaCents"`;
  const leadJoin = group === "sub_id" ? Prisma.sql`JOIN "Lead" l ON l.id = c."leadId"` : Prisma.empty;
  const offerFilter = offerId ? Prisma.sql`AND c."offerId" = ${offerId}` : Prisma.empty;
  return prisma.$queryRaw<RawRow[]>`
    WITH scoped AS (
      SELECT ${groupKeyOf(group, subId)} AS key, c.currency, c.status::text AS status, c."billedAt" IS NOT NULL AS billed,
        ${price} AS price, ${reversed} AS reversed, c."saleAmountCents" AS sale, c."reversedSaleCents" AS reversed_sale,
        COALESCE(adj.n, 0) AS adj_n, COALESCE(adj.cents, 0) AS adj_cents
      FROM "Conversion" c
      ${leadJoin}
      ${adjustmentsJoin(actor, adjustment)}
      WHERE ${scopeOf(actor)} AND c."occurredAt" >= ${period.from} AND c."occurredAt" < ${period.until} ${offerFilter}
    ),
    grouped AS (
      SELECT GROUPING(key) AS is_total, key, currency,
        count(*)::int AS gross_count,
        COALESCE(sum(price), 0)::bigint AS gross_cents,
        (count(*) FILTER (WHERE status IN ('APPROVED', 'LOCKED')))::int AS approved_count,
        COALESCE(sum(price - reversed) FILTER (WHERE status IN ('APPROVED', 'LOCKED')), 0)::bigint AS approved_cents,
        (count(*) FILTER (WHERE status IN ('RECEIVED', 'HELD', 'PENDING')))::int AS pending_count,
        COALESCE(sum(price - reversed) FILTER (WHERE status IN ('RECEIVED', 'HELD', 'PENDING')), 0)::bigint AS pending_cents,
        (count(*) FILTER (WHERE status IN ('REJECTED', 'FRAUD')))::int AS rejected_count,
        COALESCE(sum(price) FILTER (WHERE status IN ('REJECTED', 'FRAUD')), 0)::bigint AS rejected_cents,
        (count(*) FILTER (WHERE status = 'REVERSED'))::int AS reversed_count,
        COALESCE(sum(reversed) FILTER (WHERE status NOT IN ('REJECTED', 'FRAUD')), 0)::bigint AS reversed_cents,
        COALESCE(sum(adj_n), 0)::int AS adjustments_count,
        COALESCE(sum(adj_cents), 0)::bigint AS adjustments_cents,
        COALESCE(sum(price - reversed) FILTER (WHERE billed AND status NOT IN ('REJECTED', 'FRAUD')), 0)::bigint AS net_cents,
        (count(*) FILTER (WHERE billed AND status NOT IN ('REJECTED', 'FRAUD', 'REVERSED')))::int AS paid_count,
        sum(sale - reversed_sale) FILTER (WHERE billed AND status NOT IN ('REJECTED', 'FRAUD') AND sale IS NOT NULL)::bigint AS sales_cents,
        (count(*) FILTER (WHERE billed AND status NOT IN ('REJECTED', 'FRAUD', 'REVERSED') AND sale IS NOT NULL))::int AS sales_count
      FROM scoped
      GROUP BY GROUPING SETS ((key, currency), (currency))
    )
    SELECT *, (count(*) OVER (PARTITION BY is_total))::int AS group_count
    FROM grouped
    ORDER BY is_total DESC, gross_cents DESC, gross_count DESC, key
    LIMIT ${limit + 50}`;
}

/** A stable pseudonym of an affiliate for one advertiser ("Affiliate 3F9A1C"): groups without naming. */
export function affiliatePseudonym(viewerCompanyId: string, affiliateId: string): string {
  return `Affiliate ${createHash("sha256").update(`${viewerCompanyId}:${affiliateId}`).digest("hex").slice(0, 6).toUpperCase()}`;
}

async function labelsOf(actor: Actor, group: ReportGroup, keys: string[]): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  if (group === "offer") {
    const offers = await prisma.offer.findMany({ where: { id: { in: keys } }, select: { id: true, title: true } });
    return new Map(offers.map((o) => [o.id, o.title]));
  }
  if (group === "affiliate" && actor.role !== "ADMIN") return new Map(keys.map((k) => [k, affiliatePseudonym(actor.companyId, k)]));
  if (group === "affiliate" || group === "advertiser") {
    const companies = await prisma.company.findMany({ where: { id: { in: keys } }, select: { id: true, name: true } });
    return new Map(companies.map((c) => [c.id, c.name]));
  }
  return new Map(keys.map((k) => [k, k === "" ? "(none)" : k]));
}

function rowOf(raw: RawRow, label: string, showsSales: boolean): ConversionReportRow {
  const decided = raw.approved_count + raw.rejected_count + raw.reversed_count;
  const net = cents(raw.net_cents);
  const sales = showsSales && raw.sales_cents !== null ? cents(raw.sales_cents) : null;
  return {
    key: raw.is_total ? null : raw.key,
    label,
    currency: raw.currency,
    grossCount: raw.gross_count,
    grossCents: cents(raw.gross_cents),
    approvedCount: raw.approved_count,
    approvedCents: cents(raw.approved_cents),
    pendingCount: raw.pending_count,
    pendingCents: cents(raw.pending_cents),
    rejectedCount: raw.rejected_count,
    rejectedCents: cents(raw.rejected_cents),
    reversedCount: raw.reversed_count,
    reversedCents: cents(raw.reversed_cents),
    adjustmentsCount: raw.adjustments_count,
    adjustmentsCents: cents(raw.adjustments_cents),
    netCents: net,
    paidCount: raw.paid_count,
    approvalRate: decided > 0 ? raw.approved_count / decided : null,
    costPerActionCents: showsSales && raw.paid_count > 0 ? Math.round(net / raw.paid_count) : null,
    salesCents: sales,
    salesCount: showsSales ? raw.sales_count : 0,
    roi: sales !== null && net > 0 ? (sales - net) / net : null,
  };
}

/** The report the actor may see for the query (see the figures above). */
export async function conversionReport(actor: Actor, query: ConversionReportQuery, opts: { now?: Date; limit?: number } = {}): Promise<ConversionReport> {
  const group = reportGroupFor(actor.role, query.group);
  const subId = query.subId ?? "s1";
  const period = resolveReportPeriod(query, opts.now);
  const measure: ReportMeasure = actor.role === "AFFILIATE" ? "earning" : "payout";
  const showsSales = actor.role !== "AFFILIATE";
  const limit = opts.limit ?? REPORT_ROWS_ON_PAGE;
  const raw = await aggregate(actor, group, subId, period, query.offerId ?? null, measure, limit);
  const groupRows = raw.filter((r) => !r.is_total).slice(0, limit);
  const labels = await labelsOf(
    actor,
    group,
    groupRows.map((r) => r.key ?? ""),
  );
  return {
    group,
    groups: REPORT_GROUPS_BY_ROLE[actor.role],
    subId,
    period,
    offerId: query.offerId ?? null,
    measure,
    showsSales,
    rows: groupRows.map((r) => rowOf(r, labels.get(r.key ?? "") ?? r.key ?? "", showsSales)),
    totals: raw.filter((r) => r.is_total).map((r) => rowOf(r, "Total", showsSales)),
    groupCount: raw.find((r) => !r.is_total)?.group_count ?? 0,
  };
}

const percent = (rate: number | null) => (rate === null ? "" : (rate * 100).toFixed(1));

/** The report as CSV, amounts in currency units (dollars), the totals last; the same query as the page. */
export async function conversionReportCsv(actor: Actor, query: ConversionReportQuery, now: Date = new Date()): Promise<{ filename: string; csv: string }> {
  const report = await conversionReport(actor, query, { now, limit: REPORT_ROWS_IN_CSV });
  const money = report.measure === "payout" ? "payout" : "earnings";
  const groupName = report.group === "sub_id" ? `sub-id ${report.subId}` : REPORT_GROUP_LABELS[report.group].toLowerCase();
  const header = [
    groupName,
    `${groupName} id`,
    "currency",
    "gross conversions",
    `gross ${money}`,
    "approved",
    `approved ${money}`,
    "pending",
    `pending ${money}`,
    "rejected",
    `rejected ${money}`,
    "reversed",
    `reversed ${money}`,
    "adjustments",
    `adjustments ${money}`,
    `net ${money}`,
    "approval rate %",
    ...(report.showsSales ? ["conversions paid", "cost per action", "sales", "roi %"] : []),
  ];
  const line = (r: ConversionReportRow) => [
    r.label,
    r.key ?? "",
    r.currency,
    r.grossCount,
    centsToDecimal(r.grossCents),
    r.approvedCount,
    centsToDecimal(r.approvedCents),
    r.pendingCount,
    centsToDecimal(r.pendingCents),
    r.rejectedCount,
    centsToDecimal(r.rejectedCents),
    r.reversedCount,
    centsToDecimal(r.reversedCents),
    r.adjustmentsCount,
    centsToDecimal(r.adjustmentsCents),
    centsToDecimal(r.netCents),
    percent(r.approvalRate),
    ...(report.showsSales
      ? [
          r.paidCount,
          r.costPerActionCents === null ? "" : centsToDecimal(r.costPerActionCents),
          r.salesCents === null ? "" : centsToDecimal(r.salesCents),
          percent(r.roi),
        ]
      : []),
  ];
  // An advertiser's pseudonym has no id to show.
  const rows = report.rows.map((r) => (report.group === "affiliate" && actor.role !== "ADMIN" ? { ...r, key: "" } : r));
  const by = report.group === "sub_id" ? report.subId : report.group;
  return {
    filename: `leadex-conversions-by-${by}-${report.period.fromDay}-to-${report.period.toDay}.csv`,
    csv: toCsv(header, [...rows.map(line), ...report.totals.map(line)]),
  };
}

/** The CPA and CPS offers the actor may filter the report by (its own, those it buys, or all). */
export async function listReportOffers(actor: Actor): Promise<Array<{ id: string; title: string }>> {
  const onConversions = { pricingModel: { in: ["CPA" as const, "CPS" as const] } };
  if (actor.role === "ADMIN") {
    requirePermission(actor, "read:conversion:any");
    return prisma.offer.findMany({ where: onConversions, select: { id: true, title: true }, orderBy: { title: "asc" }, take: 200 });
  }
  requirePermission(actor, "read:conversion:own");
  if (actor.role === "AFFILIATE") {
    return prisma.offer.findMany({
      where: { ...onConversions, affiliateId: actor.companyId },
      select: { id: true, title: true },
      orderBy: { title: "asc" },
      take: 200,
    });
  }
  const orders = await prisma.order.findMany({
    where: { advertiserId: actor.companyId, offer: onConversions },
    select: { offer: { select: { id: true, title: true } } },
    distinct: ["offerId"],
    take: 200,
  });
  return orders.map((o) => o.offer).sort((a, b) => a.title.localeCompare(b.title));
}

/** The conversion report page: the report for `query` and the offers to filter it by. */
export async function conversionReportView(actor: Actor, query: ConversionReportQuery) {
  const [report, offers] = await Promise.all([conversionReport(actor, query), listReportOffers(actor)]);
  return { report, offers };
}
