import { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";
import type { ReportPeriod } from "~/modules/conversions/conversion-reports.schema";
import { daysSql, leadFiguresOf, leadSumsSql, SALE_SUMS_SQL, saleFiguresOf, type LeadFigures, type SaleFigures } from "./rollup-figures.server";
import { centsPer, ratio, type ReportCell, type ReportColumn } from "./report-query.schema";

// The rollups grouped by one key over a period (an offer, a sub-id value, an affiliate, an
// advertiser), largest first, and the columns each audience reads them in.

export const GROUP_ROWS_LIMIT = 500;

export type LeadGroup = { key: string } & LeadFigures;
export type SaleGroup = { key: string } & SaleFigures;

type Raw = Record<string, string | number | bigint | null>;

/** Leads grouped by `key` (an expression over DailyLeadRollup or DailySubIdRollup), within `where`. */
export async function leadGroups(
  table: "DailyLeadRollup" | "DailySubIdRollup",
  key: Prisma.Sql,
  where: Prisma.Sql,
  period: ReportPeriod,
): Promise<LeadGroup[]> {
  const rows = await prisma.$queryRaw<Raw[]>`
    SELECT ${key} AS key, ${leadSumsSql(table === "DailyLeadRollup")}
    FROM ${Prisma.raw(`"${table}"`)} WHERE ${where} AND ${daysSql(period)}
    GROUP BY 1 ORDER BY received DESC, 1 LIMIT ${GROUP_ROWS_LIMIT}`;
  return rows.map((r) => ({ key: String(r.key), ...leadFiguresOf(r) }));
}

/** Sales grouped by a DailySaleRollup column, within `where`. */
export async function saleGroups(key: "offerId" | "affiliateId" | "advertiserId" | "orderId", where: Prisma.Sql, period: ReportPeriod): Promise<SaleGroup[]> {
  const rows = await prisma.$queryRaw<Raw[]>`
    SELECT ${Prisma.raw(`"${key}"`)} AS key, ${SALE_SUMS_SQL}
    FROM "DailySaleRollup" WHERE ${where} AND ${daysSql(period)}
    GROUP BY 1 ORDER BY "spendCents" DESC, bought DESC, 1 LIMIT ${GROUP_ROWS_LIMIT}`;
  return rows.map((r) => ({ key: String(r.key), ...saleFiguresOf(r) }));
}

/** Offer titles by id. */
export async function offerTitles(ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const offers = await prisma.offer.findMany({ where: { id: { in: ids } }, select: { id: true, title: true } });
  return new Map(offers.map((o) => [o.id, o.title]));
}

/** Company names by id. */
export async function companyNames(ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const companies = await prisma.company.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  return new Map(companies.map((c) => [c.id, c.name]));
}

// What an affiliate reads of its leads: acceptance and return rates, earnings, EPC.
export const AFFILIATE_LEAD_COLUMNS: ReportColumn[] = [
  { key: "received", label: "Leads", kind: "count" },
  { key: "accepted", label: "Accepted", kind: "count" },
  { key: "acceptanceRate", label: "Acceptance rate", kind: "percent" },
  { key: "sold", label: "Sold", kind: "count" },
  { key: "converted", label: "Converted", kind: "count" },
  { key: "returned", label: "Returned", kind: "count" },
  { key: "returnRate", label: "Return rate", kind: "percent" },
  { key: "earningsCents", label: "Earnings", kind: "money" },
  { key: "epcCents", label: "EPC", kind: "money" },
];

export function affiliateLeadCells(g: LeadFigures): Record<string, ReportCell> {
  return {
    received: g.received,
    accepted: g.accepted,
    acceptanceRate: ratio(g.accepted, g.received),
    sold: g.sold,
    converted: g.converted,
    returned: g.returned,
    returnRate: ratio(g.returned, g.sold),
    earningsCents: g.earningsCents,
    epcCents: centsPer(g.earningsCents, g.received),
  };
}

// What the platform reads of leads: volume, what buyers pay and what Leadex keeps.
export const PLATFORM_LEAD_COLUMNS: ReportColumn[] = [
  { key: "received", label: "Leads", kind: "count" },
  { key: "acceptanceRate", label: "Acceptance rate", kind: "percent" },
  { key: "sold", label: "Sold", kind: "count" },
  { key: "converted", label: "Converted", kind: "count" },
  { key: "returned", label: "Returned", kind: "count" },
  { key: "returnRate", label: "Return rate", kind: "percent" },
  { key: "spendCents", label: "Buyers' spend", kind: "money" },
  { key: "feesCents", label: "Platform fees", kind: "money" },
  { key: "takeRate", label: "Take rate", kind: "percent" },
];

export function platformLeadCells(g: LeadFigures): Record<string, ReportCell> {
  return {
    received: g.received,
    acceptanceRate: ratio(g.accepted, g.received),
    sold: g.sold,
    converted: g.converted,
    returned: g.returned,
    returnRate: ratio(g.returned, g.sold),
    spendCents: g.spendCents,
    feesCents: g.feesCents,
    takeRate: ratio(g.feesCents, g.spendCents),
  };
}

// What a buyer reads of its purchases: spend, cost per lead and per action, conversion, returns, ROI.
export const BUYER_SALE_COLUMNS: ReportColumn[] = [
  { key: "bought", label: "Leads bought", kind: "count" },
  { key: "spendCents", label: "Spend", kind: "money" },
  { key: "costPerLeadCents", label: "Cost per lead", kind: "money" },
  { key: "actions", label: "Actions", kind: "count" },
  { key: "costPerActionCents", label: "Cost per action", kind: "money" },
  { key: "conversionRate", label: "Conversion rate", kind: "percent" },
  { key: "returned", label: "Returned", kind: "count" },
  { key: "returnRate", label: "Return rate", kind: "percent" },
  { key: "saleAmountCents", label: "Sales", kind: "money" },
  { key: "roi", label: "ROI", kind: "percent" },
];

export function buyerSaleCells(g: SaleFigures): Record<string, ReportCell> {
  return {
    bought: g.bought,
    spendCents: g.spendCents,
    costPerLeadCents: centsPer(g.spendCents, g.bought),
    actions: g.actions,
    costPerActionCents: centsPer(g.spendCents, g.actions),
    conversionRate: ratio(g.converted, g.bought),
    returned: g.returned,
    returnRate: ratio(g.returned, g.bought),
    saleAmountCents: g.salesWithAmount > 0 ? g.saleAmountCents : null,
    roi: g.salesWithAmount > 0 && g.spendCents > 0 ? (g.saleAmountCents - g.spendCents) / g.spendCents : null,
  };
}
