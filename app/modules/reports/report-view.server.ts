import { getEnv } from "~/utils/env.server";
import { formatDuration, formatUtcMinute } from "~/utils/duration";
import { lastRollupRefresh, FULL_ROLLUP_DAYS } from "./report-rollups.server";
import type { ReportCell, ReportColumn, ReportGrouping, ReportTable, ResolvedReportQuery } from "./report-query.schema";

// Pieces every role's report shares: the period table (one row per day or week, a totals row)
// and the sentence saying how fresh the figures are.

export interface ReportOptions {
  /** The moment "today" is read from (tests). */
  now?: Date;
  /** false: skip drawing the charts (CSV exports). */
  charts?: boolean;
}

/** The fields of a view that restate its question: where it lives, the period read, what was wrong. */
export function viewQuestion(path: string, query: ResolvedReportQuery, subKey: string | null) {
  return { path, fromDay: query.period.fromDay, toDay: query.period.toDay, grouping: query.grouping, subKey, errors: query.errors };
}

export function periodTable<B extends { bucket: string }>(opts: {
  grouping: ReportGrouping;
  buckets: B[];
  total: Omit<B, "bucket">;
  columns: ReportColumn[];
  cells: (bucket: Omit<B, "bucket">) => Record<string, ReportCell>;
}): ReportTable {
  const label = opts.grouping === "week" ? "Week of" : "Day";
  return {
    id: "period",
    title: opts.grouping === "week" ? "By week" : "By day",
    columns: [{ key: "period", label, kind: "text" }, ...opts.columns],
    rows: opts.buckets.map((b) => ({ period: b.bucket, ...opts.cells(b) })),
    total: { period: "Total", ...opts.cells(opts.total) },
  };
}

/** How fresh the rollups are, in words. */
export async function rollupFreshness(by: "received" | "sold"): Promise<string> {
  const refreshed = await lastRollupRefresh();
  const every = formatDuration(Math.round(getEnv().REPORT_ROLLUPS_EVERY_MS / 1000));
  const day = by === "received" ? "the day each lead was received" : "the day each lead was bought";
  const when = refreshed ? `last ${formatUtcMinute(refreshed)}` : "not yet run";
  return `Figures by ${day} (UTC), updated every ${every} (${when}). A later conversion or return counts on that day from the nightly refresh, which recomputes the last ${FULL_ROLLUP_DAYS} days.`;
}

/** Dollars from cents, for charts (tables keep cents and format them). */
export const dollars = (cents: number) => Math.round(cents) / 100;
