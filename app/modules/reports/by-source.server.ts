import { Prisma } from "~/generated/prisma/client";
import type { ReportPeriod } from "~/modules/conversions/conversion-reports.schema";
import type { ReportTable } from "./report-query.schema";
import { AFFILIATE_LEAD_COLUMNS, affiliateLeadCells, BUYER_SALE_COLUMNS, buyerSaleCells, companyNames, leadGroups, saleGroups } from "./rollup-groups.server";

// Reports by where leads come from or go: an affiliate's leads by one sub-id key's values (its
// own traffic sources), a buyer's purchases by the affiliate that sold them (by name, as the
// marketplace shows it; sub-ids stay the affiliate's business), the platform's sales by buyer.

/** One affiliate's leads by the values of one sub-id key ("(none)" for leads without it). */
export async function affiliateLeadsBySubId(affiliateId: string, subKey: string, period: ReportPeriod): Promise<ReportTable> {
  const groups = await leadGroups("DailySubIdRollup", Prisma.sql`"subValue"`, Prisma.sql`"affiliateId" = ${affiliateId} AND "subKey" = ${subKey}`, period);
  return {
    id: "sub-id",
    title: `By sub-id ${subKey}`,
    columns: [{ key: "subId", label: `Sub-id ${subKey}`, kind: "text" }, ...AFFILIATE_LEAD_COLUMNS],
    rows: groups.map((g) => ({ subId: g.key === "" ? "(none)" : g.key, ...affiliateLeadCells(g) })),
  };
}

/** One buyer's purchases by the affiliate that sold them. */
export async function buyerSalesByAffiliate(advertiserId: string, period: ReportPeriod): Promise<ReportTable> {
  const groups = await saleGroups("affiliateId", Prisma.sql`"advertiserId" = ${advertiserId}`, period);
  const names = await companyNames(groups.map((g) => g.key));
  return {
    id: "source",
    title: "By affiliate",
    columns: [{ key: "affiliate", label: "Affiliate", kind: "text" }, ...BUYER_SALE_COLUMNS],
    rows: groups.map((g) => ({ affiliate: names.get(g.key) ?? g.key, ...buyerSaleCells(g) })),
  };
}

/** Every buyer's purchases (admins). */
export async function platformSalesByAdvertiser(period: ReportPeriod): Promise<ReportTable> {
  const groups = await saleGroups("advertiserId", Prisma.sql`TRUE`, period);
  const names = await companyNames(groups.map((g) => g.key));
  return {
    id: "advertiser",
    title: "By advertiser",
    columns: [{ key: "advertiser", label: "Advertiser", kind: "text" }, ...BUYER_SALE_COLUMNS],
    rows: groups.map((g) => ({ advertiser: names.get(g.key) ?? g.key, ...buyerSaleCells(g) })),
  };
}
