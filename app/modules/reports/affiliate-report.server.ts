import { requirePermission, type Actor } from "~/utils/permissions.server";
import { affiliateLeadsBySubId } from "./by-source.server";
import { affiliateLeadsByOffer } from "./by-offer.server";
import { leadFunnel, leadSeries, sumBuckets } from "./funnel.server";
import { leadVolumeChart, renderSeriesChart } from "./report-charts.server";
import { reportCsv } from "./report-csv.server";
import { readReportQuery, ratio, centsPer, type ReportView } from "./report-query.schema";
import type { ReportOptions } from "./report-view.server";
import { AFFILIATE_LEAD_COLUMNS, affiliateLeadCells } from "./rollup-groups.server";
import { dollars, periodTable, rollupFreshness, viewQuestion } from "./report-view.server";

// The affiliate's report: its own leads only (every query is scoped by its company), by the day
// received: the funnel, leads and earnings over time, by offer and by one sub-id key.

export const AFFILIATE_REPORT_PATH = "/affiliate/reports";

export async function affiliateReport(actor: Actor, searchParams: URLSearchParams, opts: ReportOptions = {}): Promise<ReportView> {
  requirePermission(actor, "read:lead:own");
  const query = readReportQuery(searchParams, opts.now);
  const { period, grouping, subKey } = query;
  const [series, byOffer, bySubId, freshness] = await Promise.all([
    leadSeries(actor.companyId, period, grouping),
    affiliateLeadsByOffer(actor.companyId, period),
    affiliateLeadsBySubId(actor.companyId, subKey, period),
    rollupFreshness("received"),
  ]);
  const total = sumBuckets(series);
  const categories = series.map((b) => b.bucket);
  return {
    ...viewQuestion(AFFILIATE_REPORT_PATH, query, subKey),
    freshness,
    stats: [
      { label: "Leads sent", value: total.received, kind: "count" },
      { label: "Acceptance rate", value: ratio(total.accepted, total.received), kind: "percent" },
      { label: "Earnings", value: total.earningsCents, kind: "money" },
      { label: "EPC", value: centsPer(total.earningsCents, total.received), kind: "money", note: "Earnings per lead sent" },
      { label: "Return rate", value: ratio(total.returned, total.sold), kind: "percent", note: "Of leads sold" },
    ],
    funnel: leadFunnel(total),
    charts:
      opts.charts === false
        ? []
        : [
            leadVolumeChart({ id: "leads", title: "Leads", grouping, period, series }),
            renderSeriesChart({
              id: "earnings",
              title: "Earnings",
              caption: `Your earnings in dollars per ${grouping}, after the platform fee and returns.`,
              categories,
              money: true,
              series: [{ name: "Earnings", type: "line", values: series.map((b) => dollars(b.earningsCents)) }],
            }),
          ],
    tables: [periodTable({ grouping, buckets: series, total, columns: AFFILIATE_LEAD_COLUMNS, cells: affiliateLeadCells }), byOffer, bySubId],
  };
}

/** One table of the report as CSV, with the page's filters. */
export async function affiliateReportCsv(actor: Actor, searchParams: URLSearchParams, opts: ReportOptions = {}) {
  const view = await affiliateReport(actor, searchParams, { ...opts, charts: false });
  return { view, file: reportCsv(view, "affiliate", readReportQuery(searchParams).table) };
}
