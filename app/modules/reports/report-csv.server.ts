import { toCsv } from "~/modules/deliveries/csv";
import { centsToDecimal } from "~/utils/money";
import type { ReportCell, ReportColumn, ReportTable, ReportView } from "./report-query.schema";

// A report table as CSV: the same rows as the page (same filters), money in dollars, rates in
// percent with one decimal, durations in seconds; cells escaped against formula injection by the
// one CSV writer (deliveries/csv.ts).

function csvHeader(column: ReportColumn): string {
  if (column.kind === "money") return `${column.label} ($)`;
  if (column.kind === "percent") return `${column.label} (%)`;
  if (column.kind === "seconds") return `${column.label} (seconds)`;
  return column.label;
}

function csvValue(column: ReportColumn, value: ReportCell | undefined): ReportCell {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (column.kind === "money") return centsToDecimal(value);
  if (column.kind === "percent") return (value * 100).toFixed(1);
  return value;
}

export function reportTableCsv(table: ReportTable): string {
  const rows = [...table.rows, ...(table.total ? [table.total] : [])];
  return toCsv(
    table.columns.map(csvHeader),
    rows.map((row) => table.columns.map((c) => csvValue(c, row[c.key]))),
  );
}

/** The table a CSV link asked for (the first table when none or an unknown one), with its file name. */
export function reportCsv(view: ReportView, role: string, tableId: string | undefined): { filename: string; csv: string } {
  const table = view.tables.find((t) => t.id === tableId) ?? view.tables[0];
  return { filename: `leadex-${role}-report-${table.id}-${view.fromDay}-to-${view.toDay}.csv`, csv: reportTableCsv(table) };
}

/** The HTTP answer of a CSV export. */
export function csvResponse({ filename, csv }: { filename: string; csv: string }): Response {
  return new Response(csv, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "private, no-store" },
  });
}

/** A 400 naming the period's fields that could not be read (a CSV cannot show the form's errors); null when all were read. */
export function periodErrorResponse(view: ReportView): Response | null {
  const problems = Object.entries(view.errors);
  if (problems.length === 0) return null;
  return new Response(`${problems.map(([field, message]) => `${field}: ${message}`).join("\n")}\n`, {
    status: 400,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "private, no-store" },
  });
}
