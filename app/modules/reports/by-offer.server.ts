import { Prisma } from "~/generated/prisma/client";
import type { ReportPeriod } from "~/modules/conversions/conversion-reports.schema";
import type { ReportTable } from "./report-query.schema";
import {
  AFFILIATE_LEAD_COLUMNS,
  affiliateLeadCells,
  BUYER_SALE_COLUMNS,
  buyerSaleCells,
  leadGroups,
  offerTitles,
  PLATFORM_LEAD_COLUMNS,
  platformLeadCells,
  saleGroups,
} from "./rollup-groups.server";

// Reports by offer: an affiliate's leads on its own offers, a buyer's purchases by the offer it
// bought from, the platform's leads on every offer.

const OFFER_COLUMN = { key: "offer", label: "Offer", kind: "text" } as const;

/** One affiliate's leads by offer. */
export async function affiliateLeadsByOffer(affiliateId: string, period: ReportPeriod): Promise<ReportTable> {
  const groups = await leadGroups("DailyLeadRollup", Prisma.sql`"offerId"`, Prisma.sql`"affiliateId" = ${affiliateId}`, period);
  const titles = await offerTitles(groups.map((g) => g.key));
  return {
    id: "offer",
    title: "By offer",
    columns: [OFFER_COLUMN, ...AFFILIATE_LEAD_COLUMNS],
    rows: groups.map((g) => ({ offer: titles.get(g.key) ?? g.key, ...affiliateLeadCells(g) })),
  };
}

/** One buyer's purchases by offer. */
export async function buyerSalesByOffer(advertiserId: string, period: ReportPeriod): Promise<ReportTable> {
  const groups = await saleGroups("offerId", Prisma.sql`"advertiserId" = ${advertiserId}`, period);
  const titles = await offerTitles(groups.map((g) => g.key));
  return {
    id: "offer",
    title: "By offer",
    columns: [OFFER_COLUMN, ...BUYER_SALE_COLUMNS],
    rows: groups.map((g) => ({ offer: titles.get(g.key) ?? g.key, ...buyerSaleCells(g) })),
  };
}

/** Every offer's leads (admins). */
export async function platformLeadsByOffer(period: ReportPeriod): Promise<ReportTable> {
  const groups = await leadGroups("DailyLeadRollup", Prisma.sql`"offerId"`, Prisma.sql`TRUE`, period);
  const titles = await offerTitles(groups.map((g) => g.key));
  return {
    id: "offer",
    title: "By offer",
    columns: [OFFER_COLUMN, ...PLATFORM_LEAD_COLUMNS],
    rows: groups.map((g) => ({ offer: titles.get(g.key) ?? g.key, ...platformLeadCells(g) })),
  };
}
