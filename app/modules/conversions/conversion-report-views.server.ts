import type { Actor } from "~/utils/permissions.server";
import { listAffiliateConversions } from "./affiliate-conversions.server";
import type { ConversionListFilter } from "./conversion-list.schema";
import type { ConversionReportQuery } from "./conversion-reports.schema";
import { conversionReport, listReportOffers } from "./conversion-reports.server";

// What the conversions pages show, each read in one call: the report with the offers to filter by,
// and (the affiliate's page) its conversions in the report's period.

/** The conversions report under `query` and the offers the actor may filter it by. */
export async function conversionReportView(actor: Actor, query: ConversionReportQuery) {
  const [report, offers] = await Promise.all([conversionReport(actor, query), listReportOffers(actor)]);
  return { report, offers };
}

/** The affiliate's Conversions page: the report, the offers, and one page of its conversions in the report's period. */
export async function affiliateConversionsView(actor: Actor, query: ConversionReportQuery, filter: Pick<ConversionListFilter, "status" | "cursor">) {
  const { report, offers } = await conversionReportView(actor, query);
  const list = await listAffiliateConversions(actor, { status: filter.status, cursor: filter.cursor, offerId: query.offerId }, report.period);
  return { report, offers, list, status: filter.status ?? null, cursor: filter.cursor ?? null };
}
