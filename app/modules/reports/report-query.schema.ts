import { z } from "zod";
import { conversionReportQuerySchema, resolveReportPeriod, type ReportPeriod } from "~/modules/conversions/conversion-reports.schema";
import { SUB_ID_KEYS } from "~/modules/leads/leads.schema";

// The question every report page asks (kept in the URL by its GET form): the period (both days
// included, UTC, the last 30 days by default, at most 366), how to bucket the charts, and for
// affiliates which sub-id key to break down by. A period that cannot be read is a 400 naming the
// field; other unknown values fall back to their defaults.

export const REPORT_GROUPINGS = ["day", "week"] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];

export const reportQuerySchema = conversionReportQuerySchema.pick({ from: true, to: true }).extend({
  grouping: z.enum(REPORT_GROUPINGS).catch("day").default("day"),
  subKey: z.enum(SUB_ID_KEYS).catch("s1").default("s1"),
  /** Which table a CSV export holds (the page's table ids); the first when absent. */
  table: z
    .string()
    .regex(/^[a-z-]{1,20}$/)
    .optional()
    .catch(undefined),
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

export interface ResolvedReportQuery {
  period: ReportPeriod;
  grouping: ReportGrouping;
  subKey: (typeof SUB_ID_KEYS)[number];
  table: string | undefined;
  /** The fields that could not be read, with what to type instead; the page answers 400 with them. */
  errors: Partial<Record<"from" | "to", string>>;
}

/** The query of a report page's URL, resolved against `now`. */
export function readReportQuery(searchParams: URLSearchParams, now: Date = new Date()): ResolvedReportQuery {
  const query = reportQuerySchema.parse(Object.fromEntries(searchParams));
  const period = resolveReportPeriod(query, now);
  return { period, grouping: query.grouping, subKey: query.subKey, table: query.table, errors: period.problems };
}

/** How a column's values read: counts, cents (dollars on the page and in CSV), ratios 0..1, seconds. */
export type ReportColumnKind = "text" | "count" | "money" | "percent" | "seconds";
export type ReportCell = string | number | null;

export interface ReportColumn {
  key: string;
  label: string;
  kind: ReportColumnKind;
}

/** One table of a report, as the page shows it and the CSV export writes it. */
export interface ReportTable {
  id: string;
  title: string;
  description?: string;
  columns: ReportColumn[];
  rows: Array<Record<string, ReportCell>>;
  /** The totals row, when the table's figures add up. */
  total?: Record<string, ReportCell>;
}

/** One headline figure, formatted by the page as its kind says. */
export interface ReportStat {
  label: string;
  value: number | null;
  kind: Exclude<ReportColumnKind, "text">;
  note?: string;
}

export interface ReportChart {
  id: string;
  title: string;
  /** What the chart shows, in words (the figure's caption; the table below holds the numbers). */
  caption: string;
  /** Server-rendered SVG markup, no script, no style element or attribute. */
  svg: string;
}

export interface FunnelStep {
  label: string;
  count: number;
  /** Share of the first step, 0..1; null when the first is 0. */
  ofFirst: number | null;
}

/** What a report page shows: one shape for the three roles. */
export interface ReportView {
  path: string;
  fromDay: string;
  toDay: string;
  grouping: ReportGrouping;
  subKey: string | null;
  errors: Partial<Record<"from" | "to", string>>;
  /** How fresh the figures are, in words. */
  freshness: string;
  stats: ReportStat[];
  funnel: FunnelStep[];
  charts: ReportChart[];
  tables: ReportTable[];
}

/** a ÷ b, or null when b is 0. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** Cents a ÷ b, rounded to the cent, or null when b is 0. */
export function centsPer(cents: number, count: number): number | null {
  return count === 0 ? null : Math.round(cents / count);
}
