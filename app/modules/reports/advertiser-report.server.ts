import { requirePermission, type Actor } from "~/utils/permissions.server";
import { buyerSalesByAffiliate } from "./by-source.server";
import { buyerSalesByOffer } from "./by-offer.server";
import { funnelSteps, saleSeries, sumBuckets } from "./funnel.server";
import { renderSeriesChart } from "./report-charts.server";
import { reportCsv } from "./report-csv.server";
import { centsPer, ratio, readReportQuery, type ReportView } from "./report-query.schema";
import { BUYER_SALE_COLUMNS, buyerSaleCells } from "./rollup-groups.server";
import { buyerSpeedByOrder } from "./speed-to-lead.server";
import { dollars, periodTable, rollupFreshness, type ReportOptions, viewQuestion } from "./report-view.server";

// The advertiser's report: only the leads it bought (every query is scoped by its company), by
// the day bought: the funnel from purchase to contact, conversion and return, spend over time,
// by offer and by the affiliate that sold them, and speed to lead per order.

export const ADVERTISER_REPORT_PATH = "/advertiser/reports";

export async function advertiserReport(actor: Actor, searchParams: URLSearchParams, opts: ReportOptions = {}): Promise<ReportView> {
  requirePermission(actor, "read:lead:bought");
  const query = readReportQuery(searchParams, opts.now);
  const { period, grouping } = query;
  const [series, byOffer, bySource, speed, freshness] = await Promise.all([
    saleSeries(actor.companyId, period, grouping),
    buyerSalesByOffer(actor.companyId, period),
    buyerSalesByAffiliate(actor.companyId, period),
    buyerSpeedByOrder(actor.companyId, period),
    rollupFreshness("sold"),
  ]);
  const total = sumBuckets(series);
  const categories = series.map((b) => b.bucket);
  return {
    ...viewQuestion(ADVERTISER_REPORT_PATH, query, null),
    freshness,
    stats: [
      { label: "Leads bought", value: total.bought, kind: "count" },
      { label: "Spend", value: total.spendCents, kind: "money", note: "Leads and conversions, less returns" },
      { label: "Cost per lead", value: centsPer(total.spendCents, total.bought), kind: "money" },
      { label: "Cost per action", value: centsPer(total.spendCents, total.actions), kind: "money" },
      { label: "Conversion rate", value: ratio(total.converted, total.bought), kind: "percent" },
      {
        label: "ROI",
        value: total.salesWithAmount > 0 && total.spendCents > 0 ? (total.saleAmountCents - total.spendCents) / total.spendCents : null,
        kind: "percent",
        note: total.salesWithAmount > 0 ? "On the sale amounts you reported" : "Needs sale amounts (CPS conversions)",
      },
    ],
    funnel: funnelSteps([
      ["Bought", total.bought],
      ["Delivered", total.delivered],
      ["Contacted", total.contacted],
      ["Converted", total.converted],
      ["Returned", total.returned],
    ]),
    charts:
      opts.charts === false
        ? []
        : [
            renderSeriesChart({
              id: "leads",
              title: "Leads bought",
              caption: `Leads bought, converted and returned per ${grouping}, ${period.fromDay} to ${period.toDay}.`,
              categories,
              series: [
                { name: "Bought", type: "bar", values: series.map((b) => b.bought) },
                { name: "Converted", type: "bar", values: series.map((b) => b.converted) },
                { name: "Returned", type: "line", values: series.map((b) => b.returned) },
              ],
            }),
            renderSeriesChart({
              id: "spend",
              title: "Spend",
              caption: `What you paid in dollars per ${grouping}: leads and conversions, less returns.`,
              categories,
              money: true,
              series: [{ name: "Spend", type: "line", values: series.map((b) => dollars(b.spendCents)) }],
            }),
          ],
    tables: [periodTable({ grouping, buckets: series, total, columns: BUYER_SALE_COLUMNS, cells: buyerSaleCells }), byOffer, bySource, speed],
  };
}

/** One table of the report as CSV, with the page's filters. */
export async function advertiserReportCsv(actor: Actor, searchParams: URLSearchParams, opts: ReportOptions = {}) {
  const view = await advertiserReport(actor, searchParams, { ...opts, charts: false });
  return { view, file: reportCsv(view, "advertiser", readReportQuery(searchParams).table) };
}
