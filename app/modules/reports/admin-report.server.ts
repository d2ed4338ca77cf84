import { measureBacklog } from "~/modules/operations/backlog.server";
import { requirePermission, type Actor } from "~/utils/permissions.server";
import { platformLeadsByOffer } from "./by-offer.server";
import { platformSalesByAdvertiser } from "./by-source.server";
import { leadFunnel, leadSeries, sumBuckets } from "./funnel.server";
import { readPlatformMoney } from "./platform.server";
import { leadVolumeChart, renderSeriesChart } from "./report-charts.server";
import { reportCsv } from "./report-csv.server";
import { ratio, readReportQuery, type ReportView } from "./report-query.schema";
import { PLATFORM_LEAD_COLUMNS, platformLeadCells } from "./rollup-groups.server";
import { platformSpeedByAdvertiser } from "./speed-to-lead.server";
import { dollars, periodTable, rollupFreshness, type ReportOptions, viewQuestion } from "./report-view.server";

// The platform report for admins: every lead and sale; volume, buyers' spend, the fees the
// ledger booked (revenue) and the take rate, what affiliates are owed (held, available), the
// workers' backlog, every offer and buyer, and each buyer's speed to lead.

export const ADMIN_REPORT_PATH = "/admin/reports";

export async function adminReport(actor: Actor, searchParams: URLSearchParams, opts: ReportOptions = {}): Promise<ReportView> {
  requirePermission(actor, "read:lead:any");
  const query = readReportQuery(searchParams, opts.now);
  const { period, grouping } = query;
  const [series, money, byOffer, byAdvertiser, speed, backlog, freshness] = await Promise.all([
    leadSeries(null, period, grouping),
    readPlatformMoney(period, grouping),
    platformLeadsByOffer(period),
    platformSalesByAdvertiser(period),
    platformSpeedByAdvertiser(period),
    measureBacklog(),
    rollupFreshness("received"),
  ]);
  const total = sumBuckets(series);
  const categories = series.map((b) => b.bucket);
  const waiting = backlog.queues?.reduce((sum, q) => sum + q.waiting + q.delayed, 0) ?? null;
  return {
    ...viewQuestion(ADMIN_REPORT_PATH, query, null),
    freshness,
    stats: [
      { label: "Leads received", value: total.received, kind: "count" },
      { label: "Revenue", value: money.feesCents, kind: "money", note: "Platform fees booked in the ledger in the period" },
      { label: "Take rate", value: ratio(total.feesCents, total.spendCents), kind: "percent", note: "Fees ÷ buyers' spend on these leads" },
      { label: "Affiliates' money held", value: money.heldCents, kind: "money", note: "Now, inside return windows" },
      { label: "Affiliates' money available", value: money.availableCents, kind: "money", note: "Now, for the next payout run" },
      {
        label: "Oldest undecided lead",
        value: backlog.oldestUndecidedAgeSeconds,
        kind: "seconds",
        note: waiting === null ? "Queues did not answer" : `${waiting} jobs waiting`,
      },
    ],
    funnel: leadFunnel(total),
    charts:
      opts.charts === false
        ? []
        : [
            leadVolumeChart({ id: "volume", title: "Volume", grouping, period, series }),
            renderSeriesChart({
              id: "revenue",
              title: "Revenue",
              caption: `Platform fees booked in the ledger and buyers' spend, in dollars per ${grouping}.`,
              categories,
              money: true,
              series: [
                { name: "Fees (ledger)", type: "bar", values: money.feesByBucket.map((b) => dollars(b.feesCents)) },
                { name: "Buyers' spend", type: "line", values: series.map((b) => dollars(b.spendCents)) },
              ],
            }),
          ],
    tables: [periodTable({ grouping, buckets: series, total, columns: PLATFORM_LEAD_COLUMNS, cells: platformLeadCells }), byOffer, byAdvertiser, speed],
  };
}

/** One table of the report as CSV, with the page's filters. */
export async function adminReportCsv(actor: Actor, searchParams: URLSearchParams, opts: ReportOptions = {}) {
  const view = await adminReport(actor, searchParams, { ...opts, charts: false });
  return { view, file: reportCsv(view, "admin", readReportQuery(searchParams).table) };
}
